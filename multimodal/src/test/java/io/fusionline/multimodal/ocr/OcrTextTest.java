package io.fusionline.multimodal.ocr;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OcrTextTest {

    @Test
    void shouldCollapseWhitespaceAndDropBlankLines() {
        OcrText text = OcrText.of("  LOT   0423 \n\n| |\n\f SERIAL\tA7X \n", 87);

        assertThat(text.text()).isEqualTo("LOT 0423\nSERIAL A7X");
        assertThat(text.confidence()).isEqualTo(0.87f);
        assertThat(OcrText.of(" \n", 95).confidence()).isZero();
        assertThat(OcrText.of("Oo", OcrText.MIN_CONFIDENCE_PERCENT - 1).isEmpty()).isTrue();
    }
}
