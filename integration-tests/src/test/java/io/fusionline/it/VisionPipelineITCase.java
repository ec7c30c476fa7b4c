package io.fusionline.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.cli.ingest.FramePublisher;
import io.fusionline.cli.ingest.ImageFolderIngest;
import io.fusionline.cli.ingest.Progress;
import io.fusionline.cli.ingest.VideoIngest;
import io.fusionline.jobs.FusionlineJob;
import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.jobs.KafkaAccess;
import io.fusionline.jobs.KafkaConnectors;
import io.fusionline.multimodal.ocr.TextImages;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.media.FrameFormat;
import io.fusionline.schema.media.VideoFrame;
import io.fusionline.schema.ops.DeadLetter;
import io.fusionline.schema.serde.SingleObjectWireFormat;
import io.fusionline.schema.vision.VisionFeatures;
import io.fusionline.schema.vision.VisionTensors;
import io.fusionline.simulation.vision.RandomPatchEncoder;
import io.fusionline.simulation.vision.VideoFileWriter;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vision end to end on a real broker and MiniCluster: a generated 2 s video ingested at 5 fps and a
 * folder holding an ID-document scan (and a file that is not an image) are published with the
 * ingest tools; a decompression bomb and a truncated JPEG are produced raw. The job encodes every
 * good frame with an ONNX encoder, reads the document with OCR into a text event that becomes a
 * decision, and dead-letters the two bad frames.
 */
class VisionPipelineITCase {

    @RegisterExtension
    @Order(1)
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension FLINK = TestJobs.miniCluster();

    @TempDir Path tmp;

