package io.fusionline.multimodal.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NumericFeaturesTest {

    private final NumericFeatures spec =
            new NumericFeatures(
                    List.of(
                            new NumericFeatures.Feature(
                                    "amount", "log1p-standard", 4, 2, null, null, null),
                            new NumericFeatures.Feature(
                                    "velocity10m", "standard", 1, 0.5, null, null, null),
                            new NumericFeatures.Feature(null, null, 0, 1, "device", "new", null),
                            new NumericFeatures.Feature(null, null, 0, 1, "country", null, "DE")));

    @Test
    void appliesEveryTransform() {
        float[] v =
                spec.vector(
                        Map.of("amount", Math.E - 1, "velocity10m", 2.0),
                        Map.of("device", "new", "country", "BR"));
        assertThat(v[0]).isCloseTo((float) ((1 - 4) / 2.0), within(1e-6f));
        assertThat(v).containsExactly(new float[] {-1.5f, 2f, 1f, 1f}, within(1e-6f));
    }

    @Test
    void missingValuesCountAsMeanOrAbsent() {
        assertThat(spec.vector(null, Map.of("country", "DE", "device", "known")))
                .containsExactly(0f, 0f, 0f, 0f);
        assertThat(spec.vector(Map.of("amount", Double.NaN), Map.of()))
                .containsExactly(0f, 0f, 0f, 0f);
    }
}
