package io.fusionline.multimodal.vision;

import java.io.Serializable;

/**
 * Bounds on what an image may cost before it is decoded: payload bytes and declared pixels.
 *
 * @param maxBytes largest accepted payload
 * @param maxPixels largest accepted {@code width * height}, as read from the header
 */
public record ImageLimits(int maxBytes, long maxPixels) implements Serializable {

    /** 16 MiB and 40 megapixels: any camera frame or document scan, no bomb. */
    public static final ImageLimits DEFAULT = new ImageLimits(16 << 20, 40_000_000L);

    public ImageLimits {
        if (maxBytes <= 0 || maxPixels <= 0) {
            throw new IllegalArgumentException(
                    "image limits must be positive, got "
                            + maxBytes
                            + " bytes, "
                            + maxPixels
                            + " pixels");
        }
    }

    /** Rejects an image whose payload or declared size is over the limits. */
    public void check(int payloadBytes, long pixels, int width, int height)
            throws ImageFormatException {
        if (payloadBytes > maxBytes) {
            throw new ImageFormatException(
                    "image payload has " + payloadBytes + " bytes (limit " + maxBytes + ")");
        }
        if (pixels > maxPixels) {
            throw new ImageFormatException(
                    "image declares "
                            + width
                            + "x"
                            + height
                            + " = "
                            + pixels
                            + " pixels (limit "
                            + maxPixels
                            + "): refused before decoding");
        }
    }
}
