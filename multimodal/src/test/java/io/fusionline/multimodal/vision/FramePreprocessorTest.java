package io.fusionline.multimodal.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FramePreprocessorTest {

    private static final float[] ZERO = {0, 0, 0};
    private static final float[] ONE = {1, 1, 1};

    private static ImageInputSpec spec(int w, int h, TensorLayout layout, ResizeMode resize) {
        return new ImageInputSpec(w, h, layout, ChannelOrder.RGB, resize, 1f, ZERO, ONE, 0);
    }

    @Test
    void shouldWriteKnownPixelsAsNchwRgb() throws Exception {
        byte[] png = TestImages.png(2, 2, (x, y) -> new int[] {10 * x + y, 100 + x, 200 + y});
        FramePreprocessor pre =
                new FramePreprocessor(
                        spec(2, 2, TensorLayout.NCHW, ResizeMode.STRETCH), ImageLimits.DEFAULT);

        float[] t = pre.toTensor(EncodedImage.of(png), null);

        // planes R, G, B; each row-major (0,0) (1,0) (0,1) (1,1)
        assertThat(t).containsExactly(200, 200, 201, 201, 100, 101, 100, 101, 0, 10, 1, 11);
    }

    @Test
    void shouldApplyMeanStdScaleAndNhwcBgr() throws Exception {
        byte[] raw = TestImages.rawBgr(1, 1, (x, y) -> new int[] {51, 102, 255});
        ImageInputSpec spec =
                new ImageInputSpec(
                        1,
                        1,
                        TensorLayout.NHWC,
                        ChannelOrder.BGR,
                        ResizeMode.STRETCH,
                        255f,
                        new float[] {0.1f, 0.2f, 0.5f},
                        new float[] {0.5f, 0.25f, 0.5f},
                        0);

        float[] t =
                new FramePreprocessor(spec, ImageLimits.DEFAULT)
                        .toTensor(new EncodedImage(raw, ImageCodec.RAW_BGR, 1, 1), null);

        assertThat(t[0]).isCloseTo((0.2f - 0.1f) / 0.5f, within(1e-5f));
        assertThat(t[1]).isCloseTo((0.4f - 0.2f) / 0.25f, within(1e-5f));
        assertThat(t[2]).isCloseTo((1.0f - 0.5f) / 0.5f, within(1e-5f));
    }

    @Test
    void shouldLetterboxKeepingAspectAndPadding() throws Exception {
        // 4x2 white image into 4x4: rows 0 and 3 are padding (value 7), rows 1-2 white.
        byte[] png = TestImages.png(4, 2, (x, y) -> new int[] {255, 255, 255});
        ImageInputSpec spec =
                new ImageInputSpec(
                        4,
                        4,
                        TensorLayout.NCHW,
                        ChannelOrder.RGB,
                        ResizeMode.LETTERBOX,
                        1f,
                        ZERO,
                        ONE,
                        7);

        float[] t =
                new FramePreprocessor(spec, ImageLimits.DEFAULT)
                        .toTensor(EncodedImage.of(png), null);

        float[] red = Arrays.copyOfRange(t, 0, 16);
        assertThat(Arrays.copyOfRange(red, 0, 4)).containsOnly(7f);
        assertThat(Arrays.copyOfRange(red, 4, 12)).containsOnly(255f);
        assertThat(Arrays.copyOfRange(red, 12, 16)).containsOnly(7f);
    }

    @Test
    void shouldCenterCropAndCropRegionsOfInterest() throws Exception {
        // 6x2 image whose columns are 0..5 (blue = 40*x); centre crop to 2x2 keeps columns 2 and 3.
        byte[] png = TestImages.png(6, 2, (x, y) -> new int[] {40 * x, 0, 0});
        FramePreprocessor centre =
                new FramePreprocessor(
                        spec(2, 2, TensorLayout.NCHW, ResizeMode.CENTER_CROP), ImageLimits.DEFAULT);
        float[] t = centre.toTensor(EncodedImage.of(png), null);
        assertThat(Arrays.copyOfRange(t, 8, 12)).containsExactly(80, 120, 80, 120);

        FramePreprocessor stretch =
                new FramePreprocessor(
                        spec(1, 1, TensorLayout.NCHW, ResizeMode.STRETCH), ImageLimits.DEFAULT);
        float[] roi = stretch.toTensor(EncodedImage.of(png), new Crop(5, 1, 1, 1));
        assertThat(roi[2]).isEqualTo(200f);
        assertThatThrownBy(() -> stretch.toTensor(EncodedImage.of(png), new Crop(5, 1, 2, 1)))
                .hasMessage(
                        "region of interest Crop[x=5, y=1, width=2, height=1] is not inside the 6x2 image");
    }

    @Test
    void shouldCenterCropAThinImageWithoutScalingItWholeFirst() throws Exception {
        // 20000x1: scaling it whole to cover 224x224 would take 4 480 000 x 224 pixels (3 GB).
        byte[] thin = TestImages.rawBgr(20_000, 1, (x, y) -> new int[] {x % 256, 7, 9});
        FramePreprocessor centre =
                new FramePreprocessor(
                        spec(224, 224, TensorLayout.NCHW, ResizeMode.CENTER_CROP),
                        ImageLimits.DEFAULT);
        float[] t = centre.toTensor(new EncodedImage(thin, ImageCodec.RAW_BGR, 20_000, 1), null);
        assertThat(t).hasSize(3 * 224 * 224);
        // the source's middle column (x = 9999, blue 15) fills the output (blue: channel 2)
        assertThat(t[2 * 224 * 224 + 112 * 224 + 112]).isCloseTo(9_999 % 256, within(1f));
    }

    @Test
    void shouldDecodeLargeJpegsReducedOnlyWhenNoDetailIsLost() throws Exception {
        FramePreprocessor pre =
                new FramePreprocessor(
                        spec(224, 224, TensorLayout.NCHW, ResizeMode.LETTERBOX),
                        ImageLimits.DEFAULT);
        assertThat(pre.reduction(new ImageHeader(ImageCodec.JPEG, 1920, 1080))).isEqualTo(8);
        assertThat(pre.reduction(new ImageHeader(ImageCodec.JPEG, 640, 480))).isEqualTo(2);
        assertThat(pre.reduction(new ImageHeader(ImageCodec.JPEG, 300, 300))).isEqualTo(1);
        FramePreprocessor crop =
                new FramePreprocessor(
                        spec(224, 224, TensorLayout.NCHW, ResizeMode.CENTER_CROP),
                        ImageLimits.DEFAULT);
        assertThat(crop.reduction(new ImageHeader(ImageCodec.JPEG, 1920, 1080))).isEqualTo(4);
        assertThat(crop.reduction(new ImageHeader(ImageCodec.JPEG, 1920, 400))).isEqualTo(1);

        // A reduced decode gives (nearly) the same tensor as a full one on a smooth image.
        byte[] jpeg = TestImages.jpeg(640, 480, (x, y) -> new int[] {x / 3, y / 2, 128});
        FramePreprocessor small =
                new FramePreprocessor(
                        spec(32, 32, TensorLayout.NCHW, ResizeMode.STRETCH), ImageLimits.DEFAULT);
        float[] reduced = small.toTensor(EncodedImage.of(jpeg), null);
        float[] full = small.toTensor(EncodedImage.of(jpeg), new Crop(0, 0, 640, 480));
        for (int i = 0; i < full.length; i++) {
            assertThat(reduced[i]).isCloseTo(full[i], within(6f));
        }
    }

    @Test
    void shouldRefuseDecompressionBombsBeforeDecoding() {
        byte[] bomb = ImageHeaderTest.pngHeader(100_000, 100_000);
        FramePreprocessor pre =
                new FramePreprocessor(
                        spec(8, 8, TensorLayout.NCHW, ResizeMode.STRETCH), ImageLimits.DEFAULT);

        assertThatThrownBy(() -> pre.toTensor(new EncodedImage(bomb, ImageCodec.PNG, 0, 0), null))
                .isInstanceOf(ImageFormatException.class)
                .hasMessage(
                        "image declares 100000x100000 = 10000000000 pixels (limit 40000000):"
                                + " refused before decoding");
    }

    @Test
    void shouldRejectOversizedMismatchedAndCorruptImages() throws Exception {
        byte[] jpeg = TestImages.jpeg(16, 16, TestImages::gradient);
        byte[] png = TestImages.png(16, 16, TestImages::gradient);
        FramePreprocessor pre =
                new FramePreprocessor(
                        spec(8, 8, TensorLayout.NCHW, ResizeMode.STRETCH),
                        new ImageLimits(4096, 1000));

        assertThatThrownBy(
                        () ->
                                pre.toTensor(
                                        new EncodedImage(new byte[5000], ImageCodec.JPEG, 0, 0),
                                        null))
                .hasMessage("image payload has 5000 bytes (limit 4096)");
        assertThatThrownBy(() -> pre.toTensor(new EncodedImage(jpeg, ImageCodec.JPEG, 16, 9), null))
                .hasMessage("declared size 16x9 differs from the JPEG header's 16x16");
        assertThatThrownBy(() -> pre.toTensor(new EncodedImage(jpeg, ImageCodec.PNG, 16, 16), null))
                .hasMessage("payload declared PNG but is JPEG");
        assertThatThrownBy(
                        () ->
                                pre.toTensor(
                                        new EncodedImage(new byte[10], ImageCodec.RAW_BGR, 2, 2),
                                        null))
                .hasMessage("raw BGR 2x2 needs 12 bytes, payload has 10");

        // A PNG whose header is intact but whose compressed pixel data is garbage.
        byte[] corruptPng = png.clone();
        for (int i = 45; i < corruptPng.length - 20; i++) {
            corruptPng[i] = (byte) (i * 31);
        }
        assertThatThrownBy(() -> pre.toTensor(EncodedImage.of(corruptPng), null))
                .isInstanceOf(ImageFormatException.class)
                .hasMessageStartingWith("corrupt PNG data");

        // A JPEG cut right after its headers: the frame header is readable, the scan is missing.
        byte[] headersOnly = Arrays.copyOf(jpeg, scanStart(jpeg));
        assertThatThrownBy(() -> pre.toTensor(EncodedImage.of(headersOnly), null))
                .isInstanceOf(ImageFormatException.class)
                .hasMessageStartingWith("corrupt JPEG data");
    }

    private static int scanStart(byte[] jpeg) {
        for (int i = 2; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == 0xda) {
                return i;
            }
        }
        throw new AssertionError("no start of scan");
    }
}
