package io.fusionline.deploy.kafka;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Consumers of what the job wrote, for the CLI's readers (demo, dashboard, eval, benchmarks):
 * {@code read_committed}, so only records of committed transactions are seen (each decision once);
 * no group offsets committed (readers assign partitions and seek themselves); up to 8 MiB per
 * partition fetch, since vision features and frames are large.
 */
public final class CommittedConsumers {

    private CommittedConsumers() {}

    public static KafkaConsumer<byte[], byte[]> create(String bootstrap, String clientId) {
        return new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.CLIENT_ID_CONFIG,
                        clientId,
                        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                        8 << 20),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }
}
