package io.fusionline.runtime.kafka;

import io.fusionline.jobs.KafkaAccess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Consumers of what the job wrote, for the CLI's readers (demo, dashboard, eval, benchmarks):
 * {@code read_committed}, so only records of committed transactions are seen (each decision once);
 * no group offsets committed (readers assign partitions and seek themselves); up to 8 MiB per
 * partition fetch, since vision features and frames are large.
 */
public final class CommittedConsumers {

    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    private CommittedConsumers() {}

    public static KafkaConsumer<byte[], byte[]> create(KafkaAccess kafka, String clientId) {
        Map<String, Object> config = kafka.clientConfig();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
        return new KafkaConsumer<>(
                config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Assigns every partition of {@code topics} to {@code consumer} (waiting up to 30 s for their
     * metadata) and returns them; the positions are left to the caller.
     */
    public static List<TopicPartition> assignAll(
            KafkaConsumer<?, ?> consumer, Collection<String> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            for (PartitionInfo p : consumer.partitionsFor(topic, METADATA_TIMEOUT)) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
        }
        consumer.assign(partitions);
        return partitions;
    }

    /**
     * Assigns every partition of {@code topics} and pins the positions at their ends now, so the
     * consumer reads exactly what is written after this call returns.
     */
    public static List<TopicPartition> assignAtEnd(
            KafkaConsumer<?, ?> consumer, Collection<String> topics) {
        List<TopicPartition> partitions = assignAll(consumer, topics);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // seekToEnd is lazy: resolve "now" here
        return partitions;
    }
}
