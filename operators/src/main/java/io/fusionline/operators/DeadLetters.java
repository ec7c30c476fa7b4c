package io.fusionline.operators;

import io.fusionline.operators.kafka.RawRecord;
import io.fusionline.schema.ops.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.OutputTag;

/**
 * The dead-letter side output shared by every stage. A stage that rejects an input emits one {@link
 * DeadLetter} with the input's Kafka coordinates and bytes, its own stage name and a one-line
 * reason, and goes on with the next input.
 */
public final class DeadLetters {

    /** Side output every stage writes rejected inputs to. */
    public static final OutputTag<DeadLetter> TAG =
            new OutputTag<>("dead-letters", new AvroTypeInfo<>(DeadLetter.class));

    private DeadLetters() {}

    /**
     * A dead letter for a decoded record rejected by a later {@code stage}, where the Kafka
     * coordinates are no longer known (partition and offset -1); {@code payload} is the record
     * re-encoded.
     */
    public static DeadLetter of(
            String topic, byte[] key, byte[] payload, String stage, String reason) {
        return of(new RawRecord(topic, -1, -1, 0L, key, payload), stage, reason);
    }

    /** A dead letter for a raw Kafka record rejected by {@code stage}. */
    public static DeadLetter of(RawRecord input, String stage, String reason) {
        return DeadLetter.newBuilder()
                .setOriginalTopic(input.topic == null ? "" : input.topic)
                .setPartition(input.partition)
                .setOffset(input.offset)
                .setKey(input.key == null ? null : ByteBuffer.wrap(input.key))
                .setPayload(input.value == null ? null : ByteBuffer.wrap(input.value))
                .setStage(stage)
                .setReason(reason == null || reason.isBlank() ? "no reason given" : reason)
                .setTime(Instant.now())
                .build();
    }
}
