package io.fusionline.multimodal.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fusionline.multimodal.audio.AudioFormatException;
import io.fusionline.multimodal.audio.PcmDecoder;
import io.fusionline.multimodal.audio.SampleEncoding;
import io.fusionline.multimodal.ocr.OcrPreprocessor;
import io.fusionline.multimodal.vision.Crop;
import io.fusionline.multimodal.vision.EncodedImage;
import io.fusionline.multimodal.vision.ImageCodec;
import io.fusionline.multimodal.vision.ImageDecoder;
import io.fusionline.multimodal.vision.ImageFormatException;
import io.fusionline.multimodal.vision.ImageHeader;
import io.fusionline.multimodal.vision.ImageLimits;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Coverage-guided fuzzing of the pre-processing that reads a stranger's media bytes: image headers,
 * image decoding (OpenCV), OCR pre-processing (decode, crop, grey, up-scale) and PCM decoding.
 * Property: each returns a result of the size it promised or throws its format exception with a
 * reason; no other exception, {@code Error} or native crash. Limits are small so that allocations
 * stay cheap while fuzzing; {@code ./mvnw verify} runs the committed corpus.
 */
class MediaFuzzTest {

    /** 1 MiB and 1 megapixel: a fuzzer's image never needs more. */
    private static final ImageLimits LIMITS = new ImageLimits(1 << 20, 1_000_000);

    @FuzzTest(maxDuration = "2m")
    void imageHeader(byte[] payload) {
        try {
            ImageHeader header = ImageHeader.read(payload);
            assertThat(header.width()).isPositive();
            assertThat(header.height()).isPositive();
        } catch (ImageFormatException expected) {
            // refused with a reason
        }
    }

    @FuzzTest(maxDuration = "2m")
    void imageDecode(byte[] payload) {
        // codec and size from the header, as for a producer that declares neither
        try (Mat image = ImageDecoder.decode(new EncodedImage(payload, null, 0, 0), LIMITS)) {
            assertThat((long) image.cols() * image.rows()).isLessThanOrEqualTo(LIMITS.maxPixels());
            assertThat(image.channels()).isEqualTo(3);
        } catch (ImageFormatException expected) {
            // refused with a reason
        }
    }

    @FuzzTest(maxDuration = "2m")
    void ocrPreprocess(FuzzedDataProvider data) {
        int width = data.consumeInt(0, 4_000);
        int height = data.consumeInt(0, 64);
        Crop crop =
                data.consumeBoolean()
                        ? new Crop(
                                data.consumeInt(-2, 100),
                                data.consumeInt(-2, 100),
                                data.consumeInt(-2, 100),
                                data.consumeInt(-2, 100))
                        : null;
        boolean raw = data.consumeBoolean();
        byte[] payload = data.consumeRemainingAsBytes();
        EncodedImage image =
                raw
                        ? new EncodedImage(payload, ImageCodec.RAW_BGR, width, height)
                        : new EncodedImage(payload, null, 0, 0);
        try {
            OcrPreprocessor.Gray gray = new OcrPreprocessor(LIMITS).prepare(image, crop);
            assertThat(gray.pixels()).hasSize(gray.width() * gray.height());
            assertThat((long) gray.width() * gray.height()).isLessThanOrEqualTo(LIMITS.maxPixels());
        } catch (ImageFormatException expected) {
            // refused with a reason
        }
    }

    @FuzzTest(maxDuration = "2m")
    void pcm(FuzzedDataProvider data) {
        SampleEncoding encoding = data.pickValue(SampleEncoding.values());
        int channels = data.consumeInt(-1, 10);
        byte[] payload = data.consumeRemainingAsBytes();
        try {
            short[] mono = PcmDecoder.toMono16(payload, encoding, channels);
            assertThat(mono).hasSize(payload.length / (encoding.bytesPerSample() * channels));
        } catch (AudioFormatException expected) {
            // refused with a reason
        }
    }
}
