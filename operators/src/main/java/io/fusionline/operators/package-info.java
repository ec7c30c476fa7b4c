/**
 * Thin Flink functions around {@code io.fusionline.multimodal}: they own state, timers, batching
 * and metrics, and delegate the modality work. Every function that can meet bad input routes it to
 * {@link io.fusionline.operators.DeadLetters#TAG} instead of failing the job.
 */
package io.fusionline.operators;
