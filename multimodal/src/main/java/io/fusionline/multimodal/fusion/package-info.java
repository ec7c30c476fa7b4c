/**
 * Fusion: the cross-modal attention bridge and decision heads (pre-processing {@link
 * io.fusionline.multimodal.fusion.NumericFeatures}, model wrapper {@link
 * io.fusionline.multimodal.fusion.FusionModel}, outputs {@link
 * io.fusionline.multimodal.fusion.FusionOutput}), and the built-in models the training kit produced
 * ({@link io.fusionline.multimodal.fusion.BuiltInModels}).
 */
package io.fusionline.multimodal.fusion;
