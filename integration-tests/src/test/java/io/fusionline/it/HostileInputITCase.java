package io.fusionline.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.jobs.KafkaAccess;
import io.fusionline.operators.decode.DecodeFunction;
import io.fusionline.runtime.kafka.InputProducers;
import io.fusionline.runtime.simulate.WorldSimulator;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.media.AudioChunk;
import io.fusionline.schema.media.AudioEncoding;
import io.fusionline.schema.media.FrameFormat;
import io.fusionline.schema.media.RegionOfInterest;
import io.fusionline.schema.media.VideoFrame;
import io.fusionline.schema.ops.DeadLetter;
import io.fusionline.schema.serde.HostileRecords;
import io.fusionline.schema.serde.RecordCodec;
import io.fusionline.schema.serde.SingleObjectWireFormat;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import io.fusionline.schema.world.GroundTruth;
import io.fusionline.simulation.fraud.FraudWorld;
import io.fusionline.simulation.inspection.InspectionWorld;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stranger's worst records, interleaved with a world's valid traffic, through the whole job on a
 * real broker and MiniCluster, for both profiles: length bombs for every variable-length field of
 * each input schema, every truncation, garbage and tombstones, control characters, NaN features,
 * far-future and too-old clocks, lying images, a record near the dead-letter topic's limit, and an
 * audio producer that counts from 0 again. The job runs without a restart strategy, so it finishes
 * only with 0 restarts; each hostile record is reconciled with exactly one dead letter by topic,
 * partition and offset, and every valid item is decided.
 */
class HostileInputITCase {

    @RegisterExtension
    @Order(1)
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension FLINK = TestJobs.miniCluster();

    /** The dead-letter topic takes records of at most this size, as a user's topic might. */
    private static final int DEAD_LETTER_TOPIC_LIMIT = 512 << 10;

    private static final int DEAD_LETTER_PAYLOAD = 400 << 10;

    private static final Instant START = Instant.now().minus(1, ChronoUnit.HOURS);

    @Test
    void shouldDeadLetterEveryHostileRecordAndDecideEveryPartOfTheFactoryLine() throws Exception {
        Configuration conf = conf("hostile-insp", "inspection");
        try (Hostile hostile = new Hostile(conf, List.of("line-1", "line-2"));
                WorldSimulator simulator = new WorldSimulator(conf)) {
            simulator.run(
                    new InspectionWorld(2, 10_000, 224, 5), 10, 0, START, true, hostile::sendSome);
            hostile.sendRest();
            hostile.restartAudioCount("mic-restart");
            runAndReconcile(conf, hostile, 10);
        }
    }

    @Test
    void shouldDeadLetterEveryHostileRecordAndScoreEveryPaymentOfTheFraudDesk() throws Exception {
        Configuration conf = conf("hostile-fraud", "fraud");
        try (Hostile hostile = new Hostile(conf, List.of("acct-1", "acct-2", "acct-3"));
                WorldSimulator simulator = new WorldSimulator(conf)) {
            simulator.run(new FraudWorld(3, 10_000, 6), 16, 0, START, true, hostile::sendSome);
            hostile.sendRest();
            runAndReconcile(conf, hostile, 16);
        }
    }

