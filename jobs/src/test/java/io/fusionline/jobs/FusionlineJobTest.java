package io.fusionline.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.multimodal.ocr.TextRecognizer;
import io.fusionline.operators.Profile;
import io.fusionline.operators.kafka.RawRecord;
import io.fusionline.operators.vision.VisionOptions;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.media.FrameFormat;
import io.fusionline.schema.media.VideoFrame;
import io.fusionline.schema.ops.DeadLetter;
import io.fusionline.schema.serde.SingleObjectWireFormat;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import io.fusionline.schema.vision.VisionFeatures;
import io.fusionline.simulation.vision.RandomPatchEncoder;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job graph with swapped-in sources and sinks on a MiniCluster at parallelism 2: what goes in
 * comes out once, as a decision or a dead letter, in any order.
 */
class FusionlineJobTest {

    /** A minute ago: inside the job's accepted event-time bounds. */
    private static final long T0 = System.currentTimeMillis() - 60_000;

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    /**
     * Savepoints map state to operators by uid: the full graph (speech, vision, OCR, fusion) keeps
     * exactly these, whatever the code that builds it looks like.
     */
    @Test
    void shouldKeepEveryOperatorUidOfTheFullGraph() {
        Configuration conf = new Configuration();
        conf.set(FusionlineJobOptions.PROFILE, Profile.INSPECTION);
        conf.set(FusionlineJobOptions.OCR_SOURCES, "id-desk");
        java.util.Set<String> uids = uids(conf);
        assertThat(uids)
                .containsExactlyInAnyOrder(
                        "source-text-events",
                        "decode-text-events",
                        "event-time-text-events",
                        "source-audio",
                        "decode-audio",
                        "event-time-audio",
                        "asr",
                        "sink-transcripts",
                        "final-transcripts",
                        "transcripts-as-text",
                        "source-frames",
                        "decode-frames",
                        "event-time-frames",
                        "vision-encode",
                        "sink-vision-features",
                        "ocr",
                        "text-encode",
                        "text-to-alignment",
                        "vision-to-alignment",
                        "align",
                        "fuse",
                        "sink-decisions",
                        "alerts",
                        "sink-alerts",
                        "dead-letter-metrics",
                        "sink-dead-letters");
    }

    /**
     * The fraud profile routes windows: the payment head and the bridge are stages of their own
     * (uids {@code fuse-head} and {@code fuse}) behind {@code route}, and the scores at arrival
     * have their sink.
     */
    @Test
    void shouldKeepEveryOperatorUidOfTheRoutedFraudGraph() {
        Configuration conf = new Configuration();
        conf.set(FusionlineJobOptions.PROFILE, Profile.FRAUD);
        assertThat(uids(conf))
                .contains("route", "fuse-head", "fuse", "sink-scores", "align", "alerts");
        conf.set(FusionlineJobOptions.FUSION_HEAD, "none");
        assertThat(uids(conf)).contains("fuse", "sink-scores").doesNotContain("route", "fuse-head");
    }

