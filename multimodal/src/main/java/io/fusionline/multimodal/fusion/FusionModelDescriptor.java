package io.fusionline.multimodal.fusion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fusionline.multimodal.vision.ModelDescriptorException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Says how to feed and read a fusion model (the {@code fusion.json} the training kit writes next to
 * {@code model.onnx}): the class labels, the modalities in the order of the model's α output
 * (vision first, then the text modalities), the vision token grid, the text slot length, and the
 * numeric feature spec of the first text modality.
 *
 * @param positiveLabel the label whose probability is the risk score (fraud), or null for a
 *     multi-class profile
 * @param patches vision patch tokens per image (fixed by the model)
 * @param visionDim width of a patch token
 * @param maxTokens token slots per text modality ({@code [CLS]} and {@code [SEP]} included)
 * @param textModalities names of the text modalities, in slot order
 */
public record FusionModelDescriptor(
        String id,
        String version,
        String profile,
        Path model,
        List<String> labels,
        String positiveLabel,
        List<String> modalities,
        String visionEncoder,
        int patches,
        int visionDim,
        int maxTokens,
        List<String> textModalities,
        NumericFeatures numeric) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code id@version}. */
    public String modelRef() {
        return id + "@" + version;
    }

    /** Index of {@code label} in {@link #labels()}, or -1. */
    public int labelIndex(String label) {
        return labels.indexOf(label);
    }

    /**
     * Reads and checks {@code fusion.json}; problems are one-line {@link
     * ModelDescriptorException}s.
     */
    public static FusionModelDescriptor load(Path file) {
        String where = "fusion model descriptor " + file;
        JsonNode root = ModelDescriptorException.readObject(file, where);
        Path model = ModelDescriptorException.modelFile(file, text(where, root, "model"), where);
        JsonNode vision = object(where, root, "vision");
        JsonNode text = object(where, root, "text");
        NumericFeatures numeric = NumericFeatures.parse(root.path("numeric"), where);
        List<String> labels = strings(where, root, "labels");
        List<String> textModalities = strings(where, text, "modalities");
        List<String> modalities = strings(where, root, "modalities");
        if (modalities.size() != 1 + textModalities.size()) {
            throw new ModelDescriptorException(
                    where + ": \"modalities\" must be vision followed by text.modalities");
        }
        String positive = positiveLabel(where, root, labels);
        return new FusionModelDescriptor(
                text(where, root, "id"),
                text(where, root, "version"),
                text(where, root, "profile"),
                model,
                labels,
                positive,
                modalities,
                text(where, vision, "encoder"),
                positive(where, vision, "patches"),
                positive(where, vision, "dim"),
                positive(where, text, "maxTokens"),
                textModalities,
                numeric);
    }

    private static JsonNode object(String where, JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || !value.isObject()) {
            throw new ModelDescriptorException(where + ": missing object \"" + name + "\"");
        }
        return value;
    }

    /** The optional {@code positiveLabel}, which must be one of {@code labels}; or null. */
    static String positiveLabel(String where, JsonNode root, List<String> labels) {
        String positive =
                root.hasNonNull("positiveLabel") ? root.get("positiveLabel").asText() : null;
        if (positive != null && !labels.contains(positive)) {
            throw new ModelDescriptorException(
                    where + ": positiveLabel " + positive + " is not one of " + labels);
        }
        return positive;
    }

    static String text(String where, JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new ModelDescriptorException(where + ": missing field \"" + name + "\"");
        }
        return value.asText();
    }

    private static int positive(String where, JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || !value.canConvertToInt() || value.asInt() <= 0) {
            throw new ModelDescriptorException(
                    where + ": field \"" + name + "\" must be a positive integer");
        }
        return value.asInt();
    }

    static List<String> strings(String where, JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || !value.isArray() || value.isEmpty()) {
            throw new ModelDescriptorException(where + ": field \"" + name + "\" must be a list");
        }
        List<String> out = new ArrayList<>();
        value.forEach(v -> out.add(v.asText()));
        return List.copyOf(out);
    }
}
