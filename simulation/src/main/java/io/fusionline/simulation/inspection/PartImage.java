package io.fusionline.simulation.inspection;

import io.fusionline.multimodal.vision.ImageEncoder;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One rendered part with its ground truth.
 *
 * @param bgr pixels, 8-bit BGR, row-major, {@code size × size × 3}
 * @param mask defect pixels (255) and the rest (0), {@code size × size}; all 0 for a good part
 * @param size width and height in pixels
 * @param defect the defect shown, or {@link Defect#NONE}
 */
public record PartImage(byte[] bgr, byte[] mask, int size, Defect defect) {

    /** JPEG quality of the line camera's frames. */
    public static final int CAMERA_JPEG_QUALITY = 90;

    /**
     * The frame the line camera publishes: this image as JPEG at {@link #CAMERA_JPEG_QUALITY}. The
     * simulator sends it, and the training kit's export pre-processes it, so both see the same
     * bytes.
     */
    public byte[] cameraJpeg() {
        try (Mat mat = new Mat(size, size, opencv_core.CV_8UC3)) {
            mat.data().put(bgr, 0, bgr.length);
            return ImageEncoder.jpeg(mat, CAMERA_JPEG_QUALITY);
        }
    }

    /** Number of defect pixels in the mask. */
    public int maskPixels() {
        int n = 0;
        for (byte b : mask) {
            if (b != 0) {
                n++;
            }
        }
        return n;
    }
}
