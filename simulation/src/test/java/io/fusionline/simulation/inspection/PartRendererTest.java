package io.fusionline.simulation.inspection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PartRendererTest {

    private final PartRenderer renderer = new PartRenderer(224);

    @ParameterizedTest
    @EnumSource(Defect.class)
    void shouldRenderTheSameBytesForTheSameSeed(Defect defect) {
        PartImage a = renderer.render(defect, 42);
        PartImage b = renderer.render(defect, 42);
        PartImage other = renderer.render(defect, 43);

        assertThat(a.bgr()).isEqualTo(b.bgr());
        assertThat(a.mask()).isEqualTo(b.mask());
        assertThat(a.bgr()).isNotEqualTo(other.bgr());
        assertThat(a.bgr()).hasSize(224 * 224 * 3);
        assertThat(a.defect()).isEqualTo(defect);
    }

    @Test
    void shouldMarkEveryDefectAndNothingOnAGoodPart() {
        for (long seed = 0; seed < 20; seed++) {
            assertThat(renderer.render(Defect.NONE, seed).maskPixels()).isZero();
            for (Defect d : Defect.values()) {
                if (d != Defect.NONE) {
                    assertThat(renderer.render(d, seed).maskPixels())
                            .as("%s seed %d", d, seed)
                            .isBetween(40, 3_000);
                }
            }
        }
    }

    @Test
    void shouldLeaveBareMetalWhereAMissingHoleShouldBe() {
        for (long seed = 0; seed < 10; seed++) {
            PartImage part = renderer.render(Defect.MISSING_FEATURE, seed);
            assertThat(meanUnderMask(part)).as("seed %d", seed).isGreaterThan(110);
        }
    }

    @Test
    void shouldDarkenOrDiscolourWhatACrackOrStainCovers() {
        PartImage crack = renderer.render(Defect.CRACK, 5);
        PartImage stain = renderer.render(Defect.STAIN, 5);

        assertThat(meanUnderMask(crack)).isLessThan(meanOfPlate(crack));
        // stains are brownish: red above blue under the mask
        assertThat(channelUnderMask(stain, 2)).isGreaterThan(channelUnderMask(stain, 0) + 15);
    }

    @Test
    void shouldRefuseSizesItCannotDraw() {
        assertThatThrownBy(() -> new PartRenderer(32))
                .hasMessage("part image size must be 96..1024, got 32");
    }

    private static double meanUnderMask(PartImage p) {
        return (channelUnderMask(p, 0) + channelUnderMask(p, 1) + channelUnderMask(p, 2)) / 3;
    }

    private static double channelUnderMask(PartImage p, int channel) {
        long sum = 0;
        int n = 0;
        for (int i = 0; i < p.mask().length; i++) {
            if (p.mask()[i] != 0) {
                sum += p.bgr()[i * 3 + channel] & 0xff;
                n++;
            }
        }
        return n == 0 ? 0 : (double) sum / n;
    }

    /** Mean grey of the central quarter, which is always plate. */
    private static double meanOfPlate(PartImage p) {
        long sum = 0;
        int n = 0;
        int s = p.size();
        for (int y = s * 3 / 8; y < s * 5 / 8; y++) {
            for (int x = s * 3 / 8; x < s * 5 / 8; x++) {
                for (int k = 0; k < 3; k++) {
                    sum += p.bgr()[(y * s + x) * 3 + k] & 0xff;
                }
                n += 3;
            }
        }
        return (double) sum / n;
    }
}
