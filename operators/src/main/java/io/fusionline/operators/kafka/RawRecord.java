package io.fusionline.operators.kafka;

import java.util.Arrays;
import java.util.Objects;

/**
 * A Kafka record exactly as read: coordinates, timestamp, key and value bytes. Sources emit raw
 * records so that decoding happens in an operator that can dead-letter bad bytes with their
 * coordinates, instead of failing inside the source.
 *
 * <p>A Flink POJO (public fields, no-arg constructor) so it is serialized without Kryo.
 */
public class RawRecord {
    public String topic;
    public int partition;
    public long offset;

    /** Kafka record timestamp (epoch ms). */
    public long timestamp;

    public byte[] key;
    public byte[] value;

    public RawRecord() {}

    public RawRecord(
            String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.key = key;
        this.value = value;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RawRecord)) {
            return false;
        }
        RawRecord r = (RawRecord) o;
        return partition == r.partition
                && offset == r.offset
                && timestamp == r.timestamp
                && Objects.equals(topic, r.topic)
                && Arrays.equals(key, r.key)
                && Arrays.equals(value, r.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