    private static void runAndReconcile(Configuration conf, Hostile hostile, int items)
            throws Exception {
        // without restarts, a job that finishes had none
        TestJobs.runOverWhatIsThere(
                TestJobs.environmentWithoutRestarts(conf),
                conf,
                conf.get(FusionlineJobOptions.PROFILE) + "-hostile-it");

        KafkaTestClients kafka = new KafkaTestClients(KAFKA.bootstrapServers());
        List<DeadLetter> dead =
                kafka.readAllCommitted(
                        conf.get(FusionlineJobOptions.DEAD_LETTERS_TOPIC), DeadLetter.class);
        List<Decision> decisions =
                kafka.readAllCommitted(
                        conf.get(FusionlineJobOptions.DECISIONS_TOPIC), Decision.class);
        List<GroundTruth> truth =
                kafka.readAllCommitted(
                        conf.get(FusionlineJobOptions.GROUND_TRUTH_TOPIC), GroundTruth.class);

        // every hostile record: exactly one dead letter, at its coordinates, with a reason
        Map<String, List<DeadLetter>> byOrigin =
                dead.stream().collect(Collectors.groupingBy(HostileInputITCase::origin));
        assertThat(hostile.sent).hasSizeGreaterThanOrEqualTo(250);
        for (Map.Entry<String, String> sent : hostile.sent.entrySet()) {
            assertThat(byOrigin.get(sent.getKey()))
                    .as("dead letters of %s (%s)", sent.getKey(), sent.getValue())
                    .hasSize(1)
                    .allSatisfy(
                            d -> {
                                assertThat(d.getStage())
                                        .isIn(
                                                DecodeFunction.DECODE_STAGE,
                                                DecodeFunction.VALIDATE_STAGE);
                                assertThat(d.getReason()).isNotBlank().doesNotContain("\n");
                            });
        }
        // and nothing else: no valid input of the world became a dead letter
        assertThat(byOrigin.keySet()).containsExactlyInAnyOrderElementsOf(hostile.sent.keySet());

        // the record near the topic limit: cut to fit, with its size and digest
        DeadLetter big = byOrigin.get(hostile.nearLimit).get(0);
        assertThat(big.getPayload().remaining()).isEqualTo(DEAD_LETTER_PAYLOAD);
        assertThat(big.getOriginalSize()).isEqualTo(hostile.nearLimitBytes.length);
        assertThat(big.getPayloadSha256())
                .isEqualTo(
                        HexFormat.of()
                                .formatHex(
                                        MessageDigest.getInstance("SHA-256")
                                                .digest(hostile.nearLimitBytes)));

        // every valid item decided, exactly once
        TestJobs.decidedOncePerItem(decisions, truth, items);
        System.out.printf(
                "%s: %d hostile records (%d kinds) → %d dead letters; %d items, %d decisions%n",
                conf.get(FusionlineJobOptions.PROFILE),
                hostile.sent.size(),
                hostile.sent.values().stream().map(k -> k.split(" ")[0]).distinct().count(),
                dead.size(),
                truth.size(),
                decisions.size());
    }

    private static String origin(DeadLetter d) {
        return d.getOriginalTopic() + "-" + d.getPartition() + "@" + d.getOffset();
    }

