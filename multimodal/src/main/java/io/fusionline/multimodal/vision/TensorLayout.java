package io.fusionline.multimodal.vision;

/** Memory order of an image batch tensor. */
public enum TensorLayout {
    /** batch, channel, row, column (PyTorch). */
    NCHW,
    /** batch, row, column, channel (TensorFlow). */
    NHWC
}
