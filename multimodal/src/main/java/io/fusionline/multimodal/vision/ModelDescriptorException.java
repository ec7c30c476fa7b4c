package io.fusionline.multimodal.vision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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

    /**
     * Reads a descriptor file that must hold a JSON object; a missing file or bad JSON is a
     * one-line exception starting with {@code where}.
     */
    public static JsonNode readObject(Path file, String where) {
        if (!Files.isRegularFile(file)) {
            throw new ModelDescriptorException(where + " does not exist");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            String detail =
                    e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            throw new ModelDescriptorException(where + " is not valid JSON: " + detail);
        }
        if (root == null || !root.isObject()) {
            throw new ModelDescriptorException(where + " must hold a JSON object");
        }
        return root;
    }

    /** The model file {@code relative} to the descriptor's folder, which must exist. */
    public static Path modelFile(Path descriptor, String relative, String where) {
        Path folder = descriptor.toAbsolutePath().getParent().normalize();
        Path model = folder.resolve(relative).normalize();
        if (!model.startsWith(folder)) {
            throw new ModelDescriptorException(
                    where + ": model file " + relative + " is outside the descriptor's folder");
        }
        if (!Files.isRegularFile(model)) {
            throw new ModelDescriptorException(where + ": model file " + model + " does not exist");
        }
        try { // a link inside the folder must not lead out of it either
            if (!model.toRealPath().startsWith(folder.toRealPath())) {
                throw new ModelDescriptorException(
                        where
                                + ": model file "
                                + relative
                                + " links outside the descriptor's folder");
            }
        } catch (java.io.IOException e) {
            throw new ModelDescriptorException(where + ": cannot read model file " + model);
        }
        return model;
    }
}
