package io.fusionline.multimodal.vision;

/** How an image is brought to the model's input size. */
public enum ResizeMode {
    /** Scale each axis independently; aspect ratio is not kept. */
    STRETCH,
    /** Scale to fit inside, keeping aspect ratio, and pad the rest with a constant. */
    LETTERBOX,
    /** Scale to cover, keeping aspect ratio, and cut the centre out. */
    CENTER_CROP
}