    @Test
    void shouldIngestEncodeReadAndDeadLetterFrames() throws Exception {
        Configuration conf = TestJobs.jobConf(KAFKA.bootstrapServers(), "vision");
        conf.set(FusionlineJobOptions.SPEECH_ENABLED, false);
        conf.set(FusionlineJobOptions.FRAMES_TOPIC, "vision-frames");
        conf.set(FusionlineJobOptions.VISION_FEATURES_TOPIC, "vision-features");
        RandomPatchEncoder.write(tmp.resolve("model"), 32, 8, 16, 3);
        conf.set(
                FusionlineJobOptions.VISION_MODEL, tmp.resolve("model/descriptor.json").toString());
        conf.set(FusionlineJobOptions.VISION_BATCH_SIZE, 4);
        conf.set(FusionlineJobOptions.OCR_SOURCES, "id-desk");
        conf.set(FusionlineJobOptions.OCR_LAYOUT, "SINGLE_LINE");
        FusionlineJobOptions.validate(conf);
        String frames = "vision-frames";
        KAFKA.createTopics(
                2,
                conf.get(FusionlineJobOptions.TEXT_EVENTS_TOPIC),
                frames,
                "vision-features",
                conf.get(FusionlineJobOptions.DECISIONS_TOPIC),
                conf.get(FusionlineJobOptions.DEAD_LETTERS_TOPIC));
        KafkaTestClients kafka = new KafkaTestClients(KAFKA.bootstrapServers());
        Progress.Factory quiet =
                total ->
                        new Progress(
                                new PrintStream(PrintStream.nullOutputStream()),
                                total,
                                "frame",
                                false);
        Instant start = Instant.parse("2026-11-23T08:00:00Z");

        // Ingest: 2 s of 25 fps video sampled at 5 fps is 10 frames.
        Path video = tmp.resolve("line.mp4");
        writeVideo(video, 160, 120, 25, 50);
        long published;
        try (FramePublisher cam = publisher("cam-1")) {
            published = VideoIngest.run(video.toString(), 5, 85, 0, start, cam, quiet);
        }
        assertThat(published).isEqualTo(10);
        Path folder = Files.createDirectories(tmp.resolve("scans"));
        Files.write(folder.resolve("a-passport.png"), TextImages.png("PASSPORT X1234567", 26));
        Files.writeString(folder.resolve("b-notes.txt"), "not an image");
        ImageFolderIngest.Result scans;
        try (FramePublisher desk = publisher("id-desk")) {
            scans =
                    ImageFolderIngest.run(
                            folder,
                            start,
                            Duration.ofSeconds(1),
                            90,
                            desk,
                            quiet,
                            new PrintStream(PrintStream.nullOutputStream()));
        }
        assertThat(scans).isEqualTo(new ImageFolderIngest.Result(1, 1));
        List<VideoFrame> ingested = kafka.readAllCommitted(frames, VideoFrame.class);
        assertThat(ingested)
                .filteredOn(f -> f.getSourceId().equals("cam-1"))
                .extracting(VideoFrame::getSequence)
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(ingested)
                .filteredOn(f -> f.getSequence() == 3 && f.getSourceId().equals("cam-1"))
                .singleElement()
                .satisfies(f -> assertThat(f.getEventTime()).isEqualTo(start.plusMillis(600)));

        // Bad input: a PNG header declaring 60000 x 60000 pixels, and a JPEG cut after its headers.
        var codec = SingleObjectWireFormat.INSTANCE.codec(VideoFrame.class);
        byte[] bomb =
                ByteBuffer.allocate(33)
                        .put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
                        .putInt(13)
                        .put("IHDR".getBytes())
                        .putInt(60_000)
                        .putInt(60_000)
                        .array();
        byte[] jpeg = ingested.get(0).getPayload().array();
        byte[] truncated = java.util.Arrays.copyOf(jpeg, 400);
        kafka.produceRaw(
                frames,
                null,
                List.of("cam-2".getBytes(), "cam-2".getBytes()),
                List.of(
                        codec.encode(frame("cam-2", 0, bomb, FrameFormat.PNG, 60_000, 60_000)),
                        codec.encode(frame("cam-2", 1, truncated, FrameFormat.JPEG, 160, 120))));

        StreamExecutionEnvironment env = TestJobs.environment(conf);
        FusionlineJob.onKafka(conf)
                .textEvents(KafkaConnectors.textEventsSource(conf, OffsetsInitializer.latest()))
                .frames(KafkaConnectors.framesSource(conf, OffsetsInitializer.latest()))
                .build()
                .addTo(env);
        env.executeAsync("vision-it").getJobExecutionResult().get(3, TimeUnit.MINUTES);

        List<VisionFeatures> features =
                kafka.readAllCommitted("vision-features", VisionFeatures.class);
        assertThat(features)
                .filteredOn(f -> f.getSourceId().equals("cam-1"))
                .extracting(VisionFeatures::getSequence)
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(features)
                .extracting(VisionFeatures::getSourceId)
                .containsOnly("cam-1", "id-desk")
                .hasSize(11);
        assertThat(VisionTensors.patchTokens(features.get(0))).hasSize(16 * 16);
        assertThat(features.get(0).getModel()).startsWith(RandomPatchEncoder.ID + "@");

        List<DeadLetter> dead =
                kafka.readAllCommitted(
                        conf.get(FusionlineJobOptions.DEAD_LETTERS_TOPIC), DeadLetter.class);
        assertThat(dead)
                .extracting(DeadLetter::getStage)
                .containsExactlyInAnyOrder("validate", "vision");
        assertThat(dead)
                .filteredOn(d -> d.getStage().equals("validate"))
                .singleElement()
                .satisfies(d -> assertThat(d.getReason()).contains("refused before decoding"));

        List<Decision> decisions =
                kafka.readAllCommitted(
                        conf.get(FusionlineJobOptions.DECISIONS_TOPIC), Decision.class);
        assertThat(decisions)
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.getSourceId()).isEqualTo("id-desk");
                            assertThat(d.getExplanation()).startsWith("ocr: ");
                        });
    }

    private FramePublisher publisher(String source) {
        return new FramePublisher(
                KafkaAccess.plaintext(KAFKA.bootstrapServers()),
                "vision-frames",
                source,
                0,
                SingleObjectWireFormat.INSTANCE);
    }

    private static VideoFrame frame(
            String source, long sequence, byte[] payload, FrameFormat format, int w, int h) {
        return VideoFrame.newBuilder()
                .setSourceId(source)
                .setSequence(sequence)
                .setEventTime(Instant.parse("2026-11-23T08:00:05Z"))
                .setWidth(w)
                .setHeight(h)
                .setFormat(format)
                .setPayload(ByteBuffer.wrap(payload))
                .build();
    }

    private static void writeVideo(Path file, int width, int height, int fps, int frames)
            throws Exception {
        try (VideoFileWriter writer = VideoFileWriter.mp4(file, width, height, fps)) {
            for (int i = 0; i < frames; i++) {
                try (Mat m =
                                new Mat(
                                        height,
                                        width,
                                        opencv_core.CV_8UC3,
                                        new Scalar(40, 90, 30, 0));
                        Point centre = new Point(10 + i * 2, height / 2);
                        Scalar white = new Scalar(255, 255, 255, 0)) {
                    opencv_imgproc.circle(m, centre, 12, white, -1, opencv_imgproc.LINE_8, 0);
                    writer.write(m);
                }
            }
        }
    }
}
