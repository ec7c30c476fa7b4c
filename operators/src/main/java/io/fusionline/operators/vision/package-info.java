/**
 * Vision operators: frame validation before decoding, the micro-batching ONNX encoder operator and
 * OCR of configured sources.
 */
package io.fusionline.operators.vision;
