package io.fusionline.multimodal.ocr;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.fusionline.multimodal.vision.Crop;
import io.fusionline.multimodal.vision.EncodedImage;
import io.fusionline.multimodal.vision.ImageDecoder;
import io.fusionline.multimodal.vision.ImageFormatException;
import io.fusionline.multimodal.vision.ImageLimits;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Encoded image → 8-bit grayscale pixels for Tesseract: checked decode ({@link ImageDecoder}),
 * optional region of interest (a label, an ID card's text zone), grayscale, and up-scaling of small
 * images so text is at least about 20 pixels tall, where Tesseract's LSTM reads best. The up-scaled
 * size is checked against the {@link ImageLimits} pixel bound before it is allocated, so a thin
 * image cannot be amplified.
 */
public final class OcrPreprocessor {

    /** Images shorter than this are scaled up before OCR. */
    static final int MIN_HEIGHT = 64;

    private final ImageLimits limits;

    public OcrPreprocessor(ImageLimits limits) {
        this.limits = limits;
    }

    /** Grayscale pixels, row-major, one byte each. */
    public record Gray(byte[] pixels, int width, int height) {}

    /** Decodes, crops and converts {@code image}. */
    public Gray prepare(EncodedImage image, Crop crop) throws ImageFormatException {
        try (Mat bgr = ImageDecoder.decode(image, limits);
                Mat gray = new Mat()) {
            if (crop != null) {
                try (Mat view = ImageDecoder.view(bgr, crop)) {
                    cvtColor(view, gray, COLOR_BGR2GRAY);
                }
            } else {
                cvtColor(bgr, gray, COLOR_BGR2GRAY);
            }
            int factor =
                    gray.rows() < MIN_HEIGHT ? (MIN_HEIGHT + gray.rows() - 1) / gray.rows() : 1;
            if (factor > 1) {
                long pixels = (long) gray.cols() * factor * gray.rows() * factor;
                if (pixels > limits.maxPixels()) {
                    throw new ImageFormatException(
                            "OCR would scale "
                                    + gray.cols()
                                    + "x"
                                    + gray.rows()
                                    + " up "
                                    + factor
                                    + " times to "
                                    + pixels
                                    + " pixels (limit "
                                    + limits.maxPixels()
                                    + ")");
                }
                try (Mat big = new Mat();
                        Size size = new Size(gray.cols() * factor, gray.rows() * factor)) {
                    resize(gray, big, size, 0, 0, INTER_CUBIC);
                    return pixels(big);
                }
            }
            return pixels(gray);
        }
    }

    private static Gray pixels(Mat gray) {
        byte[] out = new byte[gray.cols() * gray.rows()];
        gray.data().get(out);
        return new Gray(out, gray.cols(), gray.rows());
    }
}
