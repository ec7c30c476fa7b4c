package io.fusionline.operators;

import io.fusionline.operators.kafka.RawRecord;
import io.fusionline.schema.ops.DeadLetter;
import io.fusionline.schema.ops.KafkaOrigin;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.OutputTag;

/**
 * The dead-letter side output shared by every stage. A stage that rejects an input emits one {@link
 * DeadLetter} with the input's Kafka coordinates and bytes, its own stage name and a one-line
 * reason, and goes on with the next input.
 */
public final class DeadLetters {

    /**
     * Largest dead-letter payload by default: 900 KiB, so that a dead letter with its key, reason
     * and coordinates fits Kafka's default 1 MiB record limit.
     */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 900 << 10;

    /** Longest key kept in a dead letter; a longer one is cut. */
    public static final int MAX_KEY_BYTES = 1 << 10;

    /** Longest reason kept in a dead letter; a longer one is cut. */
    public static final int MAX_REASON_CHARS = 1_000;

    /** Side output every stage writes rejected inputs to. */
    public static final OutputTag<DeadLetter> TAG =
            new OutputTag<>("dead-letters", new AvroTypeInfo<>(DeadLetter.class));

    private DeadLetters() {}

    /**
     * A dead letter for a decoded record rejected by a later {@code stage}; {@code payload} is the
     * record re-encoded. {@code origin} is where the decode stage read it; null for a record the
     * job derived (a transcript), whose dead letter then names {@code topic} with partition and
     * offset -1.
     */
    public static DeadLetter of(
            KafkaOrigin origin,
            String topic,
            byte[] key,
            byte[] payload,
            String stage,
            String reason) {
        RawRecord read =
                origin == null
                        ? new RawRecord(topic, -1, -1, 0L, key, payload)
                        : new RawRecord(
                                origin.getTopic(),
                                origin.getPartition(),
                                origin.getOffset(),
                                0L,
                                key,
                                payload);
        return of(read, stage, reason);
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
                .setOriginalSize(input.value == null ? -1 : input.value.length)
                .build();
    }

    /**
     * {@code letter} cut to fit the dead-letter topic, so the exactly-once sink never fails on a
     * dead letter: a payload over {@code maxPayloadBytes} keeps its first bytes and gets the
     * SHA-256 of the whole; {@code originalSize} always says how large the value was. Keys over
     * {@value #MAX_KEY_BYTES} bytes and reasons over {@value #MAX_REASON_CHARS} characters are cut.
     * Returns {@code letter} itself when it already fits.
     */
    public static DeadLetter fitted(DeadLetter letter, int maxPayloadBytes) {
        ByteBuffer payload = letter.getPayload();
        ByteBuffer key = letter.getKey();
        String reason = letter.getReason();
        boolean bigPayload = payload != null && payload.remaining() > maxPayloadBytes;
        boolean bigKey = key != null && key.remaining() > MAX_KEY_BYTES;
        boolean bigReason = reason.length() > MAX_REASON_CHARS;
        if (!bigPayload && !bigKey && !bigReason) {
            return letter;
        }
        DeadLetter.Builder fitted = DeadLetter.newBuilder(letter);
        if (bigPayload) {
            fitted.setOriginalSize(payload.remaining())
                    .setPayloadSha256(sha256(payload.duplicate()))
                    .setPayload(firstBytes(payload, maxPayloadBytes));
        }
        if (bigKey) {
            fitted.setKey(firstBytes(key, MAX_KEY_BYTES));
        }
        if (bigReason) {
            fitted.setReason(reason.substring(0, MAX_REASON_CHARS) + "...");
        }
        return fitted.build();
    }

    private static ByteBuffer firstBytes(ByteBuffer buffer, int n) {
        byte[] first = new byte[n];
        buffer.duplicate().get(first);
        return ByteBuffer.wrap(first);
    }

    private static String sha256(ByteBuffer bytes) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
