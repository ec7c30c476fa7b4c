package io.fusionline.multimodal.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Pre-processing: lower-cases text and splits it into word tokens (letters and digits; an
 * apostrophe inside a word is kept, so "didn't" stays one token). Stateless and thread-safe.
 */
public final class TextTokenizer {

    private TextTokenizer() {}

    /** The word tokens of {@code text}, in order; empty for null or blank text. */
    public static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        if (text == null) {
            return tokens;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            boolean inner =
                    c == '\''
                            && word.length() > 0
                            && i + 1 < lower.length()
                            && Character.isLetter(lower.charAt(i + 1));
            if (Character.isLetterOrDigit(c) || inner) {
                word.append(c);
            } else if (word.length() > 0) {
                tokens.add(word.toString());
                word.setLength(0);
            }
        }
        if (word.length() > 0) {
            tokens.add(word.toString());
        }
        return tokens;
    }
}
