/** An embedded, real, single-node KRaft Kafka broker and topic administration. */
package io.fusionline.runtime.kafka;
