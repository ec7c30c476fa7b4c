package io.fusionline.multimodal.audio;

/** Audio that cannot be used as given; the message is a one-line reason for a dead letter. */
public final class AudioFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public AudioFormatException(String reason) {
        super(reason);
    }
}
