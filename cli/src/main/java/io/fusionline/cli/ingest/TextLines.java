package io.fusionline.cli.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One JSON object per line into a {@link TextEvent}: machine logs, operator notes, transactions.
 *
 * <pre>
 * {"source": "line-1", "time": "2026-11-29T10:00:00Z", "kind": "MACHINE_LOG",
 *  "text": "spindle temp 81.0 C", "attributes": {"station": "A"}, "features": {"temperature": 81.0}}
 * </pre>
 *
 * <ul>
 *   <li>{@code source}: the source id (the Kafka key); required unless a default is given.
 *   <li>{@code time}: ISO-8601 instant or epoch milliseconds; default: when the line is read.
 *   <li>{@code kind}: a {@link TextKind} name in any case; default: the given one.
 *   <li>{@code text}: the text; default empty.
 *   <li>{@code attributes}: an object of strings (numbers and booleans are written as text).
 *   <li>{@code features}: an object of finite numbers.
 * </ul>
 *
 * Any other field, or a line that is not such an object, is refused with the reason.
 */
public final class TextLines {

    /** Longest line read, in characters. */
    public static final int MAX_LINE = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS =
            Set.of("source", "time", "kind", "text", "attributes", "features");

    private final String defaultSource;
    private final TextKind defaultKind;

    /**
     * @param defaultSource source id of lines without one, or null to require it
     * @param defaultKind kind of lines without one
     */
    public TextLines(String defaultSource, TextKind defaultKind) {
        this.defaultSource = defaultSource;
        this.defaultKind = defaultKind;
    }

    /**
     * The event of {@code line}.
     *
     * @param now the time of a line without one
     * @throws IllegalArgumentException with the reason
     */
    public TextEvent parse(String line, Instant now) {
        if (line.length() > MAX_LINE) {
            throw new IllegalArgumentException(
                    "line of " + line.length() + " characters (at most " + MAX_LINE + ")");
        }
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String name = field.getKey();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown field \""
                                + name
                                + "\" (expected "
                                + String.join(", ", FIELDS.stream().sorted().toList())
                                + ")");
            }
        }
        String source = node.has("source") ? text(node, "source") : defaultSource;
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("no \"source\" (and no --source default)");
        }
        return TextEvent.newBuilder()
                .setSourceId(source)
                .setEventTime(time(node.get("time"), now))
                .setKind(kind(node.get("kind")))
                .setText(node.has("text") ? text(node, "text") : "")
                .setAttributes(attributes(node.get("attributes")))
                .setFeatures(features(node.get("features")))
                .build();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (!value.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" is not a string");
        }
        return value.asText();
    }

    private static Instant time(JsonNode value, Instant now) {
        if (value == null || value.isNull()) {
            return now;
        }
        if (value.canConvertToLong() && value.isIntegralNumber()) {
            return Instant.ofEpochMilli(value.asLong());
        }
        if (value.isTextual()) {
            try {
                return Instant.parse(value.asText());
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException(
                "\"time\" is neither an ISO-8601 instant nor epoch milliseconds: " + value);
    }

    private TextKind kind(JsonNode value) {
        if (value == null || value.isNull()) {
            return defaultKind;
        }
        try {
            return TextKind.valueOf(value.asText().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "\"kind\" "
                            + value
                            + " is none of "
                            + java.util.Arrays.toString(TextKind.values()));
        }
    }

    private static Map<String, String> attributes(JsonNode value) {
        Map<String, String> out = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return out;
        }
        if (!value.isObject()) {
            throw new IllegalArgumentException("\"attributes\" is not an object");
        }
        value.properties()
                .forEach(
                        e -> {
                            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                                throw new IllegalArgumentException(
                                        "attribute \""
                                                + e.getKey()
                                                + "\" is not a string, number or boolean");
                            }
                            out.put(e.getKey(), e.getValue().asText());
                        });
        return out;
    }

    private static Map<String, Double> features(JsonNode value) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return out;
        }
        if (!value.isObject()) {
            throw new IllegalArgumentException("\"features\" is not an object");
        }
        value.properties()
                .forEach(
                        e -> {
                            if (!e.getValue().isNumber()
                                    || !Double.isFinite(e.getValue().asDouble())) {
                                throw new IllegalArgumentException(
                                        "feature \"" + e.getKey() + "\" is not a finite number");
                            }
                            out.put(e.getKey(), e.getValue().asDouble());
                        });
        return out;
    }
}
