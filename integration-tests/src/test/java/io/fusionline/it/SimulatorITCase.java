package io.fusionline.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.runtime.simulate.WorldSimulator;
import io.fusionline.schema.media.AudioChunk;
import io.fusionline.schema.media.VideoFrame;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import io.fusionline.schema.world.GroundTruth;
import io.fusionline.simulation.fraud.FraudCase;
import io.fusionline.simulation.fraud.FraudWorld;
import io.fusionline.simulation.inspection.InspectionItem;
import io.fusionline.simulation.inspection.InspectionWorld;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The simulator against a real broker: exactly the configured number of items, each with its frame,
 * machine log and ground truth, the truth equal to the world's for the seed, and the voice notes
 * spoken into the audio topic with contiguous per-line sequence numbers.
 */
class SimulatorITCase {

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Instant START = Instant.parse("2026-11-23T06:00:00Z");

    @Test
    void shouldPublishExactlyTheConfiguredWorldWithItsGroundTruth() throws Exception {
        Configuration conf = topics("sim");
        AtomicLong reported = new AtomicLong();

        try (WorldSimulator simulator = new WorldSimulator(conf)) {
            simulator.run(new InspectionWorld(2, 1000, 128, 3), 24, 0, START, true, reported::set);
        }

        List<InspectionItem> expected = new ArrayList<>();
        InspectionWorld world = new InspectionWorld(2, 1000, 128, 3);
        for (int i = 0; i < 24; i++) {
            expected.add(world.next());
        }
        KafkaTestClients kafka = new KafkaTestClients(KAFKA.bootstrapServers());
        List<GroundTruth> truth = kafka.readAllCommitted("sim-truth", GroundTruth.class);
        List<VideoFrame> frames = kafka.readAllCommitted("sim-frames", VideoFrame.class);
        List<TextEvent> logs =
                kafka.readAllCommitted(
                        conf.get(FusionlineJobOptions.TEXT_EVENTS_TOPIC), TextEvent.class);
        List<AudioChunk> audio = kafka.readAllCommitted("sim-audio", AudioChunk.class);

        assertThat(reported).hasValue(24);
        assertThat(truth).hasSize(24);
        assertThat(frames).hasSize(24);
        assertThat(logs)
                .hasSize(24)
                .allSatisfy(e -> assertThat(e.getKind()).isEqualTo(TextKind.MACHINE_LOG));
        Comparator<GroundTruth> order =
                Comparator.comparing(GroundTruth::getSourceId)
                        .thenComparing(GroundTruth::getSequence);
        assertThat(
                        truth.stream()
                                .sorted(order)
                                .map(
                                        t ->
                                                t.getSourceId()
                                                        + "#"
                                                        + t.getSequence()
                                                        + "="
                                                        + t.getLabel()))
                .containsExactlyElementsOf(
                        expected.stream()
                                .sorted(
                                        Comparator.comparing(InspectionItem::lineId)
                                                .thenComparing(InspectionItem::sequence))
                                .map(
                                        i ->
                                                i.lineId()
                                                        + "#"
                                                        + i.sequence()
                                                        + "="
                                                        + i.defect().label())
                                .toList());
        assertThat(truth)
                .filteredOn(t -> t.getSourceId().equals("line-2") && t.getSequence() == 3)
                .singleElement()
                .satisfies(t -> assertThat(t.getEventTime()).isEqualTo(START.plusMillis(3_500)));
        assertThat(frames)
                .filteredOn(f -> f.getSourceId().equals("line-1"))
                .extracting(VideoFrame::getSequence)
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);

        long notes = expected.stream().filter(i -> i.voiceNote() != null).count();
        assertThat(notes).isPositive();
        for (String line : List.of("line-1", "line-2")) {
            List<Long> sequences =
                    audio.stream()
                            .filter(c -> c.getSourceId().equals(line))
                            .map(AudioChunk::getSequence)
                            .toList();
            for (int k = 0; k < sequences.size(); k++) {
                assertThat(sequences.get(k)).isEqualTo(k);
            }
        }
        assertThat(audio.size()).isGreaterThanOrEqualTo((int) notes * 4); // ≥ 1 s of audio per note
    }

    @Test
    void shouldPublishTheFraudWorldWithItsGroundTruth() throws Exception {
        Configuration conf = topics("simf");

        try (WorldSimulator simulator = new WorldSimulator(conf)) {
            simulator.run(new FraudWorld(3, 1000, 9), 60, 0, START, true, n -> {});
        }

        FraudWorld world = new FraudWorld(3, 1000, 9);
        List<FraudCase> expected = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            expected.add(world.next());
        }
        KafkaTestClients kafka = new KafkaTestClients(KAFKA.bootstrapServers());
        List<GroundTruth> truth = kafka.readAllCommitted("simf-truth", GroundTruth.class);
        List<TextEvent> payments =
                kafka.readAllCommitted(
                        conf.get(FusionlineJobOptions.TEXT_EVENTS_TOPIC), TextEvent.class);
        List<VideoFrame> documents = kafka.readAllCommitted("simf-frames", VideoFrame.class);
        List<AudioChunk> calls = kafka.readAllCommitted("simf-audio", AudioChunk.class);

        assertThat(payments)
                .hasSize(60)
                .allSatisfy(e -> assertThat(e.getKind()).isEqualTo(TextKind.TRANSACTION));
        assertThat(
                        truth.stream()
                                .map(
                                        t ->
                                                t.getSourceId()
                                                        + "#"
                                                        + t.getSequence()
                                                        + "="
                                                        + t.getLabel())
                                .sorted())
                .containsExactlyElementsOf(
                        expected.stream()
                                .map(
                                        c ->
                                                c.accountId()
                                                        + "#"
                                                        + c.sequence()
                                                        + "="
                                                        + (c.fraud() ? "fraud" : "ok"))
                                .sorted()
                                .toList());
        assertThat(documents)
                .hasSize((int) expected.stream().filter(c -> c.document() != null).count());
        assertThat(calls.size() > 0)
                .isEqualTo(expected.stream().anyMatch(c -> c.callRemark() != null));
    }

    /** A job configuration whose simulator topics are named {@code <prefix>-...}, created. */
    private static Configuration topics(String prefix) {
        Configuration conf = TestJobs.jobConf(KAFKA.bootstrapServers(), prefix);
        conf.set(FusionlineJobOptions.FRAMES_TOPIC, prefix + "-frames");
        conf.set(FusionlineJobOptions.AUDIO_TOPIC, prefix + "-audio");
        conf.set(FusionlineJobOptions.GROUND_TRUTH_TOPIC, prefix + "-truth");
        KAFKA.createTopics(
                2,
                prefix + "-frames",
                prefix + "-audio",
                prefix + "-truth",
                conf.get(FusionlineJobOptions.TEXT_EVENTS_TOPIC));
        return conf;
    }
}
