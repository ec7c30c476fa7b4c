package io.fusionline.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.multimodal.fusion.FusionTranslator;
import io.fusionline.operators.Profile;
import io.fusionline.runtime.cluster.FlinkRestClient;
import io.fusionline.runtime.cluster.JobJarArguments;
import io.fusionline.runtime.cluster.LocalClusterOptions;
import io.fusionline.runtime.cluster.LocalFlinkCluster;
import io.fusionline.runtime.kafka.FusionlineTopics;
import io.fusionline.runtime.simulate.WorldSimulator;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.ops.DeadLetter;
import io.fusionline.schema.text.Transcript;
import io.fusionline.schema.text.TranscriptKind;
import io.fusionline.schema.world.GroundTruth;
import io.fusionline.simulation.inspection.InspectionWorld;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The factory line on a real standalone cluster (JobManager and two TaskManagers as separate JVMs,
 * the job submitted as its shaded jar over REST) while the simulator keeps publishing frames, logs
 * and spoken notes:
 *
 * <ol>
 *   <li>three times, at a random moment (after a random number of checkpoints and items), the
 *       TaskManager running the job gets SIGKILL; a new one is started, as a supervisor would; the
 *       job must restore from its last checkpoint and run again;
 *   <li>stop-with-savepoint, restart at parallelism 2 from it, again at parallelism 1;
 *   <li>the simulator stops; every ground-truth item must then have exactly one committed decision
 *       (none lost, none duplicated, none extra), every spoken note exactly one final transcript
 *       per utterance number with numbers 1..k per line (the recognizer's state, and utterances in
 *       flight, survived), and no dead letters.
 * </ol>
 *
 * Recovery times are printed and written to {@code target/cluster-failover.txt}.
 */
class ClusterFailoverITCase {

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(3);
    private static final int KILLS = 3;
    private static final double ITEMS_PER_SECOND = 1.0;

    @TempDir Path work;

