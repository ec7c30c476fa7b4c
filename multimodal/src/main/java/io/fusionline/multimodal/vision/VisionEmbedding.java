package io.fusionline.multimodal.vision;

/**
 * What a vision encoder says about one image.
 *
 * @param pooled the image embedding, {@code dim} floats
 * @param patchTokens {@code patches × dim} floats, row-major: one token per image patch, for
 *     cross-modal attention
 * @param patches number of patch tokens
 * @param dim embedding width
 * @param logits the encoder's own class scores (see {@link VisionModelDescriptor#labels()}), or
 *     null when the model has none
 */
public record VisionEmbedding(
        float[] pooled, float[] patchTokens, int patches, int dim, float[] logits) {

    /** An embedding without class scores. */
    public VisionEmbedding(float[] pooled, float[] patchTokens, int patches, int dim) {
        this(pooled, patchTokens, patches, dim, null);
    }
}
