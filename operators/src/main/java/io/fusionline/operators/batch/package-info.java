/** Micro-batching for the operators that call ONNX Runtime. */
package io.fusionline.operators.batch;
