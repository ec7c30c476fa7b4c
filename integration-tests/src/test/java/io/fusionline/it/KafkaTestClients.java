package io.fusionline.it;

import io.fusionline.jobs.KafkaAccess;
import io.fusionline.runtime.kafka.InputProducers;
import io.fusionline.schema.serde.KafkaRecordSerde;
import io.fusionline.schema.text.TextEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Synchronous produce and bounded, {@code read_committed} reads for integration tests. */
final class KafkaTestClients {

    private final KafkaAccess kafka;

    KafkaTestClients(String bootstrap) {
        this(KafkaAccess.plaintext(bootstrap));
    }

    KafkaTestClients(KafkaAccess kafka) {
        this.kafka = kafka;
    }

    /** Sends each event to {@code partition} (null: by key) and waits for every ack. */
    void produce(String topic, Integer partition, List<TextEvent> events) {
        KafkaRecordSerde<TextEvent> serde = KafkaRecordSerde.of(TextEvent.class);
        List<byte[]> values = new ArrayList<>();
        List<byte[]> keys = new ArrayList<>();
        for (TextEvent e : events) {
            keys.add(e.getSourceId().getBytes(StandardCharsets.UTF_8));
            values.add(serde.serialize(topic, e));
        }
        produceRaw(topic, partition, keys, values);
    }

    /** Sends raw values (keys may be null) and waits for every ack. */
    void produceRaw(String topic, Integer partition, List<byte[]> keys, List<byte[]> values) {
        try (KafkaProducer<byte[], byte[]> producer =
                InputProducers.create(kafka, "fusionline-it")) {
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(topic, partition, keys.get(i), values.get(i)))
                        .get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new AssertionError("produce to " + topic + " failed", e);
        }
    }

    /**
     * Reads committed records of {@code topic} from the beginning until at least {@code atLeast}
     * arrived; fails after {@code timeout}.
     */
    <T extends SpecificRecord> List<T> awaitCommitted(
            String topic, Class<T> type, int atLeast, Duration timeout) {
        List<T> out = new ArrayList<>();
        KafkaRecordSerde<T> serde = KafkaRecordSerde.of(type);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (out.size() < atLeast) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "only "
                                    + out.size()
                                    + " of "
                                    + atLeast
                                    + " records on "
                                    + topic
                                    + " within "
                                    + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(serde.deserialize(topic, r.value()));
                }
            }
        }
        return out;
    }

    /**
     * Reads every committed record of {@code topic}, up to the last stable offset as of this call.
     * Use once the writing job has finished: nothing more can appear.
     */
    <T extends SpecificRecord> List<T> readAllCommitted(String topic, Class<T> type) {
        List<T> out = new ArrayList<>();
        KafkaRecordSerde<T> serde = KafkaRecordSerde.of(type);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end " + end);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(serde.deserialize(topic, r.value()));
                }
            }
        }
        return out;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> config = kafka.clientConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(
                config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(
            KafkaConsumer<byte[], byte[]> consumer, String topic) {
        return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
    }
}
