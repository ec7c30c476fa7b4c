/**
 * The fraud-desk world: transactions, call-centre remarks and ID-document images, some tampered
 * ({@link io.fusionline.multimodal.world.fraud.FraudWorld}).
 */
package io.fusionline.multimodal.world.fraud;
