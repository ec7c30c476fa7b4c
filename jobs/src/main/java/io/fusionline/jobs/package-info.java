/**
 * Job wiring. {@link io.fusionline.jobs.FusionlineJob} builds the graph from the sources and sinks
 * it is given; {@link io.fusionline.jobs.KafkaConnectors} makes the production Kafka ones; {@link
 * io.fusionline.jobs.FusionlineJobMain} only parses options and submits.
 */
package io.fusionline.jobs;
