package io.fusionline.multimodal;

/** A model that cannot be loaded: missing, incomplete, or not the files its checksums name. */
public final class ModelLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
