package io.fusionline.operators.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.decision.DecisionAction;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TextDecisionFunctionTest {

    private static final long IDLE_MS = 60_000;

    private KeyedOneInputStreamOperatorTestHarness<String, TextEvent, Decision> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new TextDecisionFunction(Duration.ofMillis(IDLE_MS)),
                        e -> e.getSourceId(),
                        Types.STRING);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void shouldNumberDecisionsPerSourceAndKeepOneStateEntryAndTimerEach() throws Exception {
        harness.processElement(event("line-1", 1_000, "surface clean"), 1_000);
        harness.processElement(event("line-1", 2_000, "deep scratch near the hole"), 2_000);
        harness.processElement(event("call-7", 1_500, "I want to dispute this"), 1_500);

        List<Decision> out = harness.extractOutputValues();
        assertThat(out)
                .extracting(Decision::getDecisionId)
                .containsExactly("line-1/1000/1", "line-1/1000/2", "call-7/1500/1");
        assertThat(out.get(0).getLabel()).isEqualTo("ok");
        assertThat(out.get(0).getAction()).isEqualTo(DecisionAction.NONE);
        assertThat(out.get(1).getLabel()).isEqualTo("scratch");
        assertThat(out.get(1).getModalities()).containsExactly("text");
        assertThat(out.get(2).getLabel()).isEqualTo("fraud");
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);
    }

    @Test
    void shouldEscalateRepeatedEvidenceFromOneSource() throws Exception {
        harness.processElement(event("line-2", 1_000, "scratch"), 1_000);
        harness.processElement(event("line-2", 2_000, "scratch"), 2_000);
        harness.processElement(event("line-2", 3_000, "deep scratch, some scuff"), 3_000);

        List<Decision> out = harness.extractOutputValues();
        double single = 1 - Math.exp(-1.2);
        double recent = TextDecisionFunction.RISK_DECAY * single;
        assertThat(out.get(0).getScore()).isCloseTo(single, within(1e-9));
        assertThat(out.get(0).getAction()).isEqualTo(DecisionAction.ALERT);
        assertThat(out.get(1).getScore())
                .isCloseTo(1 - (1 - single) * (1 - 0.5 * recent), within(1e-9))
                .isGreaterThan(single);
        assertThat(out.get(2).getAction()).isEqualTo(DecisionAction.STOP_LINE);
    }

    @Test
    void shouldClearStateAndTimerAfterIdleTimeout() throws Exception {
        harness.processElement(event("line-3", 1_000, "dent"), 1_000);
        harness.processElement(event("line-3", 5_000, "dent"), 5_000);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.processWatermark(new Watermark(5_000 + IDLE_MS - 1));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

        harness.processWatermark(new Watermark(5_000 + IDLE_MS));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();

        harness.processElement(event("line-3", 100_000, "fine"), 100_000);
        assertThat(harness.extractOutputValues())
                .extracting(Decision::getDecisionId)
                .containsExactly("line-3/1000/1", "line-3/1000/2", "line-3/100000/1");
    }

    @Test
    void shouldKeepStateAcrossSnapshotAndRestore() throws Exception {
        harness.processElement(event("line-4", 1_000, "crack"), 1_000);
        var snapshot = harness.snapshot(1L, 1L);
        harness.close();

        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new TextDecisionFunction(Duration.ofMillis(IDLE_MS))),
                        e -> e.getSourceId(),
                        Types.STRING);
        harness.initializeState(snapshot);
        harness.open();
        harness.processElement(new StreamRecord<>(event("line-4", 2_000, "crack"), 2_000));

        Decision after = harness.extractOutputValues().get(0);
        assertThat(after.getDecisionId()).isEqualTo("line-4/1000/2");
        assertThat(after.getSequence()).isEqualTo(2);
    }

    static TextEvent event(String source, long time, String text) {
        return TextEvent.newBuilder()
                .setSourceId(source)
                .setEventTime(Instant.ofEpochMilli(time))
                .setKind(TextKind.OPERATOR_NOTE)
                .setText(text)
                .setAttributes(Map.of())
                .setFeatures(Map.of())
                .build();
    }
}