    /** The operator uids of the graph {@code conf} gives, every source and sink swapped. */
    private static java.util.Set<String> uids(Configuration conf) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        var none =
                new DataGeneratorSource<>(
                        new RawRecords(List.of()), 0, TypeInformation.of(RawRecord.class));
        var builder =
                FusionlineJob.builder()
                        .options(conf)
                        .textEvents(none)
                        .frames(none)
                        .decisions(new CollectingSink<>("d"))
                        .alerts(new CollectingSink<>("a"))
                        .visionFeatures(new CollectingSink<>("v"))
                        .deadLetters(new CollectingSink<>("x"));
        if (conf.get(FusionlineJobOptions.SPEECH_ENABLED)) {
            builder.audio(none).transcripts(new CollectingSink<>("t"));
        }
        if (conf.get(FusionlineJobOptions.PROFILE) == Profile.FRAUD) {
            builder.scores(new CollectingSink<>("s"));
        }
        builder.build().addTo(env);
        java.util.Set<String> uids = new java.util.TreeSet<>();
        for (var node : env.getStreamGraph().getStreamNodes()) {
            if (node.getTransformationUID() != null) {
                uids.add(node.getTransformationUID());
            }
        }
        return uids;
    }

    @Test
    void shouldDecideValidEventsAndDeadLetterTheRestWithSwappedConnectors() throws Exception {
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            values.add(
                    SingleObjectWireFormat.INSTANCE
                            .codec(TextEvent.class)
                            .encode(
                                    TextEvent.newBuilder()
                                            .setSourceId("line-" + (i % 3))
                                            .setEventTime(Instant.ofEpochMilli(T0 + 1_000L + i))
                                            .setKind(TextKind.OPERATOR_NOTE)
                                            .setText(i == 4 ? "cracked housing" : "fine")
                                            .setAttributes(Map.of())
                                            .setFeatures(Map.of())
                                            .build()));
        }
        values.add("junk".getBytes(StandardCharsets.UTF_8));
        CollectingSink<Decision> decisions = new CollectingSink<>("decisions");
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>("dead-letters");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        FusionlineJob.builder()
                .textEvents(
                        new DataGeneratorSource<>(
                                new RawRecords(values),
                                values.size(),
                                TypeInformation.of(RawRecord.class)))
                .decisions(decisions)
                .deadLetters(deadLetters)
                .build()
                .addTo(env);
        env.execute("job-test");

        // Events of one source arrive over two source readers here, so their order (and the
        // epoch in the ids) varies; in production a source's events share one Kafka partition.
        List<Decision> out = decisions.collected();
        assertThat(out).hasSize(9);
        assertThat(out).extracting(Decision::getDecisionId).doesNotHaveDuplicates();
        for (String source : List.of("line-0", "line-1", "line-2")) {
            List<Decision> ofSource =
                    out.stream().filter(d -> d.getSourceId().equals(source)).toList();
            assertThat(ofSource)
                    .extracting(Decision::getSequence)
                    .containsExactlyInAnyOrder(1L, 2L, 3L);
            assertThat(ofSource.stream().map(d -> d.getDecisionId().split("/")[1]).distinct())
                    .hasSize(1);
        }
        assertThat(out)
                .filteredOn(d -> d.getLabel().equals("crack"))
                .singleElement()
                .satisfies(d -> assertThat(d.getSourceId()).isEqualTo("line-1"));
        assertThat(deadLetters.collected())
                .singleElement()
                .satisfies(d -> assertThat(d.getOffset()).isEqualTo(9));
    }

    @Test
    void shouldEncodeFramesReadDocumentsAndDeadLetterBadFrames(@TempDir Path models)
            throws Exception {
        RandomPatchEncoder.write(models, 32, 8, 16, 5);
        var frameCodec = SingleObjectWireFormat.INSTANCE.codec(VideoFrame.class);
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            frames.add(
                    frameCodec.encode(
                            frame("cam-1", i, image("jpg", 64, 48, ""), FrameFormat.JPEG)));
        }
        frames.add(
                frameCodec.encode(
                        frame(
                                "id-desk",
                                0,
                                image("png", 460, 60, "PASSPORT X1234567"),
                                FrameFormat.PNG)));
        byte[] bomb =
                ByteBuffer.allocate(33)
                        .put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
                        .putInt(13)
                        .put("IHDR".getBytes(StandardCharsets.US_ASCII))
                        .putInt(60_000)
                        .putInt(60_000)
                        .array();
        VideoFrame bombFrame = frame("cam-1", 6, bomb, FrameFormat.PNG);
        bombFrame.setWidth(60_000);
        bombFrame.setHeight(60_000);
        frames.add(frameCodec.encode(bombFrame));
        byte[] jpeg = image("jpg", 64, 48, "");
        frames.add(
                frameCodec.encode(frame("cam-1", 7, Arrays.copyOf(jpeg, 200), FrameFormat.JPEG)));
        List<byte[]> text =
                List.of(
                        SingleObjectWireFormat.INSTANCE
                                .codec(TextEvent.class)
                                .encode(
                                        TextEvent.newBuilder()
                                                .setSourceId("line-0")
                                                .setEventTime(Instant.ofEpochMilli(T0 + 5_000L))
                                                .setKind(TextKind.OPERATOR_NOTE)
                                                .setText("fine")
                                                .setAttributes(Map.of())
                                                .setFeatures(Map.of())
                                                .build()));
        CollectingSink<Decision> decisions = new CollectingSink<>("decisions-v");
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>("dead-letters-v");
        CollectingSink<VisionFeatures> features = new CollectingSink<>("features-v");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        FusionlineJob.builder()
                .textEvents(
                        new DataGeneratorSource<>(
                                new RawRecords(text),
                                text.size(),
                                TypeInformation.of(RawRecord.class)))
                .frames(
                        new DataGeneratorSource<>(
                                new RawRecords(frames),
                                frames.size(),
                                TypeInformation.of(RawRecord.class)))
                .vision(
                        VisionOptions.of(models.resolve("descriptor.json").toString())
                                .withBatch(4, Duration.ofMillis(20)))
                .visionFeatures(features)
                .ocr(Set.of("id-desk"), TextRecognizer.Layout.SINGLE_LINE)
                .decisions(decisions)
                .deadLetters(deadLetters)
                .build()
                .addTo(env);
        env.execute("vision-job-test");

        assertThat(features.collected())
                .extracting(f -> f.getSourceId() + "#" + f.getSequence())
                .containsExactly(
                        "cam-1#0",
                        "cam-1#1",
                        "cam-1#2",
                        "cam-1#3",
                        "cam-1#4",
                        "cam-1#5",
                        "id-desk#0");
        assertThat(deadLetters.collected())
                .extracting(DeadLetter::getStage)
                .containsExactlyInAnyOrder("validate", "vision");
        assertThat(decisions.collected())
                .extracting(Decision::getSourceId)
                .containsExactlyInAnyOrder("line-0", "id-desk");
    }

    private static VideoFrame frame(
            String source, long sequence, byte[] payload, FrameFormat format) throws Exception {
        int[] size = {0, 0};
        try {
            var header = io.fusionline.multimodal.vision.ImageHeader.read(payload);
            size = new int[] {header.width(), header.height()};
        } catch (io.fusionline.multimodal.vision.ImageFormatException ignored) {
            size = new int[] {64, 48}; // truncated test payloads keep the declared camera size
        }
        return VideoFrame.newBuilder()
                .setSourceId(source)
                .setSequence(sequence)
                .setEventTime(Instant.ofEpochMilli(T0 + 10_000L + sequence))
                .setWidth(size[0])
                .setHeight(size[1])
                .setFormat(format)
                .setPayload(ByteBuffer.wrap(payload))
                .build();
    }

    private static byte[] image(String format, int width, int height, String text)
            throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 26));
        g.drawString(text, 15, 40);
        g.fillRect(0, 0, width / 3, 4);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    /** Record i of a fixed list, as if read from partition 0 at offset i. */
    private static final class RawRecords implements GeneratorFunction<Long, RawRecord> {
        private static final long serialVersionUID = 1L;
        private final ArrayList<byte[]> values;

        RawRecords(List<byte[]> values) {
            this.values = new ArrayList<>(values);
        }

        @Override
        public RawRecord map(Long index) {
            int i = index.intValue();
            return new RawRecord("memory", 0, i, 0L, null, values.get(i));
        }
    }
}
