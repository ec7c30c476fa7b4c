package io.fusionline.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.jobs.KafkaAccess;
import io.fusionline.runtime.simulate.WorldSimulator;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.decision.DecisionRoute;
import io.fusionline.schema.world.GroundTruth;
import io.fusionline.simulation.fraud.FraudWorld;
import io.fusionline.simulation.inspection.InspectionWorld;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Both worlds end to end through the fusion profile on a real broker and MiniCluster: the simulator
 * publishes frames, logs or payments, spoken notes or calls, and scans; the job encodes them,
 * aligns them per source in event time, fuses them with the built-in models, and commits exactly
 * one decision per item, and its alerts (a subset, same ids) at once.
 */
class FusionPipelineITCase {

    @RegisterExtension
    @Order(1)
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension FLINK = TestJobs.miniCluster();

    private static final Instant START = Instant.parse("2026-11-23T09:00:00Z");

    @Test
    void shouldDecideEveryPartOfTheFactoryLineExactlyOnce() throws Exception {
        Configuration conf = conf("fuse-insp", "inspection");
        try (WorldSimulator simulator = new WorldSimulator(conf)) {
            simulator.run(new InspectionWorld(2, 10_000, 224, 11), 16, 0, START, true, n -> {});
        }
        Map<String, Decision> decisions = WorldPipelines.runAndCheckExactlyOnce(conf, 16);

        assertThat(decisions.values())
                .allSatisfy(d -> assertThat(d.getModalities()).contains("vision", "log"))
                .allSatisfy(
                        d -> assertThat(d.getModel()).startsWith("fusionline-inspection-fusion@"));
        TestJobs.assertMostSpokenNotesHeard(WorldPipelines.truth(conf), decisions);
        assertThat(
                        decisions.values().stream()
                                .filter(d -> d.getRoute() == DecisionRoute.FUSION)
                                .filter(d -> d.getModalities().size() > 1))
                .allSatisfy(d -> assertThat(d.getVisionEvidence().getPatches()).hasSize(5));
    }

    @Test
    void shouldScoreEveryPaymentOfTheFraudDeskExactlyOnce() throws Exception {
        Configuration conf = conf("fuse-fraud", "fraud");
        try (WorldSimulator simulator = new WorldSimulator(conf)) {
            simulator.run(new FraudWorld(3, 10_000, 4), 24, 0, START, true, n -> {});
        }
        Map<String, Decision> decisions = WorldPipelines.runAndCheckExactlyOnce(conf, 24);

        assertThat(decisions.values())
                .allSatisfy(d -> assertThat(d.getModalities()).contains("transaction"))
                .allSatisfy(
                        d ->
                                assertThat(d.getClassProbabilities().get("fraud"))
                                        .isEqualTo(d.getScore()));
        // a payment alone is the payment head's; every window was scored as its inputs arrived
        assertThat(decisions.values())
                .filteredOn(d -> d.getModalities().equals(List.of("transaction")))
                .isNotEmpty()
                .allSatisfy(d -> assertThat(d.getRoute()).isEqualTo(DecisionRoute.HEAD));
        Set<String> scored =
                new KafkaTestClients(KafkaAccess.of(conf))
                                .readAllCommitted(
                                        conf.get(FusionlineJobOptions.SCORES_TOPIC), Decision.class)
                                .stream()
                                .filter(Decision::getProvisional)
                                .map(Decision::getDecisionId)
                                .collect(Collectors.toSet());
        assertThat(scored)
                .containsAll(decisions.values().stream().map(Decision::getDecisionId).toList());
        for (GroundTruth t : WorldPipelines.truth(conf)) {
            Decision d = decisions.get(TestJobs.itemKey(t));
            assertThat(d.getModalities().contains("vision"))
                    .as("document of %s: %s", TestJobs.itemKey(t), d)
                    .isEqualTo(t.getAttributes().containsKey("tampering"));
        }

        // A fresh job over the same inputs (another consumer group, transactional ids and output
        // topics): the same windows, so the same decision ids with the same outcomes.
        Configuration again = new Configuration(conf);
        again.set(FusionlineJobOptions.CONSUMER_GROUP, "fuse-fraud-again");
        again.set(FusionlineJobOptions.TRANSACTIONAL_ID_PREFIX, "fuse-fraud-again");
        again.set(FusionlineJobOptions.DECISIONS_TOPIC, "fuse-fraud-again-decisions");
        again.set(FusionlineJobOptions.ALERTS_TOPIC, "fuse-fraud-again-alerts");
        again.set(FusionlineJobOptions.TRANSCRIPTS_TOPIC, "fuse-fraud-again-transcripts");
        again.set(FusionlineJobOptions.VISION_FEATURES_TOPIC, "fuse-fraud-again-features");
        KAFKA.createTopics(
                2,
                "fuse-fraud-again-decisions",
                "fuse-fraud-again-alerts",
                "fuse-fraud-again-transcripts",
                "fuse-fraud-again-features");
        Map<String, Decision> rerun = WorldPipelines.runAndCheckExactlyOnce(again, 24);
        assertThat(rerun.values())
                .extracting(d -> d.getDecisionId() + "=" + d.getLabel())
                .containsExactlyInAnyOrderElementsOf(
                        decisions.values().stream()
                                .map(d -> d.getDecisionId() + "=" + d.getLabel())
                                .toList());
    }

    private static Configuration conf(String test, String profile) {
        return TestJobs.worldConf(KAFKA, test, profile);
    }
}