    @Test
    void shouldDecideEveryItemExactlyOnceThroughKillsAndRescaling() throws Exception {
        Configuration conf = conf("cluster-failover");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<String> report = new ArrayList<>();
        report.add("seed " + seed);

        try (LocalFlinkCluster cluster =
                LocalFlinkCluster.start(
                        LocalClusterOptions.defaults(work).withTaskManagers(2, 1))) {
            FlinkRestClient rest = cluster.rest();
            String jar = rest.uploadJar(LocalFlinkCluster.defaultJobJar());
            List<String> args = JobJarArguments.of(conf);
            String job = rest.runJar(jar, args, 1, null);
            awaitRunning(rest, job);

            AtomicLong items = new AtomicLong();
            SimulatorThread simulator = new SimulatorThread(conf, items);
            simulator.start();
            KafkaTestClients kafka = new KafkaTestClients(KAFKA.bootstrapServers());
            String decisionsTopic = conf.get(FusionlineJobOptions.DECISIONS_TOPIC);

            for (int kill = 1; kill <= KILLS; kill++) {
                // A random moment: after 1..3 more checkpoints and 1..5 more published items.
                long checkpoints = rest.completedCheckpoints(job) + 1 + random.nextInt(3);
                long published = items.get() + 1 + random.nextInt(5);
                String finalJob = job;
                FlinkRestClient.await(
                        "checkpoints and items before kill " + kill,
                        RECOVERY_TIMEOUT,
                        () ->
                                rest.completedCheckpoints(finalJob) >= checkpoints
                                        && items.get() >= published);
                List<String> hosts = new ArrayList<>(rest.taskManagersOf(job));
                String victim = hosts.get(random.nextInt(hosts.size()));
                long restores = rest.restores(job);
                long pid = cluster.pid(victim);

                long killed = System.nanoTime();
                cluster.killTaskManager(victim);
                String replacement = cluster.startTaskManager();
                FlinkRestClient.await(
                        "job " + job + " to restore after kill " + kill,
                        RECOVERY_TIMEOUT,
                        () -> rest.restores(finalJob) > restores && rest.allTasksRunning(finalJob));
                double running = (System.nanoTime() - killed) / 1e9;
                long afterRestore = rest.completedCheckpoints(job);
                FlinkRestClient.await(
                        "a checkpoint after kill " + kill,
                        RECOVERY_TIMEOUT,
                        () -> rest.completedCheckpoints(finalJob) > afterRestore);
                double checkpointed = (System.nanoTime() - killed) / 1e9;
                report.add(
                        String.format(
                                "kill %d: SIGKILL %s (pid %d) at %d items; restored from"
                                        + " checkpoint and running after %.1f s; next checkpoint"
                                        + " after %.1f s; replacement %s",
                                kill,
                                victim,
                                pid,
                                items.get(),
                                running,
                                checkpointed,
                                replacement));
            }
            cluster.awaitTaskManagers(2);

            for (int parallelism : new int[] {2, 1}) {
                int before = kafka.readAllCommitted(decisionsTopic, Decision.class).size();
                long started = System.nanoTime();
                String savepoint =
                        rest.stopWithSavepoint(
                                job,
                                cluster.options().savepoints().toUri().toString(),
                                RECOVERY_TIMEOUT);
                job = rest.runJar(jar, args, parallelism, savepoint);
                awaitRunning(rest, job);
                assertThat(rest.restores(job)).as("restored from %s", savepoint).isEqualTo(1);
                report.add(
                        String.format(
                                "rescale to %d: savepoint %s; running after %.1f s",
                                parallelism, savepoint, (System.nanoTime() - started) / 1e9));
                // Progress at the new parallelism before the next step.
                kafka.awaitCommitted(decisionsTopic, Decision.class, before + 4, RECOVERY_TIMEOUT);
            }

            simulator.finish();
            List<GroundTruth> truth =
                    kafka.readAllCommitted(
                            conf.get(FusionlineJobOptions.GROUND_TRUTH_TOPIC), GroundTruth.class);
            assertThat(truth.size()).as("items published").isGreaterThanOrEqualTo(20);
            // Idle windows close on the processing-time fallback: every item gets decided.
            kafka.awaitCommitted(decisionsTopic, Decision.class, truth.size(), RECOVERY_TIMEOUT);
            List<Decision> decisions = kafka.readAllCommitted(decisionsTopic, Decision.class);
            Set<String> running = rest.taskManagersOf(job);
            for (String tm : cluster.taskManagerIds()) {
                report.add(
                        String.format(
                                "%s (%s): resident memory %d MB",
                                tm,
                                running.contains(tm) ? "runs the job" : "idle",
                                residentMegabytes(cluster.pid(tm))));
            }
            rest.cancel(job);

            Map<String, Long> perItem =
                    decisions.stream()
                            .collect(
                                    Collectors.groupingBy(
                                            TestJobs::itemKey, Collectors.counting()));
            long duplicated = perItem.values().stream().filter(c -> c > 1).count();
            List<String> keys = truth.stream().map(TestJobs::itemKey).toList();
            long lost = keys.stream().filter(k -> !perItem.containsKey(k)).count();
            report.add(
                    String.format(
                            "%d kills, 2 rescales (1 -> 2 -> 1): %d items, %d decisions, %d lost,"
                                    + " %d duplicated",
                            KILLS, truth.size(), decisions.size(), lost, duplicated));
            writeReport(report);

            assertThat(decisions).extracting(Decision::getDecisionId).doesNotHaveDuplicates();
            assertThat(perItem.keySet()).containsExactlyInAnyOrderElementsOf(keys);
            assertThat(decisions).hasSameSizeAs(truth);
            assertThat(
                            kafka.readAllCommitted(
                                    conf.get(FusionlineJobOptions.DEAD_LETTERS_TOPIC),
                                    DeadLetter.class))
                    .extracting(DeadLetter::getReason)
                    .isEmpty();
            checkTranscripts(kafka, conf, truth, decisions);
            // at-least-once alerts, provisional ones included, name decisions that exist, across
            // kills and rescales; every decision that stops the line reached the alerts topic
            List<Decision> alerts =
                    kafka.readAllCommitted(
                            conf.get(FusionlineJobOptions.ALERTS_TOPIC), Decision.class);
            Set<String> ids =
                    decisions.stream().map(Decision::getDecisionId).collect(Collectors.toSet());
            assertThat(alerts).extracting(Decision::getDecisionId).allMatch(ids::contains);
            assertThat(alerts.stream().filter(a -> !a.getProvisional()))
                    .extracting(Decision::getDecisionId)
                    .containsAll(
                            decisions.stream()
                                    .filter(FusionTranslator::isAlert)
                                    .map(Decision::getDecisionId)
                                    .toList());
        }
    }

