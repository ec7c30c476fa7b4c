package io.fusionline.operators;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Reason kinds stay few and free of record details, so they can be metric labels. */
class DeadLetterMetricsFunctionTest {

    @Test
    void shouldKeepTheReasonsKindBeforeItsDetails() {
        assertThat(
                        DeadLetterMetricsFunction.kind(
                                "not Avro single-object encoding (expected header C3 01) for TextEvent"))
                .isEqualTo("not avro single-object encoding");
        assertThat(DeadLetterMetricsFunction.kind("late: window [10, 16] closed at 20"))
                .isEqualTo("late");
        assertThat(DeadLetterMetricsFunction.kind("frame too large: 9000x9000"))
                .isEqualTo("frame too large");
        assertThat(DeadLetterMetricsFunction.kind("  ")).isEqualTo("unknown");
        assertThat(DeadLetterMetricsFunction.kind(null)).isEqualTo("unknown");
        assertThat(DeadLetterMetricsFunction.kind("x".repeat(100))).hasSize(48);
    }
}
