package io.fusionline.multimodal.fusion;

/**
 * What the fusion model says about one window.
 *
 * @param probabilities one per label of the model
 * @param alpha importance of each modality (vision first, then the text modalities); 0 for a
 *     missing one, the rest sum to 1
 * @param visionAttention attention mass the language tokens gave each vision patch (row-major patch
 *     grid); all 0 when there was no image or no text
 * @param languageAttention per text modality, attention mass the patches gave each token slot
 * @param present which modalities the window had (vision first)
 */
public record FusionOutput(
        float[] probabilities,
        float[] alpha,
        float[] visionAttention,
        float[][] languageAttention,
        boolean[] present) {

    /** Index of the most probable label. */
    public int argmax() {
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The {@code k} most-attended patch indices, most attended first. */
    public int[] topPatches(int k) {
        return top(visionAttention, k, visionAttention.length);
    }

    /**
     * The {@code k} most-attended token slots of text modality {@code m} among its first {@code
     * length}.
     */
    public int[] topTokens(int m, int k, int length) {
        return top(languageAttention[m], k, length);
    }

    private static int[] top(float[] values, int k, int length) {
        int n = Math.min(k, length);
        int[] out = new int[n];
        boolean[] used = new boolean[length];
        for (int j = 0; j < n; j++) {
            int best = -1;
            for (int i = 0; i < length; i++) {
                if (!used[i] && (best < 0 || values[i] > values[best])) {
                    best = i;
                }
            }
            used[best] = true;
            out[j] = best;
        }
        return out;
    }
}
