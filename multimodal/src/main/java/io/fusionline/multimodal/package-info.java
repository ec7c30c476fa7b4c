/**
 * Pure-Java multimodal library: one package per modality, each split into pre-processing, a model
 * wrapper and post-processing. Nothing here depends on Flink; operators wrap these classes.
 */
package io.fusionline.multimodal;
