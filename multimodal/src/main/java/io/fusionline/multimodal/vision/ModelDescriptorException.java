package io.fusionline.multimodal.vision;

/**
 * A model descriptor that cannot be used, or a model that does not match its descriptor. The
 * message is one line naming the file and what is wrong; a job fails at start-up with it.
 */
public final class ModelDescriptorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelDescriptorException(String message) {
        super(message);
    }

    public ModelDescriptorException(String message, Throwable cause) {
        super(message, cause);
    }
}
