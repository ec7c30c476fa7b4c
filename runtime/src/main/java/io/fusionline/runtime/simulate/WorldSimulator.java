package io.fusionline.runtime.simulate;

import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.jobs.KafkaAccess;
import io.fusionline.operators.audio.AudioChunks;
import io.fusionline.runtime.kafka.InputProducers;
import io.fusionline.schema.media.AudioChunk;
import io.fusionline.schema.media.FrameFormat;
import io.fusionline.schema.media.VideoFrame;
import io.fusionline.schema.serde.RecordCodec;
import io.fusionline.schema.serde.WireFormat;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import io.fusionline.schema.world.GroundTruth;
import io.fusionline.simulation.fraud.FraudCase;
import io.fusionline.simulation.fraud.FraudWorld;
import io.fusionline.simulation.fraud.IdCardRenderer;
import io.fusionline.simulation.inspection.InspectionItem;
import io.fusionline.simulation.inspection.InspectionWorld;
import io.fusionline.simulation.speech.Noise;
import io.fusionline.simulation.speech.PhraseSynthesizer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes a synthetic world to Kafka, item by item, keyed by source, each item's inputs and then
 * its ground truth.
 *
 * <p>Factory line ({@link InspectionWorld}), keyed by line:
 *
 * <ul>
 *   <li>{@code frames}: the part's camera image, JPEG;
 *   <li>{@code text-events}: the machine-log line ({@code MACHINE_LOG}, with temperature, vibration
 *       and tool wear as features);
 *   <li>{@code audio}: the operator's voice note when there is one, spoken by FreeTTS in 250 ms
 *       chunks followed by two seconds of silence, with contiguous per-line sequence numbers (a
 *       note starts at its part's time, or when the line's previous note ended);
 *   <li>{@code ground-truth}: the true label, severity and what the note claimed.
 * </ul>
 *
 * <p>Fraud desk ({@link FraudWorld}), keyed by account: the payment on {@code text-events} ({@code
 * TRANSACTION}, with merchant, country, device, amount and velocity), a call remark spoken into
 * {@code audio} when there is a call, an ID-document scan on {@code frames} (PNG) when one is
 * presented, and the truth ({@code fraud} or {@code ok}, with the tampering) on {@code
 * ground-truth}.
 *
 * <p>Event times are {@code start} plus the item's offset in the world. The records are the same
 * for the same seed and start; the producer is idempotent and every send is acknowledged before
 * {@link #run} returns.
 */
public final class WorldSimulator implements AutoCloseable {

    private static final int CHUNK_MS = 250;

    /**
     * How far ahead of the wall clock a job deciding a simulated world accepts event times: ten
     * years. Worlds compress time (a part every 10 s per line, published several per second), so
     * their event times run ahead of the wall clock, which the job refuses by default.
     */
    public static final java.time.Duration WORLD_CLOCK_SKEW = java.time.Duration.ofDays(3650);

    /**
     * Lets the job of {@code conf} accept a simulated world's clock ({@link #WORLD_CLOCK_SKEW})
     * unless {@code conf} sets its own bound; returns {@code conf}.
     */
    public static Configuration acceptWorldClock(Configuration conf) {
        if (!conf.contains(FusionlineJobOptions.INPUT_MAX_EVENT_SKEW)) {
            conf.set(FusionlineJobOptions.INPUT_MAX_EVENT_SKEW, WORLD_CLOCK_SKEW);
        }
        return conf;
    }

    private final String framesTopic;
    private final String textTopic;
    private final String audioTopic;
    private final String truthTopic;
    private final KafkaProducer<byte[], byte[]> producer;
    private final WireFormat format;
    private final RecordCodec<VideoFrame> frames;
    private final RecordCodec<TextEvent> texts;
    private final RecordCodec<GroundTruth> truths;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Map<String, Long> audioSequences = new HashMap<>();
    private final Map<String, Long> audioClock = new HashMap<>();
    private PhraseSynthesizer speech;
    private RecordCodec<AudioChunk> audioCodec;

    /**
     * @param conf topics, wire format and {@code fusionline.kafka.bootstrap-servers}
     */
    public WorldSimulator(Configuration conf) {
        this.framesTopic = conf.get(FusionlineJobOptions.FRAMES_TOPIC);
        this.textTopic = conf.get(FusionlineJobOptions.TEXT_EVENTS_TOPIC);
        this.audioTopic = conf.get(FusionlineJobOptions.AUDIO_TOPIC);
        this.truthTopic = conf.get(FusionlineJobOptions.GROUND_TRUTH_TOPIC);
        this.format = WireFormat.named(conf.get(FusionlineJobOptions.WIRE_FORMAT));
        this.producer = InputProducers.create(KafkaAccess.of(conf), "fusionline-simulator");
        this.frames = format.codec(VideoFrame.class);
        this.texts = format.codec(TextEvent.class);
        this.truths = format.codec(GroundTruth.class);
    }

    /**
     * Publishes {@code count} parts of the factory-line {@code world}.
     *
     * @param perSecond items per second over all sources; 0 for as fast as possible
     * @param speak whether voice notes are spoken into the audio topic
     * @param onItem told after each item (progress)
     */
    public void run(
            InspectionWorld world,
            long count,
            double perSecond,
            Instant start,
            boolean speak,
            LongConsumer onItem)
            throws InterruptedException {
        paced(
                count,
                perSecond,
                onItem,
                () -> {
                    InspectionItem item = world.next();
                    Instant time = start.plusMillis(item.offsetMillis());
                    byte[] key = item.lineId().getBytes(StandardCharsets.UTF_8);
                    send(framesTopic, key, frames.encode(frame(item, time)));
                    send(textTopic, key, texts.encode(log(item, time)));
                    if (speak && item.voiceNote() != null) {
                        speak(item.lineId(), item.voiceNote(), time, false);
                    }
                    send(truthTopic, key, truths.encode(truth(item, time)));
                });
    }

    /**
     * Renders {@code count} parts of {@code world} (frame, log line and ground truth; no voice
     * notes) into records without sending them, so that {@link #publish} costs only the sending:
     * for measuring how fast a job works off a backlog without the rendering in its way.
     */
    public List<ProducerRecord<byte[], byte[]>> render(
            InspectionWorld world, long count, Instant start) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            InspectionItem item = world.next();
            Instant time = start.plusMillis(item.offsetMillis());
            byte[] key = item.lineId().getBytes(StandardCharsets.UTF_8);
            records.add(new ProducerRecord<>(framesTopic, key, frames.encode(frame(item, time))));
            records.add(new ProducerRecord<>(textTopic, key, texts.encode(log(item, time))));
            records.add(new ProducerRecord<>(truthTopic, key, truths.encode(truth(item, time))));
        }
        return records;
    }

    /** Sends {@code records} as fast as the broker takes them and waits for every ack. */
    public void publish(List<ProducerRecord<byte[], byte[]>> records) {
        for (ProducerRecord<byte[], byte[]> r : records) {
            send(r.topic(), r.key(), r.value());
        }
        awaitAcks();
    }

    /**
     * Publishes {@code count} cases of the fraud-desk {@code world}.
     *
     * @param perSecond items per second over all sources; 0 for as fast as possible
     * @param speak whether call remarks are spoken into the audio topic
     * @param onItem told after each item (progress)
     */
    public void run(
            FraudWorld world,
            long count,
            double perSecond,
            Instant start,
            boolean speak,
            LongConsumer onItem)
            throws InterruptedException {
        Map<String, Long> documents = new HashMap<>();
        paced(
                count,
                perSecond,
                onItem,
                () -> {
                    FraudCase c = world.next();
                    Instant time = start.plusMillis(c.offsetMillis());
                    byte[] key = c.accountId().getBytes(StandardCharsets.UTF_8);
                    send(textTopic, key, texts.encode(payment(c, time)));
                    if (speak && c.callRemark() != null) {
                        speak(c.accountId(), c.callRemark(), time, true);
                    }
                    if (c.document() != null) {
                        long sequence = documents.merge(c.accountId(), 1L, Long::sum) - 1;
                        send(framesTopic, key, frames.encode(document(c, sequence, time)));
                    }
                    send(truthTopic, key, truths.encode(truth(c, time)));
                });
    }

    /** Runs {@code item} {@code count} times at {@code perSecond}, then waits for every ack. */
    private void paced(long count, double perSecond, LongConsumer onItem, Runnable item)
            throws InterruptedException {
        long period = perSecond > 0 ? (long) (1e9 / perSecond) : 0;
        long next = System.nanoTime();
        for (long i = 0; i < count; i++) {
            item.run();
            onItem.accept(i + 1);
            if (period > 0) {
                next += period;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // pacing to the configured rate
                }
            }
        }
        awaitAcks();
    }

    /** Waits for every record sent so far to be acknowledged; throws the first send failure. */
    private void awaitAcks() {
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
        byte[] jpeg = item.image().cameraJpeg();
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

    /**
     * Speaks {@code text} into the audio topic as part of {@code source}'s microphone stream, with
     * the noise of its place: a factory station's mains hum, or a call's telephone band, each under
     * white noise 20 dB below the voice.
     */
    private void speak(String source, String text, Instant time, boolean call) {
        if (speech == null) {
            speech = new PhraseSynthesizer();
            audioCodec = format.codec(AudioChunk.class);
        }
        short[] voice = speech.speak(text);
        // A microphone keeps streaming after the speech: two seconds of silence let the
        // recognizer find the end of the utterance now rather than with the next note.
        short[] samples = java.util.Arrays.copyOf(voice, voice.length + 2 * PhraseSynthesizer.RATE);
        long seed = source.hashCode() * 31L + time.toEpochMilli();
        if (call) {
            Noise.telephone(samples, PhraseSynthesizer.RATE);
        } else {
            Noise.hum(samples, PhraseSynthesizer.RATE, -45, seed % 7);
        }
        Noise.white(samples, voice, 20, seed);
        int chunk = PhraseSynthesizer.RATE / 1000 * CHUNK_MS;
        // A source's microphone is one stream: speech starts at its item's time, or when the
        // source's previous speech ended if that is later.
        long begin = Math.max(time.toEpochMilli(), audioClock.getOrDefault(source, 0L));
        byte[] key = source.getBytes(StandardCharsets.UTF_8);
        int chunks = 0;
        for (int from = 0; from < samples.length; from += chunk, chunks++) {
            long sequence = audioSequences.merge(source, 1L, Long::sum) - 1;
            AudioChunk audio =
                    AudioChunks.of(
                            source,
                            sequence,
                            begin + (long) chunks * CHUNK_MS,
                            PhraseSynthesizer.RATE,
                            samples,
                            from,
                            Math.min(samples.length, from + chunk));
            send(audioTopic, key, audioCodec.encode(audio));
        }
        audioClock.put(source, begin + (long) chunks * CHUNK_MS);
    }

    /** The text event of {@code c}'s payment at {@code time}. */
    public static TextEvent payment(FraudCase c, Instant time) {
        return TextEvent.newBuilder()
                .setSourceId(c.accountId())
                .setEventTime(time)
                .setKind(TextKind.TRANSACTION)
                .setText(c.transaction().text())
                .setAttributes(c.transaction().attributes())
                .setFeatures(c.transaction().features())
                .build();
    }

    /** The frame of {@code c}'s ID document at {@code time}. */
    public static VideoFrame document(FraudCase c, long sequence, Instant time) {
        byte[] png = c.document().png();
        return VideoFrame.newBuilder()
                .setSourceId(c.accountId())
                .setSequence(sequence)
                .setEventTime(time)
                .setWidth(IdCardRenderer.WIDTH)
                .setHeight(IdCardRenderer.HEIGHT)
                .setFormat(FrameFormat.PNG)
                .setPayload(ByteBuffer.wrap(png))
                .build();
    }

    static GroundTruth truth(FraudCase c, Instant time) {
        Map<String, String> attributes = new HashMap<>();
        if (c.document() != null) {
            attributes.put(
                    "tampering",
                    c.document().tampering().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (c.callRemark() != null) {
            attributes.put("call", c.callRemark());
        }
        return GroundTruth.newBuilder()
                .setWorld("fraud")
                .setSourceId(c.accountId())
                .setSequence(c.sequence())
                .setEventTime(time)
                .setLabel(c.fraud() ? "fraud" : "ok")
                .setAttributes(attributes)
                .build();
    }

    /**
     * Flushes what was sent (at most 30 s) and closes. A caller stopping the simulator by
     * interrupting its thread (the demo at {@code --count}) keeps the interrupt, but the producer's
     * close runs without it, so the last records still go out instead of the close failing.
     */
    @Override
    public void close() {
        boolean interrupted = Thread.interrupted();
        try {
            producer.close(java.time.Duration.ofSeconds(30));
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (speech != null) {
                speech.close();
            }
        }
    }
}