    private static Configuration conf(String test, String profile) throws Exception {
        Configuration conf = TestJobs.worldConf(KAFKA, test, profile);
        // bounds for a live world: a day-old or an hour-ahead input is refused
        conf.set(FusionlineJobOptions.INPUT_MAX_EVENT_LAG, Duration.ofDays(1));
        conf.set(FusionlineJobOptions.INPUT_MAX_EVENT_SKEW, Duration.ofMinutes(5));
        conf.set(FusionlineJobOptions.DEAD_LETTER_MAX_PAYLOAD_BYTES, DEAD_LETTER_PAYLOAD);
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                KAFKA.bootstrapServers()))) {
            ConfigResource topic =
                    new ConfigResource(
                            ConfigResource.Type.TOPIC,
                            conf.get(FusionlineJobOptions.DEAD_LETTERS_TOPIC));
            admin.incrementalAlterConfigs(
                            Map.of(
                                    topic,
                                    List.of(
                                            new AlterConfigOp(
                                                    new ConfigEntry(
                                                            "max.message.bytes",
                                                            String.valueOf(
                                                                    DEAD_LETTER_TOPIC_LIMIT)),
                                                    AlterConfigOp.OpType.SET))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        return conf;
    }

    /**
     * The hostile records of one run, sent a share after each world item; remembers each one's
     * coordinates ({@code topic-partition@offset}) and kind.
     */
    private static final class Hostile implements AutoCloseable {
        private final KafkaProducer<byte[], byte[]> producer;
        private final List<Pending> pending = new ArrayList<>();
        private final Map<String, String> sent = new HashMap<>();
        private final String audioTopic;
        private String nearLimit;
        private byte[] nearLimitBytes;

        private record Pending(String kind, ProducerRecord<byte[], byte[]> record) {}

        private record InFlight(String kind, Future<RecordMetadata> ack) {}

        private final List<InFlight> acks = new ArrayList<>();

        Hostile(Configuration conf, List<String> sources) {
            this.producer =
                    InputProducers.create(
                            KafkaAccess.plaintext(KAFKA.bootstrapServers()),
                            "hostile-" + sources.get(0));
            this.audioTopic = conf.get(FusionlineJobOptions.AUDIO_TOPIC);
            Random random = new Random(16);
            String text = conf.get(FusionlineJobOptions.TEXT_EVENTS_TOPIC);
            String frames = conf.get(FusionlineJobOptions.FRAMES_TOPIC);
            long now = System.currentTimeMillis();
            for (String source : sources) {
                byte[] key = source.getBytes(StandardCharsets.UTF_8);
                TextEvent event = textEvent(source, now);
                AudioChunk chunk = audioChunk(source, now);
                VideoFrame frame = frame(source, now, new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2});
                for (HostileRecords.Variant v : HostileRecords.lengthBombs(event)) {
                    add("length-bomb " + v.name(), text, key, v.bytes());
                }
                for (HostileRecords.Variant v : HostileRecords.lengthBombs(chunk)) {
                    add("length-bomb " + v.name(), audioTopic, key, v.bytes());
                }
                for (HostileRecords.Variant v : HostileRecords.lengthBombs(frame)) {
                    add("length-bomb " + v.name(), frames, key, v.bytes());
                }
                for (HostileRecords.Variant v : HostileRecords.truncations(event)) {
                    add("truncated " + v.name(), text, key, v.bytes());
                }
                for (HostileRecords.Variant v : HostileRecords.truncations(chunk)) {
                    add("truncated " + v.name(), audioTopic, key, v.bytes());
                }
                for (String topic : List.of(text, audioTopic, frames)) {
                    byte[] garbage = new byte[64];
                    random.nextBytes(garbage);
                    add("garbage", topic, key, garbage);
                    add("empty", topic, key, new byte[0]);
                    add("tombstone", topic, key, null);
                    byte[] unknown = Arrays.copyOf(TEXT.encode(event), 40);
                    unknown[5] ^= 0x55; // a fingerprint nobody registered
                    add("unknown-schema", topic, key, unknown);
                }
                Map<String, String> many = new HashMap<>();
                for (int i = 0; i < 65; i++) {
                    many.put("a" + i, "v");
                }
                add(
                        "control-characters",
                        text,
                        key,
                        TEXT.encode(with(event, "line\u001b[2J", now)));
                add("long-source-id", text, key, TEXT.encode(with(event, "s".repeat(300), now)));
                add("far-future", text, key, TEXT.encode(with(event, source, now + 3_600_000)));
                add("too-old", text, key, TEXT.encode(with(event, source, now - 2 * 86_400_000L)));
                add("no-event-time", text, key, TEXT.encode(with(event, source, 0)));
                add("nan-feature", text, key, TEXT.encode(features(event, Double.NaN)));
                add("infinite-feature", text, key, TEXT.encode(features(event, -1 / 0.0)));
                add(
                        "too-many-attributes",
                        text,
                        key,
                        TEXT.encode(TextEvent.newBuilder(event).setAttributes(many).build()));
                add(
                        "long-text",
                        text,
                        key,
                        TEXT.encode(
                                TextEvent.newBuilder(event).setText("x".repeat(17_000)).build()));
                add("odd-pcm", audioTopic, key, AUDIO.encode(payload(chunk, new byte[] {1, 2, 3})));
                add(
                        "nine-channels",
                        audioTopic,
                        key,
                        AUDIO.encode(AudioChunk.newBuilder(chunk).setChannels(9).build()));
                add(
                        "odd-sample-rate",
                        audioTopic,
                        key,
                        AUDIO.encode(AudioChunk.newBuilder(chunk).setSampleRate(12_345).build()));
                add(
                        "unknown-encoding",
                        audioTopic,
                        key,
                        AUDIO.encode(
                                AudioChunk.newBuilder(chunk)
                                        .setEncoding(AudioEncoding.UNKNOWN)
                                        .build()));
                add("garbage-jpeg", frames, key, FRAMES.encode(frame));
                add(
                        "gif-as-png",
                        frames,
                        key,
                        FRAMES.encode(
                                VideoFrame.newBuilder(
                                                frame(
                                                        source,
                                                        now,
                                                        "GIF89a\u0001\u0000"
                                                                .getBytes(
                                                                        StandardCharsets
                                                                                .ISO_8859_1)))
                                        .setFormat(FrameFormat.PNG)
                                        .build()));
                add(
                        "raw-size-mismatch",
                        frames,
                        key,
                        FRAMES.encode(
                                VideoFrame.newBuilder(frame)
                                        .setFormat(FrameFormat.RAW_BGR)
                                        .setWidth(4)
                                        .setHeight(4)
                                        .setPayload(ByteBuffer.wrap(new byte[47]))
                                        .build()));
            }
            // a garbage frame near the dead-letter topic's limit: its dead letter must be cut
            byte[] big = new byte[DEAD_LETTER_TOPIC_LIMIT + 64 * 1024];
            random.nextBytes(big);
            nearLimitBytes = FRAMES.encode(frame(sources.get(0), now, big));
            add(
                    "near-topic-limit",
                    frames,
                    sources.get(0).getBytes(StandardCharsets.UTF_8),
                    nearLimitBytes);
            java.util.Collections.shuffle(pending, random);
        }

        private void add(String kind, String topic, byte[] key, byte[] value) {
            pending.add(new Pending(kind, new ProducerRecord<>(topic, key, value)));
        }

        /** Sends the next share of hostile records (called after each world item). */
        void sendSome(long item) {
            int share = Math.max(1, pending.size() / 8);
            for (int i = 0; i < share && !pending.isEmpty(); i++) {
                send(pending.remove(0));
            }
        }

        void sendRest() throws Exception {
            while (!pending.isEmpty()) {
                send(pending.remove(0));
            }
            producer.flush();
            for (InFlight f : acks) {
                RecordMetadata m = f.ack().get(30, TimeUnit.SECONDS);
                String at = m.topic() + "-" + m.partition() + "@" + m.offset();
                sent.put(at, f.kind());
                if (f.kind().equals("near-topic-limit")) {
                    nearLimit = at;
                }
            }
            acks.clear();
        }

        private void send(Pending p) {
            acks.add(new InFlight(p.kind(), producer.send(p.record())));
        }

        /**
         * Valid audio of a producer that restarts: sequences 0..3, then 0..3 again for later audio.
         * Accepted as a new stream: no dead letter.
         */
        void restartAudioCount(String source) throws Exception {
            byte[] key = source.getBytes(StandardCharsets.UTF_8);
            long start = START.toEpochMilli() + 30_000;
            for (int run = 0; run < 2; run++) {
                for (int s = 0; s < 4; s++) {
                    AudioChunk c =
                            AudioChunk.newBuilder(audioChunk(source, start + (run * 4 + s) * 250L))
                                    .setSequence(s)
                                    .setPayload(ByteBuffer.wrap(new byte[8000]))
                                    .build();
                    producer.send(new ProducerRecord<>(audioTopic, key, AUDIO.encode(c)))
                            .get(30, TimeUnit.SECONDS);
                }
            }
        }

        @Override
        public void close() {
            producer.close();
        }
    }

    private static final RecordCodec<TextEvent> TEXT =
            SingleObjectWireFormat.INSTANCE.codec(TextEvent.class);
    private static final RecordCodec<AudioChunk> AUDIO =
            SingleObjectWireFormat.INSTANCE.codec(AudioChunk.class);
    private static final RecordCodec<VideoFrame> FRAMES =
            SingleObjectWireFormat.INSTANCE.codec(VideoFrame.class);

    private static TextEvent textEvent(String source, long time) {
        return TextEvent.newBuilder()
                .setSourceId(source)
                .setEventTime(Instant.ofEpochMilli(time))
                .setKind(TextKind.MACHINE_LOG)
                .setText("spindle temperature 71")
                .setAttributes(Map.of("machine", "m-1", "shift", "b"))
                .setFeatures(Map.of("temperature", 71.0, "vibration", 0.2))
                .build();
    }

    private static TextEvent with(TextEvent event, String source, long time) {
        return TextEvent.newBuilder(event)
                .setSourceId(source)
                .setEventTime(Instant.ofEpochMilli(time))
                .build();
    }

    private static TextEvent features(TextEvent event, double value) {
        return TextEvent.newBuilder(event).setFeatures(Map.of("amount", value)).build();
    }

    private static AudioChunk audioChunk(String source, long time) {
        return AudioChunk.newBuilder()
                .setSourceId(source)
                .setSequence(1_000_000)
                .setEventTime(Instant.ofEpochMilli(time))
                .setSampleRate(16_000)
                .setChannels(1)
                .setEncoding(AudioEncoding.PCM_S16LE)
                .setPayload(ByteBuffer.wrap(new byte[] {1, 0, 2, 0}))
                .build();
    }

    private static AudioChunk payload(AudioChunk chunk, byte[] payload) {
        return AudioChunk.newBuilder(chunk).setPayload(ByteBuffer.wrap(payload)).build();
    }

    private static VideoFrame frame(String source, long time, byte[] payload) {
        return VideoFrame.newBuilder()
                .setSourceId(source)
                .setSequence(1_000_000)
                .setEventTime(Instant.ofEpochMilli(time))
                .setWidth(640)
                .setHeight(480)
                .setFormat(FrameFormat.JPEG)
                .setPayload(ByteBuffer.wrap(payload))
                .setRegionOfInterest(new RegionOfInterest(1, 2, 3, 4))
                .build();
    }
}
