package io.fusionline.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.jobs.KafkaAccess;
import io.fusionline.multimodal.fusion.FusionTranslator;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.decision.DecisionAction;
import io.fusionline.schema.ops.DeadLetter;
import io.fusionline.schema.world.GroundTruth;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;

/**
 * Runs a world's job over what the simulator published, through the job's own Kafka access
 * (plaintext or secured), and checks exactly one decision per item and consistent alerts.
 */
final class WorldPipelines {

    private WorldPipelines() {}

    /**
     * Runs the job over what the simulator published; checks one committed decision per ground
     * truth item (matched by source and event time), unique ids, alerts = the decisions that stop
     * or block, and no dead letters. Returns the decisions by item key.
     */
    static Map<String, Decision> runAndCheckExactlyOnce(Configuration conf, int items)
            throws Exception {
        TestJobs.runOverWhatIsThere(
                TestJobs.environment(conf), conf, conf.get(FusionlineJobOptions.PROFILE) + "-it");

        KafkaTestClients kafka = new KafkaTestClients(KafkaAccess.of(conf));
        List<Decision> decisions =
                kafka.readAllCommitted(
                        conf.get(FusionlineJobOptions.DECISIONS_TOPIC), Decision.class);
        List<Decision> alerts =
                kafka.readAllCommitted(conf.get(FusionlineJobOptions.ALERTS_TOPIC), Decision.class);
        List<DeadLetter> dead =
                kafka.readAllCommitted(
                        conf.get(FusionlineJobOptions.DEAD_LETTERS_TOPIC), DeadLetter.class);
        List<GroundTruth> truth = truth(conf);

        assertThat(dead).extracting(DeadLetter::getReason).isEmpty();
        Map<String, Decision> byItem = TestJobs.decidedOncePerItem(decisions, truth, items);
        List<Decision> stopping =
                decisions.stream()
                        .filter(
                                d ->
                                        d.getAction() == DecisionAction.STOP_LINE
                                                || d.getAction() == DecisionAction.BLOCK)
                        .toList();
        // alerts: provisional ones while windows are open, then each id's decision
        Set<String> ids =
                decisions.stream().map(Decision::getDecisionId).collect(Collectors.toSet());
        List<Decision> provisional = alerts.stream().filter(Decision::getProvisional).toList();
        List<Decision> last = alerts.stream().filter(a -> !a.getProvisional()).toList();
        assertThat(alerts).extracting(Decision::getDecisionId).allMatch(ids::contains);
        assertThat(last.stream().filter(FusionTranslator::isAlert).toList())
                .containsExactlyInAnyOrderElementsOf(stopping);
        assertThat(decisions).containsAll(last);
        Set<String> provisionalIds =
                provisional.stream().map(Decision::getDecisionId).collect(Collectors.toSet());
        assertThat(last.stream().filter(a -> !FusionTranslator.isAlert(a)))
                .extracting(Decision::getDecisionId)
                .allMatch(provisionalIds::contains); // a clear follows a provisional alert
        assertThat(last).extracting(Decision::getDecisionId).containsAll(provisionalIds);
        if (!stopping.isEmpty()) {
            assertThat(provisional).isNotEmpty();
        }
        System.out.printf(
                "%s: %d decisions, %d stop/block, %d provisional alerts (%d ids), %d cleared%n",
                conf.get(FusionlineJobOptions.PROFILE),
                decisions.size(),
                stopping.size(),
                provisional.size(),
                provisionalIds.size(),
                last.size() - stopping.size());
        return byItem;
    }

    static List<GroundTruth> truth(Configuration conf) {
        return new KafkaTestClients(KafkaAccess.of(conf))
                .readAllCommitted(
                        conf.get(FusionlineJobOptions.GROUND_TRUTH_TOPIC), GroundTruth.class);
    }
}
