package io.fusionline.multimodal;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Levenshtein distance (substitutions + insertions + deletions), the numerator of word and
 * character error rates for speech and OCR quality checks.
 */
public final class EditDistance {

    private EditDistance() {}

    /** Word edits between two texts, split on whitespace, compared case-insensitively. */
    public static int words(String reference, String hypothesis) {
        return of(tokens(reference), tokens(hypothesis));
    }

    /** Character edits between two texts, compared exactly. */
    public static int characters(String reference, String hypothesis) {
        return of(
                reference.codePoints().boxed().toList(), hypothesis.codePoints().boxed().toList());
    }

    /** Edits turning {@code reference} into {@code hypothesis}. */
    public static <T> int of(List<T> reference, List<T> hypothesis) {
        int[] previous = new int[hypothesis.size() + 1];
        int[] current = new int[hypothesis.size() + 1];
        Arrays.setAll(previous, j -> j);
        for (int i = 1; i <= reference.size(); i++) {
            current[0] = i;
            for (int j = 1; j <= hypothesis.size(); j++) {
                int same = reference.get(i - 1).equals(hypothesis.get(j - 1)) ? 0 : 1;
                current[j] =
                        Math.min(
                                Math.min(previous[j] + 1, current[j - 1] + 1),
                                previous[j - 1] + same);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[hypothesis.size()];
    }

    private static List<String> tokens(String text) {
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+"));
    }
}
