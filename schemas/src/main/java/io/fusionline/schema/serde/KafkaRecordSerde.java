package io.fusionline.schema.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka {@link Serde} for one fusionline record type over a {@link WireFormat}.
 *
 * <p>Use it directly ({@code new KafkaProducer<>(props, keySerde,
 * KafkaRecordSerde.of(TextEvent.class) .serializer())}) or by class name in client properties; then
 * {@value #RECORD_CLASS} names the record class and {@value #WIRE_FORMAT} the format (default
 * {@code single-object}). The deserializer throws {@link SerializationException} with the decoding
 * reason for bad bytes.
 *
 * <p>Kafka uses a serializer from one thread at a time per client, so one codec per instance is
 * safe.
 */
public final class KafkaRecordSerde<T extends SpecificRecord>
        implements Serde<T>, Serializer<T>, Deserializer<T> {

    /** Client property: fully qualified generated record class. */
    public static final String RECORD_CLASS = "fusionline.record.class";

    /** Client property: wire format name. */
    public static final String WIRE_FORMAT = "fusionline.wire.format";

    private RecordCodec<T> codec;

    /** For Kafka's reflective construction; configured through {@link #configure}. */
    public KafkaRecordSerde() {}

    private KafkaRecordSerde(RecordCodec<T> codec) {
        this.codec = codec;
    }

    /** A serde for {@code recordClass} in the default wire format. */
    public static <T extends SpecificRecord> KafkaRecordSerde<T> of(Class<T> recordClass) {
        return of(recordClass, SingleObjectWireFormat.INSTANCE);
    }

    /** A serde for {@code recordClass} in {@code format}. */
    public static <T extends SpecificRecord> KafkaRecordSerde<T> of(
            Class<T> recordClass, WireFormat format) {
        return new KafkaRecordSerde<>(format.codec(recordClass));
    }

    @Override
    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (codec != null) {
            return;
        }
        Object className = configs.get(RECORD_CLASS);
        if (className == null) {
            throw new IllegalArgumentException(RECORD_CLASS + " is not set");
        }
        Object formatName = configs.get(WIRE_FORMAT);
        WireFormat format =
                formatName == null
                        ? SingleObjectWireFormat.INSTANCE
                        : WireFormat.named(formatName.toString());
        try {
            Class<T> type = (Class<T>) Class.forName(className.toString());
            if (!SpecificRecord.class.isAssignableFrom(type)) {
                throw new ClassCastException(type.getName());
            }
            codec = format.codec(type);
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new IllegalArgumentException(
                    RECORD_CLASS + "=" + className + " is not a generated Avro record class", e);
        }
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : codec().encode(data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return codec().decode(data);
        } catch (RecordDecodingException e) {
            throw new SerializationException(topic + ": " + e.getMessage(), e);
        }
    }

    private RecordCodec<T> codec() {
        if (codec == null) {
            throw new IllegalStateException("KafkaRecordSerde used before configure()");
        }
        return codec;
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void close() {}
}
