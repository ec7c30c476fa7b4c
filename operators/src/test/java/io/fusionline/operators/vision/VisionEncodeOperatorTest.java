package io.fusionline.operators.vision;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.multimodal.vision.VisionEncoder;
import io.fusionline.operators.DeadLetters;
import io.fusionline.schema.media.VideoFrame;
import io.fusionline.schema.ops.DeadLetter;
import io.fusionline.schema.serde.SingleObjectWireFormat;
import io.fusionline.schema.vision.VisionFeatures;
import io.fusionline.schema.vision.VisionTensors;
import io.fusionline.simulation.vision.RandomPatchEncoder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VisionEncodeOperatorTest {

    @TempDir static Path models;
    private static String descriptor;

    @BeforeAll
    static void writeFixtureModel() throws Exception {
        RandomPatchEncoder.write(models, 32, 8, 16, 11);
        descriptor = models.resolve("descriptor.json").toString();
    }

    private static OneInputStreamOperatorTestHarness<VideoFrame, VisionFeatures> harness(
            int batch, long timeoutMillis) throws Exception {
        VisionOptions options =
                VisionOptions.of(descriptor).withBatch(batch, Duration.ofMillis(timeoutMillis));
        var harness =
                new OneInputStreamOperatorTestHarness<>(
                        new VisionEncodeOperator(
                                options, SingleObjectWireFormat.INSTANCE, "frames"));
        harness.open();
        return harness;
    }

    private static void send(
            OneInputStreamOperatorTestHarness<VideoFrame, VisionFeatures> h, VideoFrame f)
            throws Exception {
        h.processElement(new StreamRecord<>(f, f.getEventTime().toEpochMilli()));
    }

    private static int activeTimers(OneInputStreamOperatorTestHarness<?, ?> h) {
        return ((TestProcessingTimeService) h.getProcessingTimeService()).getNumActiveTimers();
    }

    @Test
    void shouldEmitEveryFrameOnceInOrderInFullBatchesThenOnTimeout() throws Exception {
        try (var h = harness(4, 50)) {
            h.setProcessingTime(1_000);
            List<VideoFrame> in = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                in.add(TestFrames.jpeg(i % 2 == 0 ? "cam-a" : "cam-b", i / 2, 10_000 + i));
            }
            for (int i = 0; i < 7; i++) {
                send(h, in.get(i));
            }
            assertThat(h.extractOutputValues()).hasSize(4); // one full batch
            send(h, in.get(7));
            assertThat(h.extractOutputValues()).hasSize(8);
            send(h, in.get(8));
            send(h, in.get(9));
            assertThat(h.extractOutputValues()).hasSize(8);
            assertThat(activeTimers(h)).isEqualTo(1);

            h.setProcessingTime(1_049);
            assertThat(h.extractOutputValues()).hasSize(8);
            h.setProcessingTime(1_050);

            List<VisionFeatures> out = h.extractOutputValues();
            assertThat(out)
                    .extracting(f -> f.getSourceId() + "#" + f.getSequence())
                    .containsExactlyElementsOf(
                            in.stream().map(f -> f.getSourceId() + "#" + f.getSequence()).toList());
            assertThat(out.get(9).getEventTime()).isEqualTo(in.get(9).getEventTime());
            assertThat(out.get(0).getPooled()).hasSize(16);
            assertThat(out.get(0).getPatchCount()).isEqualTo(16);
            assertThat(VisionTensors.patchTokens(out.get(0))).hasSize(16 * 16);
            assertThat(out.get(0).getModel()).startsWith(RandomPatchEncoder.ID + "@");
            assertThat(activeTimers(h)).isZero();
        }
    }

    @Test
    void shouldHoldAWatermarkUntilTheFramesBeforeItAreOut() throws Exception {
        try (var h = harness(8, 20)) {
            h.setProcessingTime(0);
            send(h, TestFrames.jpeg("cam-a", 0, 5_000));
            h.processWatermark(new Watermark(5_000));
            assertThat(h.getOutput()).isEmpty();

            h.setProcessingTime(20);

            ConcurrentLinkedQueue<Object> output = h.getOutput();
            assertThat(output).hasSize(2);
            assertThat(output.poll()).isInstanceOf(StreamRecord.class);
            assertThat(output.poll()).isEqualTo(new Watermark(5_000));

            h.processWatermark(new Watermark(6_000)); // nothing buffered: straight through
            assertThat(h.getOutput()).containsExactly(new Watermark(6_000));
        }
    }

    @Test
    void shouldFlushBeforeACheckpointBarrierSoNoFrameLivesOnlyInMemory() throws Exception {
        try (var h = harness(16, 60_000)) {
            send(h, TestFrames.jpeg("cam-a", 0, 1_000));
            send(h, TestFrames.jpeg("cam-a", 1, 1_001));
            assertThat(h.extractOutputValues()).isEmpty();

            h.prepareSnapshotPreBarrier(1);

            assertThat(h.extractOutputValues())
                    .extracting(VisionFeatures::getSequence)
                    .containsExactly(0L, 1L);
        }
    }

    @Test
    void shouldDeadLetterCorruptFramesAndKeepGoing() throws Exception {
        try (var h = harness(2, 50)) {
            send(h, TestFrames.jpeg("cam-a", 0, 1_000));
            send(h, TestFrames.truncated("cam-a", 1, 1_001));
            send(h, TestFrames.jpeg("cam-a", 2, 1_002));

            assertThat(h.extractOutputValues())
                    .extracting(VisionFeatures::getSequence)
                    .containsExactly(0L, 2L);
            List<DeadLetter> dead = new ArrayList<>();
            h.getSideOutput(DeadLetters.TAG).forEach(r -> dead.add(r.getValue()));
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).getStage()).isEqualTo("vision");
            assertThat(dead.get(0).getReason()).startsWith("frame cam-a#1: corrupt JPEG data");
            assertThat(dead.get(0).getOriginalTopic()).isEqualTo("frames");
        }
    }

    @Test
    void shouldGiveBackTheSharedSessionOnClose() throws Exception {
        int before = VisionEncoder.sessionsOpenNow();
        var h = harness(2, 50);
        assertThat(VisionEncoder.sessionsOpenNow()).isEqualTo(before + 1);
        h.close();
        assertThat(VisionEncoder.sessionsOpenNow()).isEqualTo(before);
    }
}
