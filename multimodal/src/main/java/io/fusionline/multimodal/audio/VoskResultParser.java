package io.fusionline.multimodal.audio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Post-processing: Vosk's JSON results to {@link Utterance}s. A final result looks like {@code
 * {"result":[{"conf":0.9,"start":0.3,"end":0.6,"word":"scratch"},...],"text":"scratch ..."}} (times
 * in stream seconds); a partial like {@code {"partial":"scratch on"}}.
 */
public final class VoskResultParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    private VoskResultParser() {}

    /** Parses a final result; stream times become event times through {@code timeline}. */
    public static Utterance parseFinal(String json, StreamTimeline timeline, long fallbackStart) {
        JsonNode root = read(json);
        List<Utterance.Word> words = new ArrayList<>();
        double confidenceSum = 0;
        for (JsonNode w : root.path("result")) {
            double conf = w.path("conf").asDouble(0);
            words.add(
                    new Utterance.Word(
                            w.path("word").asText(""),
                            timeline.eventTimeAt(w.path("start").asDouble()),
                            timeline.eventTimeAt(w.path("end").asDouble()),
                            conf));
            confidenceSum += conf;
        }
        String text = root.path("text").asText("").trim();
        long start = words.isEmpty() ? fallbackStart : words.get(0).startTime();
        long end = words.isEmpty() ? fallbackStart : words.get(words.size() - 1).endTime();
        double confidence = words.isEmpty() ? 0 : confidenceSum / words.size();
        return new Utterance(text, true, start, end, confidence, words);
    }

    /** Parses a partial result; it has no word times, so it spans {@code start..end}. */
    public static Utterance parsePartial(String json, long start, long end) {
        String text = read(json).path("partial").asText("").trim();
        return new Utterance(text, false, start, end, 0, List.of());
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("Vosk returned malformed JSON: " + json, e);
        }
    }
}
