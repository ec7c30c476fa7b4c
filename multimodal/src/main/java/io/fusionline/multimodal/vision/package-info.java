/**
 * Vision: checked decoding and pre-processing ({@link io.fusionline.multimodal.vision.ImageHeader},
 * {@link io.fusionline.multimodal.vision.ImageDecoder}, {@link
 * io.fusionline.multimodal.vision.FramePreprocessor}), ONNX image encoders described by a {@link
 * io.fusionline.multimodal.vision.VisionModelDescriptor} ({@link
 * io.fusionline.multimodal.vision.VisionEncoder}), and video/image sampling for ingestion ({@link
 * io.fusionline.multimodal.vision.VideoSampler}).
 */
package io.fusionline.multimodal.vision;
