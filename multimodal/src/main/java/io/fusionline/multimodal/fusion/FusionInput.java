package io.fusionline.multimodal.fusion;

import io.fusionline.multimodal.text.TextEmbedding;
import java.util.Arrays;
import java.util.Map;

/**
 * Everything one decision window holds, as the fusion model takes it; any part may be missing
 * (null) and is then masked.
 *
 * @param visionTokens patch tokens of the window's image, {@code patches × dim} row-major, or null
 * @param texts one entry per text modality of the model, in its order ({@link
 *     FusionModelDescriptor#textModalities()}); an entry may be null
 * @param features numeric features of the first text modality's event (machine log, transaction)
 * @param attributes string attributes of that event
 */
public record FusionInput(
        float[] visionTokens,
        TextEmbedding[] texts,
        Map<String, Double> features,
        Map<String, String> attributes) {

    public FusionInput {
        texts = texts == null ? new TextEmbedding[0] : texts.clone();
        features = features == null ? Map.of() : features;
        attributes = attributes == null ? Map.of() : attributes;
    }

    /** Which modalities are present: vision first, then each text modality of {@code textCount}. */
    public boolean[] present(int textCount) {
        boolean[] p = new boolean[1 + textCount];
        p[0] = visionTokens != null;
        for (int i = 0; i < textCount && i < texts.length; i++) {
            p[1 + i] = texts[i] != null;
        }
        return p;
    }

    /** The same input with only the modalities marked in {@code keep} (vision first). */
    public FusionInput only(boolean[] keep) {
        TextEmbedding[] kept = Arrays.copyOf(texts, texts.length);
        for (int i = 0; i < kept.length; i++) {
            if (i + 1 >= keep.length || !keep[i + 1]) {
                kept[i] = null;
            }
        }
        return new FusionInput(keep[0] ? visionTokens : null, kept, features, attributes);
    }
}
