package io.fusionline.operators.kafka;

import io.fusionline.schema.serde.RecordCodec;
import io.fusionline.schema.serde.WireFormat;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes fusionline records to one Kafka topic in a {@link WireFormat}, keyed by a field of the
 * record (the source id, so all records of a source land in one partition, in order). The codec is
 * created in {@link #open}, on the task manager.
 *
 * <p>The Kafka timestamp is left to the producer (the time the job wrote the record), not set to
 * the record's event time: event time is in the record itself, and brokers reject timestamps far
 * from their clock ({@code message.timestamp.after.max.ms}, one hour by default) and expire
 * segments by them, so replaying old or simulated data with event-time timestamps would fail or be
 * deleted at once.
 */
public final class AvroRecordSerializationSchema<T extends SpecificRecord>
        implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final Class<T> recordClass;
    private final WireFormat wireFormat;
    private final SerializableFunction<T, String> keyOf;

    private transient RecordCodec<T> codec;

    public AvroRecordSerializationSchema(
            String topic,
            Class<T> recordClass,
            WireFormat wireFormat,
            SerializableFunction<T, String> keyOf) {
        this.topic = topic;
        this.recordClass = recordClass;
        this.wireFormat = wireFormat;
        this.keyOf = keyOf;
    }

    @Override
    public void open(
            SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        codec = wireFormat.codec(recordClass);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            T element, KafkaSinkContext context, Long timestamp) {
        String key = keyOf.apply(element);
        return new ProducerRecord<>(
                topic,
                null,
                null,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                codec.encode(element));
    }
}
