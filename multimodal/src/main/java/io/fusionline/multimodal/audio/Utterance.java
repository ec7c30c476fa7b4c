package io.fusionline.multimodal.audio;

import java.util.List;

/**
 * Recognized speech with times in event time (epoch ms).
 *
 * @param text the words separated by spaces; empty when nothing was recognized
 * @param finished true for a final result, false for a partial preview
 * @param startTime event time of the first word (of the audio, when there are no word times)
 * @param endTime event time of the end of the last word
 * @param confidence mean word confidence in [0, 1]; 0 when unknown (partials)
 * @param words the words with their times and confidences; empty for partials
 */
public record Utterance(
        String text,
        boolean finished,
        long startTime,
        long endTime,
        double confidence,
        List<Word> words) {

    public Utterance {
        words = List.copyOf(words);
    }

    /** True when no word was recognized. */
    public boolean isEmpty() {
        return text.isBlank();
    }

    /** One recognized word. */
    public record Word(String word, long startTime, long endTime, double confidence) {}
}
