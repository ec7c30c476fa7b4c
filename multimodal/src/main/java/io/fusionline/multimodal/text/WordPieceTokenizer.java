package io.fusionline.multimodal.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fusionline.multimodal.ModelLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pre-processing for BERT-family encoders: the uncased WordPiece tokenization of a Hugging Face
 * {@code tokenizer.json} (BertNormalizer with lower-casing, BertPreTokenizer, WordPiece with {@code
 * ##} continuations, {@code [CLS] … [SEP]} around one sequence), in plain Java, so no native
 * tokenizer library is loaded.
 *
 * <p>Normalization removes control characters, maps white space to a space, puts spaces around CJK
 * ideographs, lower-cases and strips accents. Pre-tokenization splits at white space and around
 * every punctuation character. A word longer than 100 characters, or one WordPiece cannot cover,
 * becomes {@code [UNK]}. Immutable and thread-safe.
 */
public final class WordPieceTokenizer {

    /**
     * Tokens of one text: ids, the word pieces, which word (0-based, -1 for the special tokens)
     * each piece came from, and the text's normalized words.
     */
    public record Encoding(long[] ids, String[] pieces, int[] words, String[] wordList) {
        /** Number of tokens, {@code [CLS]} and {@code [SEP]} included. */
        public int length() {
            return ids.length;
        }
    }

    private static final int MAX_WORD_CHARS = 100;

    private final Map<String, Integer> vocab;
    private final int cls;
    private final int sep;
    private final int unk;

    private WordPieceTokenizer(Map<String, Integer> vocab) {
        this.vocab = vocab;
        this.cls = required(vocab, "[CLS]");
        this.sep = required(vocab, "[SEP]");
        this.unk = required(vocab, "[UNK]");
    }

    /** Reads the vocabulary from a Hugging Face {@code tokenizer.json} with a WordPiece model. */
    public static WordPieceTokenizer load(Path tokenizerJson) {
        try {
            JsonNode root = new ObjectMapper().readTree(Files.readAllBytes(tokenizerJson));
            JsonNode model = root.path("model");
            if (!"WordPiece".equals(model.path("type").asText())) {
                throw new ModelLoadException(
                        tokenizerJson
                                + " is not a WordPiece tokenizer (model.type = \""
                                + model.path("type").asText()
                                + "\")");
            }
            Map<String, Integer> vocab = new HashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                vocab.put(e.getKey(), e.getValue().asInt());
            }
            return new WordPieceTokenizer(vocab);
        } catch (IOException e) {
            throw new ModelLoadException(
                    "cannot read tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    /** Vocabulary size. */
    public int vocabularySize() {
        return vocab.size();
    }

    /**
     * Tokenizes {@code text} into at most {@code maxTokens} tokens ({@code [CLS]} and {@code [SEP]}
     * included; longer texts are cut at the end, as the model's tokenizer does).
     */
    public Encoding encode(String text, int maxTokens) {
        if (maxTokens < 2) {
            throw new IllegalArgumentException("need room for [CLS] and [SEP], got " + maxTokens);
        }
        List<String> words = words(normalize(text == null ? "" : text));
        List<Long> ids = new ArrayList<>();
        List<String> pieces = new ArrayList<>();
        List<Integer> wordOf = new ArrayList<>();
        ids.add((long) cls);
        pieces.add("[CLS]");
        wordOf.add(-1);
        for (int w = 0; w < words.size() && ids.size() < maxTokens - 1; w++) {
            for (String piece : wordPieces(words.get(w))) {
                if (ids.size() >= maxTokens - 1) {
                    break;
                }
                ids.add((long) vocab.getOrDefault(piece, unk));
                pieces.add(piece);
                wordOf.add(w);
            }
        }
        ids.add((long) sep);
        pieces.add("[SEP]");
        wordOf.add(-1);
        long[] idArray = new long[ids.size()];
        int[] wordArray = new int[ids.size()];
        for (int i = 0; i < idArray.length; i++) {
            idArray[i] = ids.get(i);
            wordArray[i] = wordOf.get(i);
        }
        return new Encoding(
                idArray, pieces.toArray(String[]::new), wordArray, words.toArray(String[]::new));
    }

    /**
     * The normalized, pre-tokenized words of {@code text} (what {@link Encoding#words} indexes).
     */
    public static List<String> words(String normalized) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < normalized.length(); ) {
            int c = normalized.codePointAt(i);
            i += Character.charCount(c);
            if (c == ' ') {
                flush(word, words);
            } else if (isPunctuation(c)) {
                flush(word, words);
                words.add(new String(Character.toChars(c)));
            } else {
                word.appendCodePoint(c);
            }
        }
        flush(word, words);
        return words;
    }

    /** BertNormalizer: clean, space around CJK, lower-case, strip accents. */
    public static String normalize(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c == 0 || c == 0xFFFD || (isControl(c) && !Character.isWhitespace(c))) {
                continue;
            }
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                out.append(' ');
            } else if (isCjk(c)) {
                out.append(' ').appendCodePoint(c).append(' ');
            } else {
                out.appendCodePoint(c);
            }
        }
        String lower = out.toString().toLowerCase(Locale.ROOT);
        String decomposed = Normalizer.normalize(lower, Normalizer.Form.NFD);
        StringBuilder stripped = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); i++) {
            char c = decomposed.charAt(i);
            if (Character.getType(c) != Character.NON_SPACING_MARK) {
                stripped.append(c);
            }
        }
        return stripped.toString();
    }

    private List<String> wordPieces(String word) {
        if (word.codePointCount(0, word.length()) > MAX_WORD_CHARS) {
            return List.of("[UNK]");
        }
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            String found = null;
            while (end > start) {
                String candidate = (start > 0 ? "##" : "") + word.substring(start, end);
                if (vocab.containsKey(candidate)) {
                    found = candidate;
                    break;
                }
                end--;
                if (end > start && Character.isLowSurrogate(word.charAt(end))) {
                    end--;
                }
            }
            if (found == null) {
                return List.of("[UNK]");
            }
            pieces.add(found);
            start = end;
        }
        return pieces;
    }

    private static void flush(StringBuilder word, List<String> words) {
        if (word.length() > 0) {
            words.add(word.toString());
            word.setLength(0);
        }
    }

    private static boolean isControl(int c) {
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT;
    }

    private static boolean isPunctuation(int c) {
        if ((c >= 33 && c <= 47)
                || (c >= 58 && c <= 64)
                || (c >= 91 && c <= 96)
                || (c >= 123 && c <= 126)) {
            return true;
        }
        return switch (Character.getType(c)) {
            case Character.CONNECTOR_PUNCTUATION,
                    Character.DASH_PUNCTUATION,
                    Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION ->
                    true;
            default -> false;
        };
    }

    private static boolean isCjk(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF)
                || (c >= 0x3400 && c <= 0x4DBF)
                || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F)
                || (c >= 0x2B740 && c <= 0x2B81F)
                || (c >= 0x2B820 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF)
                || (c >= 0x2F800 && c <= 0x2FA1F);
    }

    private static int required(Map<String, Integer> vocab, String token) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new ModelLoadException("tokenizer vocabulary has no " + token);
        }
        return id;
    }
}
