package io.fusionline.multimodal.world.inspection;

/**
 * One rendered part with its ground truth.
 *
 * @param bgr pixels, 8-bit BGR, row-major, {@code size × size × 3}
 * @param mask defect pixels (255) and the rest (0), {@code size × size}; all 0 for a good part
 * @param size width and height in pixels
 * @param defect the defect shown, or {@link Defect#NONE}
 */
public record PartImage(byte[] bgr, byte[] mask, int size, Defect defect) {

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
