/**
 * {@code ./fusionline simulate}: publishes a synthetic world's inputs and its ground truth to Kafka
 * ({@link io.fusionline.runtime.simulate.InspectionSimulator}).
 */
package io.fusionline.runtime.simulate;
