package io.fusionline.multimodal.vision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Says how to use an ONNX image model: which file, what it takes ({@link ImageInputSpec} and the
 * input's name) and which outputs hold the pooled embedding ({@code [batch, D]}) and the patch
 * tokens ({@code [batch, N, D]}).
 *
 * <p>A descriptor is a small JSON file next to the model:
 *
 * <pre>{@code
 * {
 *   "id": "fusionline-patch-encoder", "version": "1", "model": "model.onnx",
 *   "input": {"name": "pixels", "width": 64, "height": 64, "layout": "NCHW", "channels": "RGB",
 *             "resize": "LETTERBOX", "scale": 255, "mean": [0.485, 0.456, 0.406],
 *             "std": [0.229, 0.224, 0.225], "pad": 114},
 *   "outputs": {"pooled": "pooled", "patchTokens": "patch_tokens", "logits": "logits"},
 *   "labels": ["ok", "scratch"]
 * }
 * }</pre>
 *
 * {@code model} is relative to the descriptor's folder. {@code layout} (default NCHW), {@code
 * channels} (RGB), {@code resize} (LETTERBOX), {@code scale} (255) and {@code pad} (114) are
 * optional. So are {@code outputs.logits}, the encoder's own class scores {@code [batch, C]} (the
 * built-in encoders have them; the job uses them to decide without fusion when vision alone is
 * decisive), and {@code labels}, the names of those classes. Every problem is reported as a {@link
 * ModelDescriptorException} with one line naming the file and the field.
 */
public record VisionModelDescriptor(
        String id,
        String version,
        Path model,
        String inputName,
        ImageInputSpec input,
        String pooledOutput,
        String patchTokensOutput,
        String logitsOutput,
        java.util.List<String> labels) {

    public VisionModelDescriptor {
        labels = labels == null ? java.util.List.of() : java.util.List.copyOf(labels);
    }

    /** A descriptor without class scores. */
    public VisionModelDescriptor(
            String id,
            String version,
            Path model,
            String inputName,
            ImageInputSpec input,
            String pooledOutput,
            String patchTokensOutput) {
        this(id, version, model, inputName, input, pooledOutput, patchTokensOutput, null, null);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code id@version}, as features and metrics name the model. */
    public String modelRef() {
        return id + "@" + version;
    }

    /** Reads and checks a descriptor file (not the model; {@link VisionEncoder} checks that). */
    public static VisionModelDescriptor load(Path file) {
        String where = "vision model descriptor " + file;
        JsonNode root = ModelDescriptorException.readObject(file, where);
        Fields f = new Fields(where, root);
        Path model = ModelDescriptorException.modelFile(file, f.text("model"), where);
        Fields in = f.object("input");
        Fields out = f.object("outputs");
        ImageInputSpec spec;
        try {
            spec =
                    new ImageInputSpec(
                            in.integer("width"),
                            in.integer("height"),
                            in.choice("layout", TensorLayout.class, TensorLayout.NCHW),
                            in.choice("channels", ChannelOrder.class, ChannelOrder.RGB),
                            in.choice("resize", ResizeMode.class, ResizeMode.LETTERBOX),
                            in.number("scale", 255f),
                            in.triple("mean"),
                            in.triple("std"),
                            (int) in.number("pad", 114f));
        } catch (IllegalArgumentException e) {
            throw new ModelDescriptorException(where + ": input " + e.getMessage());
        }
        return new VisionModelDescriptor(
                f.text("id"),
                f.text("version"),
                model,
                in.text("name"),
                spec,
                out.text("pooled"),
                out.text("patchTokens"),
                out.node().hasNonNull("logits") ? out.text("logits") : null,
                labels(where, root.get("labels")));
    }

    private static java.util.List<String> labels(String where, JsonNode node) {
        if (node == null || node.isNull()) {
            return java.util.List.of();
        }
        if (!node.isArray()) {
            throw new ModelDescriptorException(where + ": field \"labels\" must be an array");
        }
        java.util.List<String> labels = new java.util.ArrayList<>();
        node.forEach(n -> labels.add(n.asText()));
        return labels;
    }

    /** Writes this descriptor as JSON to {@code file}, the model path relative to its folder. */
    public void write(Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", id).put("version", version);
        Path folder = file.toAbsolutePath().getParent();
        root.put("model", folder.relativize(model.toAbsolutePath()).toString());
        ObjectNode in = root.putObject("input");
        in.put("name", inputName)
                .put("width", input.width())
                .put("height", input.height())
                .put("layout", input.layout().name())
                .put("channels", input.channels().name())
                .put("resize", input.resize().name())
                .put("scale", input.scale())
                .put("pad", input.padValue());
        ArrayNode mean = in.putArray("mean");
        ArrayNode std = in.putArray("std");
        for (int c = 0; c < 3; c++) {
            mean.add(input.mean()[c]);
            std.add(input.std()[c]);
        }
        ObjectNode outputs =
                root.putObject("outputs")
                        .put("pooled", pooledOutput)
                        .put("patchTokens", patchTokensOutput);
        if (logitsOutput != null) {
            outputs.put("logits", logitsOutput);
        }
        if (!labels.isEmpty()) {
            labels.forEach(root.putArray("labels")::add);
        }
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }

    /** Typed access to one JSON object with "field X: problem" messages. */
    private record Fields(String where, JsonNode node) {

        private JsonNode required(String name) {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                throw new ModelDescriptorException(where + ": missing field \"" + name + "\"");
            }
            return value;
        }

        private ModelDescriptorException wrong(String name, String expected) {
            return new ModelDescriptorException(
                    where
                            + ": field \""
                            + name
                            + "\" must be "
                            + expected
                            + ", got "
                            + node.get(name));
        }

        String text(String name) {
            JsonNode value = required(name);
            if (!value.isTextual() || value.asText().isBlank()) {
                throw wrong(name, "a non-empty string");
            }
            return value.asText();
        }

        int integer(String name) {
            JsonNode value = required(name);
            if (!value.isIntegralNumber()) {
                throw wrong(name, "an integer");
            }
            return value.asInt();
        }

        float number(String name, float fallback) {
            JsonNode value = node.get(name);
            if (value == null) {
                return fallback;
            }
            if (!value.isNumber()) {
                throw wrong(name, "a number");
            }
            return (float) value.asDouble();
        }

        float[] triple(String name) {
            JsonNode value = required(name);
            if (!value.isArray() || value.size() != 3) {
                throw wrong(name, "an array of 3 numbers");
            }
            float[] out = new float[3];
            for (int i = 0; i < 3; i++) {
                if (!value.get(i).isNumber()) {
                    throw wrong(name, "an array of 3 numbers");
                }
                out[i] = (float) value.get(i).asDouble();
            }
            return out;
        }

        <E extends Enum<E>> E choice(String name, Class<E> type, E fallback) {
            JsonNode value = node.get(name);
            if (value == null) {
                return fallback;
            }
            try {
                return Enum.valueOf(type, value.asText().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                StringBuilder allowed = new StringBuilder();
                for (E option : type.getEnumConstants()) {
                    allowed.append(allowed.length() == 0 ? "" : ", ").append(option.name());
                }
                throw wrong(name, "one of " + allowed);
            }
        }

        Fields object(String name) {
            JsonNode value = required(name);
            if (!value.isObject()) {
                throw wrong(name, "an object");
            }
            return new Fields(where + " " + name, value);
        }
    }
}
