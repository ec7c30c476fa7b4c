package io.fusionline.multimodal.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fusionline.multimodal.text.TextEmbedding;
import io.fusionline.multimodal.text.TextEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Token assembly and masks of {@link FusionModel}, on the built-in inspection model. */
class FusionModelTest {

    private static FusionModel model;
    private static TextEncoder text;
    private static FusionInput full;

    @BeforeAll
    static void open() {
        model = FusionModel.open(BuiltInModels.fusion(BuiltInModels.INSPECTION_FUSION), 1);
        text = TextEncoder.open(1, 32);
        FusionModelDescriptor d = model.descriptor();
        float[] patches = new float[d.patches() * d.visionDim()];
        Random random = new Random(3);
        for (int i = 0; i < patches.length; i++) {
            patches[i] = Math.max(0, (float) random.nextGaussian());
        }
        full =
                new FusionInput(
                        patches,
                        new TextEmbedding[] {
                            text.encode("spindle temp 81.0 C vibration 2.1 mm/s tool wear 0.40"),
                            text.encode("oil stain on the surface")
                        },
                        Map.of("temperature", 81.0, "vibration", 2.1, "toolWear", 0.4),
                        Map.of());
    }

    @AfterAll
    static void close() {
        text.close();
        model.close();
    }

    @Test
    void everyCombinationOfMissingModalitiesIsMasked() {
        List<FusionInput> inputs = new ArrayList<>();
        List<boolean[]> subsets = new ArrayList<>();
        for (int mask = 0; mask < 8; mask++) {
            boolean[] keep = {(mask & 1) != 0, (mask & 2) != 0, (mask & 4) != 0};
            subsets.add(keep);
            inputs.add(full.only(keep));
        }
        List<FusionOutput> out = model.decide(inputs);
        for (int s = 0; s < 8; s++) {
            FusionOutput o = out.get(s);
            boolean[] keep = subsets.get(s);
            assertThat(o.present()).containsExactly(keep[0], keep[1], keep[2]);
            assertThat(sum(o.probabilities())).isCloseTo(1.0, within(1e-4));
            double alpha = 0;
            for (int m = 0; m < 3; m++) {
                if (!keep[m]) {
                    assertThat(o.alpha()[m])
                            .as("α of missing modality %d in subset %d", m, s)
                            .isZero();
                }
                alpha += o.alpha()[m];
            }
            if (s > 0) {
                assertThat(alpha).isCloseTo(1.0, within(1e-4));
            }
            if (!keep[0] || !(keep[1] || keep[2])) {
                assertThat(sum(o.visionAttention()))
                        .as("no image or no text: no evidence")
                        .isZero();
            } else {
                assertThat(sum(o.visionAttention())).isCloseTo(1.0, within(1e-3));
            }
        }
        // what is masked out does not matter: other patches, other numbers, same output
        boolean[] textOnly = {false, true, true};
        FusionInput other =
                new FusionInput(
                        new float[full.visionTokens().length],
                        full.texts(),
                        full.features(),
                        Map.of());
        assertThat(model.decide(List.of(other.only(textOnly))).get(0).probabilities())
                .containsExactly(out.get(6).probabilities(), within(1e-6f));
    }

    @Test
    void aBatchDecidesEachWindowAsAlone() {
        FusionInput noNote = full.only(new boolean[] {true, true, false});
        FusionInput noImage = full.only(new boolean[] {false, true, true});
        List<FusionOutput> batch = model.decide(List.of(full, noNote, noImage));
        List<FusionInput> singles = List.of(full, noNote, noImage);
        for (int i = 0; i < 3; i++) {
            FusionOutput alone = model.decide(List.of(singles.get(i))).get(0);
            assertThat(batch.get(i).probabilities())
                    .containsExactly(alone.probabilities(), within(1e-5f));
            assertThat(batch.get(i).alpha()).containsExactly(alone.alpha(), within(1e-5f));
        }
    }

    @Test
    void evidenceNamesPatchesAndWords() {
        FusionOutput o = model.decide(List.of(full)).get(0);
        int[] patches = o.topPatches(3);
        assertThat(patches).hasSize(3).doesNotHaveDuplicates();
        assertThat(o.visionAttention()[patches[0]])
                .isGreaterThanOrEqualTo(o.visionAttention()[patches[2]]);
        int length = full.texts()[1].length();
        for (int slot : o.topTokens(1, 2, length)) {
            assertThat(slot).isBetween(0, length - 1);
        }
    }

    @Test
    void refusesPatchTokensOfTheWrongShape() {
        FusionInput wrong = new FusionInput(new float[7], full.texts(), Map.of(), Map.of());
        assertThatThrownBy(() -> model.decide(List.of(wrong)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vision tokens must be 64x96");
    }

    private static double sum(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }
}
