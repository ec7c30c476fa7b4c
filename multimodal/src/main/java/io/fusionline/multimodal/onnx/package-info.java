/**
 * Writing ONNX models from Java: {@link io.fusionline.multimodal.onnx.OnnxGraphBuilder} encodes the
 * ONNX protobuf directly, so the project generates its own test fixtures without Python or a
 * committed third-party model; {@link io.fusionline.multimodal.onnx.OrtSessions} opens sessions
 * with the settings every model wrapper uses.
 */
package io.fusionline.multimodal.onnx;
