package io.fusionline.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.jobs.KafkaAccess;
import io.fusionline.runtime.kafka.InputProducers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Topics the runtime creates are served by the broker before anyone produces to them: the first
 * request of a producer to each new partition is appended as is, never refused and retried. A
 * refused first request while a later one is appended is what strands an idempotent producer's
 * first batch until its delivery timeout (KAFKA-15591). Waiting only for a leader in the metadata,
 * 21 of these 80 first records were refused and retried.
 */
class FusionlineTopicsITCase {

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final int ROUNDS = 10;
    private static final int TOPICS = 4;

    @Test
    void shouldServeNewTopicsBeforeTheFirstRecordIsSent() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer =
                InputProducers.create(
                        KafkaAccess.plaintext(KAFKA.bootstrapServers()), "topics-it")) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                List<String> topics = new ArrayList<>();
                for (int t = 0; t < TOPICS; t++) {
                    topics.add("fresh-" + round + "-" + t);
                }
                KAFKA.createTopics(2, topics.toArray(String[]::new));
                for (String topic : topics) {
                    for (int partition = 0; partition < 2; partition++) {
                        byte[] value = (topic + "/" + partition).getBytes(StandardCharsets.UTF_8);
                        acks.add(
                                producer.send(new ProducerRecord<>(topic, partition, null, value)));
                    }
                }
                producer.flush();
            }
            for (Future<RecordMetadata> ack : acks) {
                assertThat(ack.get().offset()).isNotNegative();
            }
            assertThat(metric(producer, "record-retry-total")).isZero();
            assertThat(metric(producer, "record-error-total")).isZero();
        }
    }

    private static double metric(KafkaProducer<?, ?> producer, String name) {
        for (var e : producer.metrics().entrySet()) {
            MetricName key = e.getKey();
            if (key.name().equals(name) && key.group().equals("producer-metrics")) {
                Metric metric = e.getValue();
                return ((Number) metric.metricValue()).doubleValue();
            }
        }
        throw new AssertionError("producer has no metric " + name);
    }
}
