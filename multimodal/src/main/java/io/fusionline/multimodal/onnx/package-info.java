/**
 * Writing ONNX models from Java: {@link io.fusionline.multimodal.onnx.OnnxGraphBuilder} encodes the
 * ONNX protobuf directly, so the project generates its own test fixtures without Python or a
 * committed third-party model.
 */
package io.fusionline.multimodal.onnx;
