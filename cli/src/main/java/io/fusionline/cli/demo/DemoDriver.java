package io.fusionline.cli.demo;

import io.fusionline.cli.ingest.FramePublisher;
import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.jobs.KafkaAccess;
import io.fusionline.multimodal.fusion.FusionTranslator;
import io.fusionline.multimodal.vision.ImageHeader;
import io.fusionline.operators.Profile;
import io.fusionline.operators.audio.AudioChunks;
import io.fusionline.runtime.kafka.CommittedConsumers;
import io.fusionline.runtime.kafka.InputProducers;
import io.fusionline.runtime.simulate.WorldSimulator;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.media.AudioChunk;
import io.fusionline.schema.media.FrameFormat;
import io.fusionline.schema.ops.DeadLetter;
import io.fusionline.schema.serde.RecordCodec;
import io.fusionline.schema.serde.RecordDecodingException;
import io.fusionline.schema.serde.WireFormat;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.Transcript;
import io.fusionline.schema.text.TranscriptKind;
import io.fusionline.schema.vision.VisionFeatures;
import io.fusionline.simulation.fraud.FraudWorld;
import io.fusionline.simulation.inspection.InspectionWorld;
import io.fusionline.simulation.speech.PhraseSynthesizer;
import io.fusionline.simulation.speech.SpeechPhrases;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Drives the demo against a running job; the calling thread reads committed decisions, alerts,
 * transcripts, features and dead letters and prints one line each.
 *
 * <ul>
 *   <li>Profiles {@code inspection} and {@code fraud}: a background thread publishes that world
 *       with the {@link WorldSimulator} ({@value #WORLD_SOURCES} sources, an item per source every
 *       {@value #WORLD_INTERVAL_MS} ms of event time, starting now), and every {@code badEvery}
 *       items one malformed record.
 *   <li>Profile {@code text}: background threads produce sample text events (and malformed
 *       records), spoken phrases and scans.
 * </ul>
 */
public final class DemoDriver implements AutoCloseable {

    /** The demo gives up when no decision is committed within this time. */
    static final Duration FIRST_DECISION_TIMEOUT = Duration.ofSeconds(120);

    /** Length of the demo's audio chunks. */
    static final int AUDIO_CHUNK_MS = 250;

    /** Lines or accounts of the simulated world. */
    static final int WORLD_SOURCES = 4;

    /** Event time between items of one source in the simulated world. */
    static final long WORLD_INTERVAL_MS = 10_000;

    private final Configuration conf;
    private final long seed;
    private final double rate;
    private final int badEvery;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread producerThread;
    private final Thread speakerThread;
    private final Thread scannerThread;
    private volatile boolean stopping;

    /** The thread in {@link #run}, if any; {@link #close} waits for it to leave the consumer. */
    private volatile Thread reader;

    private final CountDownLatch readerDone = new CountDownLatch(1);

    public DemoDriver(Configuration conf, long seed, double rate, int badEvery) {
        this.conf = conf;
        this.seed = seed;
        this.rate = rate;
        this.badEvery = badEvery;
        String bootstrap = conf.get(FusionlineJobOptions.BOOTSTRAP_SERVERS);
        KafkaAccess kafka = KafkaAccess.of(conf);
        this.producer = InputProducers.create(kafka, "fusionline-demo");
        this.consumer = CommittedConsumers.create(kafka, "fusionline-demo");
        boolean world = FusionlineJobOptions.fusion(conf) != null;
        this.producerThread =
                world
                        ? new Thread(this::simulate, "demo-simulator")
                        : new Thread(this::produce, "demo-producer");
        this.producerThread.setDaemon(true);
        this.speakerThread =
                !world && conf.get(FusionlineJobOptions.SPEECH_ENABLED)
                        ? new Thread(this::speak, "demo-speaker")
                        : null;
        if (speakerThread != null) {
            speakerThread.setDaemon(true);
        }
        this.scannerThread =
                world
                                || FusionlineJobOptions.ocrSources(conf).isEmpty()
                                        && FusionlineJobOptions.vision(conf) == null
                        ? null
                        : new Thread(this::scan, "demo-scanner");
        if (scannerThread != null) {
            scannerThread.setDaemon(true);
        }
    }

    /**
     * Prints decisions and dead letters committed from now on until {@code count} decisions were
     * printed (forever when 0) or {@link #stop} is called.
     */
    public void run(int count, PrintStream out, long startedNanos) {
        reader = Thread.currentThread();
        try {
            print(count, out, startedNanos);
        } catch (WakeupException e) {
            if (!stopping) {
                throw e;
            }
        } finally {
            readerDone.countDown();
        }
    }

    private void print(int count, PrintStream out, long startedNanos) {
        WireFormat format = WireFormat.named(conf.get(FusionlineJobOptions.WIRE_FORMAT));
        RecordCodec<Decision> decisions = format.codec(Decision.class);
        RecordCodec<DeadLetter> deadLetters = format.codec(DeadLetter.class);
        RecordCodec<Transcript> transcripts = format.codec(Transcript.class);
        String decisionsTopic = conf.get(FusionlineJobOptions.DECISIONS_TOPIC);
        String transcriptsTopic = conf.get(FusionlineJobOptions.TRANSCRIPTS_TOPIC);
        List<String> topics =
                new ArrayList<>(
                        List.of(decisionsTopic, conf.get(FusionlineJobOptions.DEAD_LETTERS_TOPIC)));
        if (conf.get(FusionlineJobOptions.SPEECH_ENABLED)) {
            topics.add(transcriptsTopic);
        }
        String alertsTopic = conf.get(FusionlineJobOptions.ALERTS_TOPIC);
        if (FusionlineJobOptions.fusion(conf) != null) {
            topics.add(alertsTopic);
        }
        String featuresTopic = conf.get(FusionlineJobOptions.VISION_FEATURES_TOPIC);
        RecordCodec<VisionFeatures> features = format.codec(VisionFeatures.class);
        if (FusionlineJobOptions.vision(conf) != null) {
            topics.add(featuresTopic);
        }
        CommittedConsumers.assignAtEnd(consumer, topics); // "now", before the first event is sent
        producerThread.start();
        if (speakerThread != null) {
            speakerThread.start();
        }
        if (scannerThread != null) {
            scannerThread.start();
        }

        long printed = 0;
        long deadline = System.nanoTime() + FIRST_DECISION_TIMEOUT.toNanos();
        while (!stopping && (count == 0 || printed < count)) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.topic().equals(decisionsTopic)) {
                    if (count > 0 && printed >= count) {
                        break;
                    }
                    printed++;
                    if (printed == 1) {
                        out.printf(
                                "first decision %.1f s after start%n",
                                (System.nanoTime() - startedNanos) / 1e9);
                    }
                    out.println(describe(decode(decisions, r.value())));
                } else if (r.topic().equals(alertsTopic)) {
                    Decision alert = decode(decisions, r.value());
                    out.println(
                            describe(
                                    alert.getProvisional()
                                            ? "alert (now)"
                                            : FusionTranslator.isAlert(alert)
                                                    ? "alert (window)"
                                                    : "alert cleared",
                                    alert));
                } else if (r.topic().equals(featuresTopic)) {
                    out.println(describe(decode(features, r.value())));
                } else if (r.topic().equals(transcriptsTopic)) {
                    Transcript t = decode(transcripts, r.value());
                    if (t.getKind() != TranscriptKind.PARTIAL) {
                        out.println(describe(t));
                    }
                } else {
                    out.println(describe(decode(deadLetters, r.value())));
                }
            }
            out.flush();
            if (printed == 0 && System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "no decision within "
                                + FIRST_DECISION_TIMEOUT.toSeconds()
                                + " s; is the job running?");
            }
        }
    }

    /** Stops producing and printing; safe to call from a shutdown hook. */
    public void stop() {
        stopping = true;
        consumer.wakeup(); // ends a poll in progress; the one consumer call safe from any thread
        producerThread.interrupt();
        if (speakerThread != null) {
            speakerThread.interrupt();
        }
        if (scannerThread != null) {
            scannerThread.interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        try {
            producerThread.join(TimeUnit.SECONDS.toMillis(5));
            if (speakerThread != null) {
                speakerThread.join(TimeUnit.SECONDS.toMillis(5));
            }
            if (scannerThread != null) {
                scannerThread.join(TimeUnit.SECONDS.toMillis(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Thread printing = reader;
        if (printing != null && printing != Thread.currentThread()) {
            // run() on another thread must let go of the consumer before it is closed
            try {
                readerDone.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(Duration.ofSeconds(5));
        consumer.close(Duration.ofSeconds(5));
    }

    /**
     * Publishes the profile's world until stopped, with a malformed record every badEvery items.
     */
    private void simulate() {
        String topic = conf.get(FusionlineJobOptions.TEXT_EVENTS_TOPIC);
        boolean speak = conf.get(FusionlineJobOptions.SPEECH_ENABLED);
        LongConsumer onItem =
                n -> {
                    if (badEvery > 0 && n % badEvery == 0) {
                        byte[] junk = ("not a TextEvent #" + n).getBytes(StandardCharsets.UTF_8);
                        producer.send(new ProducerRecord<>(topic, junk, junk));
                    }
                };
        try (WorldSimulator simulator = new WorldSimulator(conf)) {
            Instant start = Instant.now();
            if (FusionlineJobOptions.profile(conf) == Profile.FRAUD) {
                simulator.run(
                        new FraudWorld(WORLD_SOURCES, WORLD_INTERVAL_MS, seed),
                        Long.MAX_VALUE,
                        rate,
                        start,
                        speak,
                        onItem);
            } else {
                simulator.run(
                        new InspectionWorld(WORLD_SOURCES, WORLD_INTERVAL_MS, 224, seed),
                        Long.MAX_VALUE,
                        rate,
                        start,
                        speak,
                        onItem);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!stopping) {
                System.err.println("fusionline demo: simulator stopped: " + e.getMessage());
            }
        }
    }

    private void produce() {
        String topic = conf.get(FusionlineJobOptions.TEXT_EVENTS_TOPIC);
        RecordCodec<TextEvent> codec =
                WireFormat.named(conf.get(FusionlineJobOptions.WIRE_FORMAT)).codec(TextEvent.class);
        SampleTextEvents samples = new SampleTextEvents(seed, Instant.now());
        long periodNanos = (long) (1e9 / rate);
        long next = System.nanoTime();
        try {
            for (long i = 1; !stopping; i++) {
                if (badEvery > 0 && i % badEvery == 0) {
                    byte[] junk = ("not a TextEvent #" + i).getBytes(StandardCharsets.UTF_8);
                    producer.send(new ProducerRecord<>(topic, junk, junk));
                } else {
                    TextEvent event = samples.next();
                    producer.send(
                            new ProducerRecord<>(
                                    topic,
                                    event.getSourceId().getBytes(StandardCharsets.UTF_8),
                                    codec.encode(event)));
                }
                next += periodNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // rate limiting, not synchronization
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!stopping) {
                System.err.println("fusionline demo: producer stopped: " + e.getMessage());
            }
        }
    }

    /**
     * Speaks phrases in turn for a station microphone ({@code line-1}) and a fraud-desk call
     * ({@code call-101}), each followed by 1.5 s of silence, as one continuous stream per source.
     */
    private void speak() {
        String topic = conf.get(FusionlineJobOptions.AUDIO_TOPIC);
        RecordCodec<AudioChunk> codec =
                WireFormat.named(conf.get(FusionlineJobOptions.WIRE_FORMAT))
                        .codec(AudioChunk.class);
        Map<String, Long> sequences = new java.util.HashMap<>();
        SplittableRandom random = new SplittableRandom(seed);
        int chunkSamples = PhraseSynthesizer.RATE / 1000 * AUDIO_CHUNK_MS;
        try (PhraseSynthesizer tts = new PhraseSynthesizer()) {
            for (int i = 0; !stopping; i++) {
                boolean inspection = i % 2 == 0;
                List<String> phrases = inspection ? SpeechPhrases.INSPECTION : SpeechPhrases.FRAUD;
                String source = inspection ? "line-1" : "call-101";
                short[] speech = tts.speak(phrases.get(random.nextInt(phrases.size())));
                short[] samples =
                        Arrays.copyOf(speech, speech.length + PhraseSynthesizer.RATE * 3 / 2);
                long next = System.nanoTime();
                for (int from = 0; from < samples.length && !stopping; from += chunkSamples) {
                    long sequence = sequences.merge(source, 1L, Long::sum) - 1;
                    AudioChunk chunk =
                            AudioChunks.of(
                                    source,
                                    sequence,
                                    System.currentTimeMillis(),
                                    PhraseSynthesizer.RATE,
                                    samples,
                                    from,
                                    Math.min(samples.length, from + chunkSamples));
                    producer.send(
                            new ProducerRecord<>(
                                    topic,
                                    source.getBytes(StandardCharsets.UTF_8),
                                    codec.encode(chunk)));
                    next += TimeUnit.MILLISECONDS.toNanos(AUDIO_CHUNK_MS);
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait); // real-time pace of a microphone
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!stopping) {
                System.err.println("fusionline demo: speaker stopped: " + e.getMessage());
            }
        }
    }

    /**
     * Every 3 s, an image from the line's label camera and the fraud desk's ID scanner in turn
     * ({@link SampleScans}), as PNG frames.
     */
    private void scan() {
        KafkaAccess kafka = KafkaAccess.of(conf);
        String topic = conf.get(FusionlineJobOptions.FRAMES_TOPIC);
        WireFormat format = WireFormat.named(conf.get(FusionlineJobOptions.WIRE_FORMAT));
        try (FramePublisher labels =
                        new FramePublisher(kafka, topic, SampleScans.LABEL_CAMERA, 0, format);
                FramePublisher documents =
                        new FramePublisher(kafka, topic, SampleScans.ID_SCANNER, 0, format)) {
            for (int i = 0; !stopping; i++) {
                boolean label = i % 2 == 0;
                List<String> texts = label ? SampleScans.TAGS : SampleScans.DOCUMENTS;
                byte[] png = SampleScans.render(texts.get((i / 2) % texts.size()));
                ImageHeader header = ImageHeader.read(png);
                (label ? labels : documents)
                        .publish(
                                png,
                                FrameFormat.PNG,
                                header.width(),
                                header.height(),
                                Instant.now());
                TimeUnit.SECONDS.sleep(3); // a scan every few seconds, not synchronization
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (!stopping) {
                System.err.println("fusionline demo: scanner stopped: " + e.getMessage());
            }
        }
    }

    private static String describe(VisionFeatures f) {
        return String.format(
                "features       %-11s #%-4d %d-d, %d patch tokens, %.1f ms/frame  %s",
                f.getSourceId(),
                f.getSequence(),
                f.getPatchDim(),
                f.getPatchCount(),
                f.getInferenceMillis(),
                f.getModel());
    }

    private static <T> T decode(RecordCodec<T> codec, byte[] bytes) {
        try {
            return codec.decode(bytes);
        } catch (RecordDecodingException e) {
            throw new IllegalStateException("job wrote an unreadable record: " + e.getMessage());
        }
    }

    static String describe(Decision d) {
        return describe("decision", d);
    }

    /** One line for decision {@code d}, headed {@code kind} ("decision", "alert"). */
    static String describe(String kind, Decision d) {
        StringBuilder alpha = new StringBuilder();
        d.getAlpha()
                .forEach(
                        (m, a) ->
                                alpha.append(
                                        String.format(java.util.Locale.ROOT, " %s=%.2f", m, a)));
        return String.format(
                java.util.Locale.ROOT,
                "%-14s %-11s #%-4d %-16s score %.2f  %-9s %s%s",
                kind,
                d.getSourceId(),
                d.getSequence(),
                d.getLabel(),
                d.getScore(),
                d.getAction(),
                d.getExplanation(),
                alpha.length() == 0 ? "" : "  α" + alpha);
    }

    static String describe(Transcript t) {
        return t.getKind() == TranscriptKind.GAP
                ? String.format("transcript     %-11s gap   %s", t.getSourceId(), t.getText())
                : String.format(
                        "transcript     %-11s #%-4d \"%s\"  confidence %.2f",
                        t.getSourceId(), t.getUtterance(), t.getText(), t.getConfidence());
    }

    static String describe(DeadLetter d) {
        return String.format(
                "dead letter    %s-%d@%d  %s: %s",
                d.getOriginalTopic(), d.getPartition(), d.getOffset(), d.getStage(), d.getReason());
    }
}
