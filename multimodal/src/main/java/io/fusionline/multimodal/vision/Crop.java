package io.fusionline.multimodal.vision;

import java.io.Serializable;

/** A pixel rectangle of an image: left, top, width, height. */
public record Crop(int x, int y, int width, int height) implements Serializable {

    /**
     * Rejects a crop that is empty or not inside a {@code imageWidth} × {@code imageHeight} image.
     */
    public void requireInside(int imageWidth, int imageHeight) throws ImageFormatException {
        if (!fitsIn(imageWidth, imageHeight)) {
            throw new ImageFormatException(
                    "region of interest "
                            + this
                            + " is not inside the "
                            + imageWidth
                            + "x"
                            + imageHeight
                            + " image");
        }
    }

    /** Whether it lies inside a {@code imageWidth} × {@code imageHeight} image and is not empty. */
    public boolean fitsIn(int imageWidth, int imageHeight) {
        return x >= 0
                && y >= 0
                && width > 0
                && height > 0
                && (long) x + width <= imageWidth
                && (long) y + height <= imageHeight;
    }
}
