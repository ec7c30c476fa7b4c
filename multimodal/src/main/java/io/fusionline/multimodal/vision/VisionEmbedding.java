package io.fusionline.multimodal.vision;

/**
 * What a vision encoder says about one image.
 *
 * @param pooled the image embedding, {@code dim} floats
 * @param patchTokens {@code patches × dim} floats, row-major: one token per image patch, for
 *     cross-modal attention
 * @param patches number of patch tokens
 * @param dim embedding width
 */
public record VisionEmbedding(float[] pooled, float[] patchTokens, int patches, int dim) {}
