/** Kafka edges of the job: raw records in, Avro records out. */
package io.fusionline.operators.kafka;
