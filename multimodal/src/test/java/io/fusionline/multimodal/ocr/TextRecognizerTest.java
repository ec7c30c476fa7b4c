package io.fusionline.multimodal.ocr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fusionline.multimodal.EditDistance;
import io.fusionline.multimodal.vision.Crop;
import io.fusionline.multimodal.vision.EncodedImage;
import io.fusionline.multimodal.vision.ImageCodec;
import io.fusionline.multimodal.vision.ImageFormatException;
import io.fusionline.multimodal.vision.ImageLimits;
import io.fusionline.multimodal.vision.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TextRecognizerTest {

    /** Character error rate a rendered line must stay under. */
    static final double MAX_CHARACTER_ERROR_RATE = 0.05;

    private static TextRecognizer line;
    private static final OcrPreprocessor PRE = new OcrPreprocessor(ImageLimits.DEFAULT);

    @BeforeAll
    static void open() {
        line = TextRecognizer.english(TextRecognizer.Layout.SINGLE_LINE);
    }

    @AfterAll
    static void close() {
        line.close();
    }

    @Test
    void shouldReadARenderedSerialNumberLineWithinTheErrorBound() throws Exception {
        String expected = "SERIAL NO A7X-4821 LOT 0423";
        byte[] png = render(expected, 28, 0, 0);

        OcrText read = line.read(PRE.prepare(EncodedImage.of(png), null));

        double cer = EditDistance.characters(expected, read.text()) / (double) expected.length();
        assertThat(cer)
                .as("CER of \"%s\"", read.text())
                .isLessThanOrEqualTo(MAX_CHARACTER_ERROR_RATE);
        assertThat(read.confidence()).isGreaterThan(0.5f);
    }

    @Test
    void shouldReadOnlyTheRegionOfInterestOfADocument() throws Exception {
        String expected = "PASSPORT NO X1234567";
        byte[] png = render(expected, 24, 200, 90);

        try (TextRecognizer page = TextRecognizer.english(TextRecognizer.Layout.PAGE)) {
            OcrText read = page.read(PRE.prepare(EncodedImage.of(png), new Crop(0, 0, 560, 80)));
            double cer =
                    EditDistance.characters(expected, read.text()) / (double) expected.length();
            assertThat(cer)
                    .as("CER of \"%s\"", read.text())
                    .isLessThanOrEqualTo(MAX_CHARACTER_ERROR_RATE);
        }
    }

    @Test
    void shouldRefuseToScaleAThinImageUpPastThePixelLimit() throws Exception {
        byte[] thin = TestImages.rawBgr(40_000, 1, (x, y) -> new int[] {255, 255, 255});
        assertThatThrownBy(
                        () ->
                                PRE.prepare(
                                        new EncodedImage(thin, ImageCodec.RAW_BGR, 40_000, 1),
                                        null))
                .isInstanceOf(ImageFormatException.class)
                .hasMessage(
                        "OCR would scale 40000x1 up 64 times to 163840000 pixels (limit 40000000)");
    }

    @Test
    void shouldReadNothingFromABlankImage() throws Exception {
        OcrText read = line.read(PRE.prepare(EncodedImage.of(render("", 20, 0, 0)), null));

        assertThat(read.isEmpty()).as("read \"%s\" at %s", read.text(), read.confidence()).isTrue();
        assertThat(read.confidence()).isZero();
    }

    static byte[] render(String text, int points, int extraWidth, int extraHeight) {
        return TextImages.png(text, points, extraWidth, extraHeight);
    }
}
