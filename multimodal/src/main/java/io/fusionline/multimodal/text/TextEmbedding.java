package io.fusionline.multimodal.text;

/**
 * What the text encoder makes of one text: its word pieces (with {@code [CLS]} and {@code [SEP]}),
 * the words they belong to, one {@code dim}-wide vector per piece, and the sentence embedding.
 *
 * @param pieces word pieces, {@code [CLS]} first and {@code [SEP]} last
 * @param words the normalized words of the text; {@code wordOfPiece[i]} indexes it (-1 for the
 *     special tokens)
 * @param wordOfPiece for each piece, the word it came from
 * @param tokenVectors {@code pieces.length × dim} floats, row-major: the encoder's last hidden
 *     state
 * @param sentence the mean of the token vectors, L2-normalized (the sentence-transformers pooling)
 * @param dim vector width (384 for MiniLM-L6)
 */
public record TextEmbedding(
        String[] pieces,
        String[] words,
        int[] wordOfPiece,
        float[] tokenVectors,
        float[] sentence,
        int dim) {

    /** Number of tokens. */
    public int length() {
        return pieces.length;
    }

    /** The word that piece {@code i} belongs to, or the piece itself for special tokens. */
    public String wordAt(int i) {
        return wordOfPiece[i] < 0 ? pieces[i] : words[wordOfPiece[i]];
    }
}
