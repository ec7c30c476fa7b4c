/**
 * Synthetic worlds with ground truth, shared by the simulator, tests and the training-kit export.
 * Every generator is deterministic for a seed.
 */
package io.fusionline.simulation;
