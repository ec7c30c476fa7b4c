package io.fusionline.multimodal.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TextEncoderTest {

    private static TextEncoder encoder;

    @BeforeAll
    static void open() {
        encoder = TextEncoder.open();
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    @Test
    void tokenizesLikeBertUncased() {
        WordPieceTokenizer.Encoding e =
                encoder.tokenizer().encode("Spindle temp 71.3 C, unaffable Café!", 64);
        assertThat(e.pieces())
                .containsExactly(
                        "[CLS]", "spin", "##dle", "te", "##mp", "71", ".", "3", "c", ",", "una",
                        "##ffa", "##ble", "cafe", "!", "[SEP]");
        assertThat(e.ids()[0]).isEqualTo(101);
        assertThat(e.ids()[e.length() - 1]).isEqualTo(102);
        assertThat(e.words()).startsWith(-1, 0, 0, 1, 1, 2, 3, 4);
    }

    @Test
    void cutsLongTextsAtTheLimit() {
        WordPieceTokenizer.Encoding e =
                encoder.tokenizer().encode("one two three four five six seven", 5);
        assertThat(e.pieces()).containsExactly("[CLS]", "one", "two", "three", "[SEP]");
    }

    @Test
    void similarMeaningsAreCloserThanUnrelatedOnes() {
        List<TextEmbedding> out =
                encoder.encode(
                        List.of(
                                "this part is cracked",
                                "i see a crack near the hole",
                                "i want to check my balance"));
        float[] a = out.get(0).sentence();
        float[] b = out.get(1).sentence();
        float[] c = out.get(2).sentence();
        assertThat(dot(a, a)).isCloseTo(1.0, within(1e-4));
        assertThat(dot(a, b)).isGreaterThan(dot(a, c) + 0.2);
        assertThat(out.get(0).tokenVectors()).hasSize(out.get(0).length() * TextEncoder.DIM);
        assertThat(out.get(1).wordAt(5)).isEqualTo("near");
    }

    @Test
    void aTextsEmbeddingDoesNotDependOnItsNeighbours() {
        TextEmbedding alone = encoder.encode("oil stain on the surface");
        TextEmbedding batched =
                encoder.encode(
                                List.of(
                                        "a much longer text that forces padding of the short one",
                                        "oil stain on the surface"))
                        .get(1);
        assertThat(batched.length()).isEqualTo(alone.length());
        for (int i = 0; i < alone.tokenVectors().length; i++) {
            assertThat(batched.tokenVectors()[i]).isCloseTo(alone.tokenVectors()[i], within(0f));
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
