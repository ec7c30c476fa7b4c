package io.fusionline.deploy.simulate;

import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.jobs.KafkaConnectors;
import io.fusionline.multimodal.audio.PhraseSynthesizer;
import io.fusionline.multimodal.vision.ImageEncoder;
import io.fusionline.multimodal.world.inspection.InspectionItem;
import io.fusionline.multimodal.world.inspection.InspectionWorld;
import io.fusionline.operators.audio.AudioChunks;
import io.fusionline.schema.media.AudioChunk;
import io.fusionline.schema.media.FrameFormat;
import io.fusionline.schema.media.VideoFrame;
import io.fusionline.schema.serde.RecordCodec;
import io.fusionline.schema.serde.WireFormat;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import io.fusionline.schema.world.GroundTruth;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Publishes the factory-line world ({@link InspectionWorld}) to Kafka, item by item, keyed by line:
 *
 * <ul>
 *   <li>{@code frames}: the part's camera image, JPEG;
 *   <li>{@code text-events}: the machine-log line ({@code MACHINE_LOG}, with temperature, vibration
 *       and tool wear as features);
 *   <li>{@code audio}: the operator's voice note when there is one, spoken by FreeTTS in 250 ms
 *       chunks followed by a second of silence, with contiguous per-line sequence numbers (a note
 *       starts at its part's time, or when the line's previous note ended);
 *   <li>{@code ground-truth}: the true label, severity and what the note claimed.
 * </ul>
 *
 * Event times are {@code start} plus the item's offset in the world. The records are the same for
 * the same seed and start; the producer is idempotent and every send is acknowledged before {@link
 * #run} returns.
 */
public final class InspectionSimulator implements AutoCloseable {

    private static final int CHUNK_MS = 250;

    private final Configuration conf;
    private final KafkaProducer<byte[], byte[]> producer;
    private final WireFormat format;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Map<String, Long> audioSequences = new HashMap<>();
    private final Map<String, Long> audioClock = new HashMap<>();
    private PhraseSynthesizer speech;

    /**
     * @param conf topics, wire format and {@code fusionline.kafka.bootstrap-servers}
     */
    public InspectionSimulator(Configuration conf) {
        this.conf = conf;
        this.format = WireFormat.named(conf.get(FusionlineJobOptions.WIRE_FORMAT));
        this.producer =
                new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                conf.get(FusionlineJobOptions.BOOTSTRAP_SERVERS),
                                ProducerConfig.ACKS_CONFIG,
                                "all",
                                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                                true,
                                ProducerConfig.LINGER_MS_CONFIG,
                                5,
                                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                                KafkaConnectors.MAX_RECORD_BYTES),
                        new ByteArraySerializer(),
                        new ByteArraySerializer());
    }

    /**
     * Publishes {@code count} items of {@code world}.
     *
     * @param perSecond items per second over all lines; 0 for as fast as possible
     * @param speak whether voice notes are spoken into the audio topic
     * @param onItem told after each item (progress)
     */
    public void run(
            InspectionWorld world,
            long count,
            double perSecond,
            Instant start,
            boolean speak,
            java.util.function.LongConsumer onItem)
            throws InterruptedException {
        RecordCodec<VideoFrame> frames = format.codec(VideoFrame.class);
        RecordCodec<TextEvent> texts = format.codec(TextEvent.class);
        RecordCodec<AudioChunk> audio = format.codec(AudioChunk.class);
        RecordCodec<GroundTruth> truths = format.codec(GroundTruth.class);
        long period = perSecond > 0 ? (long) (1e9 / perSecond) : 0;
        long next = System.nanoTime();
        for (long i = 0; i < count; i++) {
            InspectionItem item = world.next();
            Instant time = start.plusMillis(item.offsetMillis());
            byte[] key = item.lineId().getBytes(StandardCharsets.UTF_8);
            send(
                    conf.get(FusionlineJobOptions.FRAMES_TOPIC),
                    key,
                    frames.encode(frame(item, time)));
            send(
                    conf.get(FusionlineJobOptions.TEXT_EVENTS_TOPIC),
                    key,
                    texts.encode(log(item, time)));
            if (speak && item.voiceNote() != null) {
                for (AudioChunk chunk : spoken(item, time)) {
                    send(conf.get(FusionlineJobOptions.AUDIO_TOPIC), key, audio.encode(chunk));
                }
            }
            send(
                    conf.get(FusionlineJobOptions.GROUND_TRUTH_TOPIC),
                    key,
                    truths.encode(truth(item, time)));
            onItem.accept(i + 1);
            if (period > 0) {
                next += period;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // pacing to the configured rate
                }
            }
        }
        producer.flush();
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("publishing the world failed: " + e.getMessage(), e);
        }
    }

    private void send(String topic, byte[] key, byte[] value) {
        Exception earlier = failure.get();
        if (earlier != null) {
            throw new IllegalStateException(
                    "publishing the world failed: " + earlier.getMessage(), earlier);
        }
        producer.send(
                new ProducerRecord<>(topic, key, value),
                (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
    }

    static VideoFrame frame(InspectionItem item, Instant time) {
        int size = item.image().size();
        byte[] jpeg;
        try (Mat mat = new Mat(size, size, opencv_core.CV_8UC3)) {
            mat.data().put(item.image().bgr(), 0, item.image().bgr().length);
            jpeg = ImageEncoder.jpeg(mat, 90);
        }
        return VideoFrame.newBuilder()
                .setSourceId(item.lineId())
                .setSequence(item.sequence())
                .setEventTime(time)
                .setWidth(size)
                .setHeight(size)
                .setFormat(FrameFormat.JPEG)
                .setPayload(ByteBuffer.wrap(jpeg))
                .build();
    }

    static TextEvent log(InspectionItem item, Instant time) {
        return TextEvent.newBuilder()
                .setSourceId(item.lineId())
                .setEventTime(time)
                .setKind(TextKind.MACHINE_LOG)
                .setText(item.log().text())
                .setAttributes(Map.of("part", Long.toString(item.sequence())))
                .setFeatures(item.log().features())
                .build();
    }

    static GroundTruth truth(InspectionItem item, Instant time) {
        Map<String, String> attributes = new HashMap<>();
        if (item.noteClaims() != null) {
            attributes.put("noteClaims", item.noteClaims().label());
            attributes.put("note", item.voiceNote());
        }
        return GroundTruth.newBuilder()
                .setWorld("inspection")
                .setSourceId(item.lineId())
                .setSequence(item.sequence())
                .setEventTime(time)
                .setLabel(item.defect().label())
                .setSeverity(item.severity())
                .setAttributes(attributes)
                .build();
    }

    private java.util.List<AudioChunk> spoken(InspectionItem item, Instant time) {
        if (speech == null) {
            speech = new PhraseSynthesizer();
        }
        short[] voice = speech.speak(item.voiceNote());
        short[] samples = java.util.Arrays.copyOf(voice, voice.length + PhraseSynthesizer.RATE);
        int chunk = PhraseSynthesizer.RATE / 1000 * CHUNK_MS;
        // A line's microphone is one stream: a note starts at its part's time, or when the
        // previous note on that line ended if that is later.
        long begin = Math.max(time.toEpochMilli(), audioClock.getOrDefault(item.lineId(), 0L));
        java.util.List<AudioChunk> out = new java.util.ArrayList<>();
        for (int from = 0, k = 0; from < samples.length; from += chunk, k++) {
            long sequence = audioSequences.merge(item.lineId(), 1L, Long::sum) - 1;
            out.add(
                    AudioChunks.of(
                            item.lineId(),
                            sequence,
                            begin + (long) k * CHUNK_MS,
                            PhraseSynthesizer.RATE,
                            samples,
                            from,
                            Math.min(samples.length, from + chunk)));
        }
        audioClock.put(item.lineId(), begin + (long) out.size() * CHUNK_MS);
        return out;
    }

    @Override
    public void close() {
        try {
            producer.close();
        } finally {
            if (speech != null) {
                speech.close();
            }
        }
    }
}
