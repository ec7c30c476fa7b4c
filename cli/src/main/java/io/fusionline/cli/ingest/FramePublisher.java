package io.fusionline.cli.ingest;

import io.fusionline.jobs.KafkaAccess;
import io.fusionline.runtime.kafka.InputProducers;
import io.fusionline.schema.media.FrameFormat;
import io.fusionline.schema.media.VideoFrame;
import io.fusionline.schema.serde.RecordCodec;
import io.fusionline.schema.serde.WireFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes {@link VideoFrame} records of one source to a topic, keyed by source id (so a camera's
 * frames share a partition and keep their order), with an idempotent producer ({@code acks=all}).
 * {@link #close} waits until every frame is acknowledged and fails if any was not.
 */
public final class FramePublisher implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final RecordCodec<VideoFrame> codec;
    private final String topic;
    private final String sourceId;
    private final byte[] key;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private long sequence;

    public FramePublisher(
            KafkaAccess kafka,
            String topic,
            String sourceId,
            long firstSequence,
            WireFormat format) {
        this.producer = InputProducers.create(kafka, "fusionline-ingest-" + sourceId);
        this.codec = format.codec(VideoFrame.class);
        this.topic = topic;
        this.sourceId = sourceId;
        this.key = sourceId.getBytes(StandardCharsets.UTF_8);
        this.sequence = firstSequence;
    }

    /** Sends one frame with the next sequence number; throws if an earlier send failed. */
    public void publish(
            byte[] payload, FrameFormat format, int width, int height, Instant eventTime) {
        Exception earlier = failure.get();
        if (earlier != null) {
            throw new IllegalStateException(
                    "publishing to " + topic + " failed: " + earlier.getMessage(), earlier);
        }
        VideoFrame frame =
                VideoFrame.newBuilder()
                        .setSourceId(sourceId)
                        .setSequence(sequence++)
                        .setEventTime(eventTime)
                        .setWidth(width)
                        .setHeight(height)
                        .setFormat(format)
                        .setPayload(ByteBuffer.wrap(payload))
                        .build();
        producer.send(
                new ProducerRecord<>(
                        topic, null, eventTime.toEpochMilli(), key, codec.encode(frame)),
                (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else {
                        acknowledged.incrementAndGet();
                    }
                });
    }

    /** Frames acknowledged by Kafka so far. */
    public long acknowledged() {
        return acknowledged.get();
    }

    /** Frames sent so far (acknowledged or not). */
    public long sent() {
        return sequence;
    }

    @Override
    public void close() {
        try {
            producer.flush();
        } finally {
            producer.close();
        }
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException(
                    "publishing to " + topic + " failed: " + e.getMessage(), e);
        }
    }
}
