/**
 * The fraud-desk world: transactions, call-centre remarks and ID-document images, some tampered
 * ({@link io.fusionline.simulation.fraud.FraudWorld}).
 */
package io.fusionline.simulation.fraud;
