/**
 * {@code ./fusionline simulate}: publishes a synthetic world's inputs and its ground truth to Kafka
 * ({@link io.fusionline.deploy.simulate.InspectionSimulator}).
 */
package io.fusionline.deploy.simulate;
