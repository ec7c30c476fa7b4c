package io.fusionline.multimodal.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import org.bytedeco.opencv.opencv_core.Mat;

/** Small images with known pixels, for decode and pre-processing tests. */
public final class TestImages {

    private TestImages() {}

    /** A BGR image where pixel (x, y) has channels {@code pixel.at(x, y)} = {b, g, r}. */
    public static Mat bgr(int width, int height, Pixel pixel) {
        Mat mat = new Mat(height, width, CV_8UC3);
        byte[] data = rawBgr(width, height, pixel);
        mat.data().put(data, 0, data.length);
        return mat;
    }

    /** The same pixels as raw BGR bytes. */
    public static byte[] rawBgr(int width, int height, Pixel pixel) {
        byte[] data = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int[] bgr = pixel.at(x, y);
                for (int c = 0; c < 3; c++) {
                    data[(y * width + x) * 3 + c] = (byte) bgr[c];
                }
            }
        }
        return data;
    }

    /** A lossless PNG of {@link #bgr}. */
    public static byte[] png(int width, int height, Pixel pixel) {
        try (Mat mat = bgr(width, height, pixel)) {
            return ImageEncoder.png(mat);
        }
    }

    /** A JPEG of {@link #bgr}. */
    public static byte[] jpeg(int width, int height, Pixel pixel) {
        try (Mat mat = bgr(width, height, pixel)) {
            return ImageEncoder.jpeg(mat, 90);
        }
    }

    /** A smooth gradient that compresses well and differs per position. */
    public static int[] gradient(int x, int y) {
        return new int[] {(x * 7) % 256, (y * 5) % 256, ((x + y) * 3) % 256};
    }

    /** Pixel values by position. */
    @FunctionalInterface
    public interface Pixel {
        int[] at(int x, int y);
    }
}
