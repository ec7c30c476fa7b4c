package io.fusionline.multimodal.vision;

import java.io.Serializable;
import java.util.Arrays;

/**
 * What an image model takes as input: size, layout, channel order, how to resize, and the
 * normalization {@code (pixel / scale - mean[c]) / std[c]} per channel {@code c} of the model's
 * channel order.
 */
public record ImageInputSpec(
        int width,
        int height,
        TensorLayout layout,
        ChannelOrder channels,
        ResizeMode resize,
        float scale,
        float[] mean,
        float[] std,
        int padValue)
        implements Serializable {

    public ImageInputSpec {
        if (width <= 0 || height <= 0 || width > 4096 || height > 4096) {
            throw new IllegalArgumentException(
                    "input size must be 1..4096 pixels a side, got " + width + "x" + height);
        }
        if (mean == null || mean.length != 3 || std == null || std.length != 3) {
            throw new IllegalArgumentException(
                    "mean and std need exactly 3 values (one per channel)");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException(
                        "std values must be > 0, got " + Arrays.toString(std));
            }
        }
        if (!(scale > 0)) {
            throw new IllegalArgumentException("scale must be > 0, got " + scale);
        }
        if (padValue < 0 || padValue > 255) {
            throw new IllegalArgumentException("pad value must be 0..255, got " + padValue);
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * The built-in encoders' input: NCHW, RGB, stretched to {@code width × height}, ImageNet mean
     * and standard deviation on {@code pixel / 255}.
     */
    public static ImageInputSpec stretchedRgb(int width, int height) {
        return new ImageInputSpec(
                width,
                height,
                TensorLayout.NCHW,
                ChannelOrder.RGB,
                ResizeMode.STRETCH,
                255f,
                new float[] {0.485f, 0.456f, 0.406f},
                new float[] {0.229f, 0.224f, 0.225f},
                0);
    }

    /** Floats in one image's tensor: {@code 3 * width * height}. */
    public int tensorSize() {
        return 3 * width * height;
    }

    /** Tensor shape for a batch of {@code n}. */
    public long[] shape(int n) {
        return layout == TensorLayout.NCHW
                ? new long[] {n, 3, height, width}
                : new long[] {n, height, width, 3};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageInputSpec s
                && width == s.width
                && height == s.height
                && layout == s.layout
                && channels == s.channels
                && resize == s.resize
                && Float.compare(scale, s.scale) == 0
                && Arrays.equals(mean, s.mean)
                && Arrays.equals(std, s.std)
                && padValue == s.padValue;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(mean) + 7 * Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return width + "x" + height + " " + layout + " " + channels + " " + resize;
    }
}
