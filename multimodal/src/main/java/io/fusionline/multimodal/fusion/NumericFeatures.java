package io.fusionline.multimodal.fusion;

import com.fasterxml.jackson.databind.JsonNode;
import io.fusionline.multimodal.vision.ModelDescriptorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pre-processing of structured events (machine logs, transactions) for the fusion model: the
 * event's numeric {@code features} and string {@code attributes} become a fixed-length vector by
 * the spec the training kit wrote into the model's {@code fusion.json}.
 *
 * <ul>
 *   <li>{@code standard}: {@code (x − mean) / std};
 *   <li>{@code log1p-standard}: {@code (log(1 + max(0, x)) − mean) / std};
 *   <li>{@code equals}: 1 when the attribute has that value, else 0;
 *   <li>{@code notEquals}: 1 when the attribute is present and has another value, else 0.
 * </ul>
 *
 * A missing feature counts as its mean (0), a missing attribute as 0. Immutable, thread-safe.
 */
public final class NumericFeatures {

    /** One entry of the spec. */
    public record Feature(
            String feature,
            String transform,
            double mean,
            double std,
            String attribute,
            String equals,
            String notEquals) {

        /** Reads this feature from an event. */
        float apply(Map<String, Double> features, Map<String, String> attributes) {
            if (feature != null) {
                Double x = features.get(feature);
                if (x == null || x.isNaN()) {
                    return 0f;
                }
                double raw = "log1p-standard".equals(transform) ? Math.log1p(Math.max(0, x)) : x;
                return (float) ((raw - mean) / std);
            }
            String value = attributes.get(attribute);
            if (equals != null) {
                return equals.equals(value) ? 1f : 0f;
            }
            return value != null && !value.equals(notEquals) ? 1f : 0f;
        }
    }

    private final List<Feature> spec;

    public NumericFeatures(List<Feature> spec) {
        this.spec = List.copyOf(spec);
    }

    /**
     * The spec a descriptor's {@code numeric} array gives; problems are one-line {@link
     * ModelDescriptorException}s naming {@code where}.
     */
    public static NumericFeatures parse(JsonNode numeric, String where) {
        List<Feature> spec = new ArrayList<>();
        if (!numeric.isArray()) {
            throw new ModelDescriptorException(where + ": field \"numeric\" must be an array");
        }
        for (JsonNode n : numeric) {
            if (n.hasNonNull("feature")) {
                double std = n.path("std").asDouble(0);
                if (!(std > 0)) {
                    throw new ModelDescriptorException(
                            where
                                    + ": numeric feature "
                                    + n.get("feature").asText()
                                    + " needs std > 0");
                }
                spec.add(
                        new Feature(
                                n.get("feature").asText(),
                                n.path("transform").asText("standard"),
                                n.path("mean").asDouble(0),
                                std,
                                null,
                                null,
                                null));
            } else if (n.hasNonNull("attribute")
                    && (n.hasNonNull("equals") || n.hasNonNull("notEquals"))) {
                spec.add(
                        new Feature(
                                null,
                                null,
                                0,
                                1,
                                n.get("attribute").asText(),
                                n.hasNonNull("equals") ? n.get("equals").asText() : null,
                                n.hasNonNull("notEquals") ? n.get("notEquals").asText() : null));
            } else {
                throw new ModelDescriptorException(
                        where + ": numeric entry " + n + " needs \"feature\" or \"attribute\"");
            }
        }
        return new NumericFeatures(spec);
    }

    /** Length of the vector. */
    public int size() {
        return spec.size();
    }

    /** The spec. */
    public List<Feature> spec() {
        return spec;
    }

    /** The vector of one event; null maps count as empty. */
    public float[] vector(Map<String, Double> features, Map<String, String> attributes) {
        Map<String, Double> f = features == null ? Map.of() : features;
        Map<String, String> a = attributes == null ? Map.of() : attributes;
        float[] out = new float[spec.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = spec.get(i).apply(f, a);
        }
        return out;
    }
}
