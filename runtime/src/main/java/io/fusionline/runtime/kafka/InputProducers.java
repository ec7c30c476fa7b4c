package io.fusionline.runtime.kafka;

import io.fusionline.jobs.KafkaAccess;
import io.fusionline.jobs.KafkaConnectors;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The producer every fusionline input tool uses (ingest, simulator): raw bytes, idempotent with
 * {@code acks=all} (no duplicates or gaps on retries, order kept per partition), 5 ms linger, and
 * records up to {@link KafkaConnectors#MAX_RECORD_BYTES} (frames are large).
 */
public final class InputProducers {

    private InputProducers() {}

    /** A new producer; the caller closes it. */
    public static KafkaProducer<byte[], byte[]> create(KafkaAccess kafka, String clientId) {
        Map<String, Object> config = kafka.clientConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, KafkaConnectors.MAX_RECORD_BYTES);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
