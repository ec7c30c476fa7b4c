package io.fusionline.multimodal.vision;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/** Encodes an 8-bit BGR {@link Mat} as JPEG or PNG bytes. */
public final class ImageEncoder {

    private ImageEncoder() {}

    /** JPEG at {@code quality} (1..100). */
    public static byte[] jpeg(Mat bgr, int quality) {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("JPEG quality must be 1..100, got " + quality);
        }
        try (IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, quality)) {
            return encode(".jpg", bgr, params);
        }
    }

    /** Lossless PNG. */
    public static byte[] png(Mat bgr) {
        try (IntPointer params = new IntPointer()) {
            return encode(".png", bgr, params);
        }
    }

    private static byte[] encode(String extension, Mat bgr, IntPointer params) {
        try (BytePointer out = new BytePointer()) {
            if (!imencode(extension, bgr, out, params)) {
                throw new IllegalStateException(
                        "OpenCV could not encode a " + extension + " image");
            }
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }
}