    /**
     * Final transcripts: exactly one per utterance (none transcribed twice after a restore), and
     * most spoken notes reached their item's decision (utterances in flight at a kill or a
     * savepoint were replayed, not lost; Vosk itself misses a few, as in the MiniCluster test).
     */
    private static void checkTranscripts(
            KafkaTestClients kafka,
            Configuration conf,
            List<GroundTruth> truth,
            List<Decision> decisions) {
        List<Transcript> finals =
                kafka
                        .readAllCommitted(
                                conf.get(FusionlineJobOptions.TRANSCRIPTS_TOPIC), Transcript.class)
                        .stream()
                        .filter(t -> t.getKind() == TranscriptKind.FINAL)
                        .toList();
        assertThat(finals).isNotEmpty();
        // An utterance transcribed again after a restore (replayed audio whose final was already
        // committed) would show up as a second final of the same source and start time.
        assertThat(finals)
                .extracting(t -> t.getSourceId() + "@" + t.getStartTime())
                .doesNotHaveDuplicates();
        TestJobs.assertMostSpokenNotesHeard(
                truth,
                decisions.stream()
                        .collect(Collectors.toMap(TestJobs::itemKey, Function.identity())));
    }

    /** VmRSS of a process from {@code /proc}, in MB; -1 where it cannot be read. */
    private static long residentMegabytes(long pid) {
        try {
            for (String line :
                    Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }

    private static void awaitRunning(FlinkRestClient rest, String job) {
        FlinkRestClient.await(
                "job " + job + " to run", RECOVERY_TIMEOUT, () -> rest.allTasksRunning(job));
    }

    private static void writeReport(List<String> report) throws IOException {
        report.forEach(line -> System.out.println("[cluster-failover] " + line));
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            Files.write(target.resolve("cluster-failover.txt"), report);
        }
    }

    private static Configuration conf(String test) {
        Configuration conf = TestJobs.jobConf(KAFKA.bootstrapServers(), test);
        conf.set(FusionlineJobOptions.PROFILE, Profile.INSPECTION);
        conf.removeConfig(FusionlineJobOptions.VISION_MODEL);
        conf.set(FusionlineJobOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
        FusionlineTopics.namedAfter(conf, test);
        FusionlineJobOptions.validate(conf);
        KAFKA.createTopics(2, FusionlineTopics.names(conf).toArray(String[]::new));
        return conf;
    }

    /**
     * Publishes the factory line (4 lines, spoken notes on) at {@value #ITEMS_PER_SECOND} items per
     * second until {@link #finish}, which lets the item being published complete, so every
     * ground-truth record stands for a whole item.
     */
    private static final class SimulatorThread extends Thread {
        private final Configuration conf;
        private final AtomicLong items;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean stop;

        SimulatorThread(Configuration conf, AtomicLong items) {
            super("simulator");
            this.conf = conf;
            this.items = items;
            setDaemon(true);
        }

        @Override
        public void run() {
            try (WorldSimulator simulator = new WorldSimulator(conf)) {
                simulator.run(
                        new InspectionWorld(4, 10_000, 224, 7),
                        Long.MAX_VALUE,
                        ITEMS_PER_SECOND,
                        Instant.parse("2026-11-23T09:00:00Z"),
                        true,
                        n -> {
                            items.set(n);
                            if (stop) {
                                throw new CancellationException("finished");
                            }
                        });
            } catch (CancellationException expected) {
                // finish() asked for it
            } catch (Throwable t) {
                failure.set(t);
            }
        }

        void finish() throws InterruptedException {
            stop = true;
            join(Duration.ofMinutes(1).toMillis());
            assertThat(isAlive()).as("simulator stopped").isFalse();
            assertThat(failure.get()).as("simulator failure").isNull();
        }
    }
}
