package io.fusionline.multimodal.vision;

/** An image that cannot be used as given; the message is a one-line reason for a dead letter. */
public final class ImageFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public ImageFormatException(String reason) {
        super(reason);
    }
}
