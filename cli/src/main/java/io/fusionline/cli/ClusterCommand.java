package io.fusionline.cli;

import io.fusionline.jobs.KafkaAccess;
import io.fusionline.runtime.LocalRuntime;
import io.fusionline.runtime.cluster.FlinkRestClient;
import io.fusionline.runtime.cluster.JobJarArguments;
import io.fusionline.runtime.cluster.LocalClusterOptions;
import io.fusionline.runtime.cluster.LocalFlinkCluster;
import io.fusionline.runtime.kafka.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fusionline cluster}: the demo on a real standalone Flink cluster (JobManager and
 * TaskManagers as separate JVMs) instead of a MiniCluster, with the job submitted as its job jar
 * over the REST API.
 */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        description = {
            "Starts a real Kafka broker (KRaft, on 127.0.0.1) and a standalone Flink session "
                    + "cluster on this machine: one JobManager and N TaskManagers, each its own "
                    + "JVM started from Flink's jars alone. Uploads the fusionline job jar over "
                    + "the REST API, runs it, publishes the simulated world through it and prints "
                    + "each decision, alert, transcript and dead letter as it is committed.",
            "Checkpoints, savepoints, configuration and logs stay in the work folder "
                    + "(printed at start). Ctrl-C cancels the job and stops everything."
        })
final class ClusterCommand implements Callable<Integer> {

    private static final Duration RUNNING_TIMEOUT = Duration.ofMinutes(3);

    @Mixin WorldRunOptions world;

    @Option(
            names = "--task-managers",
            paramLabel = "N",
            defaultValue = "2",
            description = "TaskManager processes (default: ${DEFAULT-VALUE}).")
    int taskManagers;

    @Option(
            names = "--slots",
            paramLabel = "N",
            defaultValue = "1",
            description = "Task slots per TaskManager (default: ${DEFAULT-VALUE}).")
    int slots;

    @Option(
            names = "--parallelism",
            paramLabel = "N",
            description = "Parallelism of the job (default: all slots).")
    Integer parallelism;

    @Option(
            names = "--state-backend",
            paramLabel = "NAME",
            defaultValue = "hashmap",
            description = "hashmap (state on the heap) or rocksdb (default: ${DEFAULT-VALUE}).")
    String stateBackend;

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            description =
                    "Folder for configuration, logs and checkpoints (default: a new one in"
                            + " the temporary folder).")
    Path workDir;

    @Option(
            names = "--job-jar",
            paramLabel = "JAR",
            description =
                    "Job jar to submit (default: the build's deploy/target/job/fusionline-job.jar).")
    Path jobJar;

    @Override
    public Integer call() throws Exception {
        Configuration conf = world.jobConfiguration("cluster");
        Path jar = jobJar != null ? jobJar : LocalFlinkCluster.defaultJobJar();
        world.check(
                Files.isRegularFile(jar), "no job jar at " + jar + " (build it or pass --job-jar)");
        int p = parallelism != null ? parallelism : taskManagers * slots;
        world.check(
                p >= 1 && p <= taskManagers * slots,
                "--parallelism must be 1.." + taskManagers * slots + " (the cluster's slots)");
        LocalClusterOptions options;
        try {
            options =
                    LocalClusterOptions.defaults(
                                    workDir != null
                                            ? workDir
                                            : Files.createTempDirectory("fusionline-cluster-"))
                            .withTaskManagers(taskManagers, slots)
                            .withStateBackend(stateBackend)
                            .withRestPort(world.webPort);
        } catch (IllegalArgumentException e) {
            world.check(false, e.getMessage());
            return 2;
        }

        long started = System.nanoTime();
        System.err.printf(
                "fusionline cluster: %s, a JobManager and %d TaskManager(s) in %s ...%n",
                world.bootstrap == null
                        ? "an embedded Kafka broker"
                        : "Kafka at " + world.bootstrap,
                taskManagers,
                options.workDir());
        try (EmbeddedKafkaBroker broker = LocalRuntime.prepareKafka(conf, world.secure);
                LocalFlinkCluster cluster = LocalFlinkCluster.start(options)) {
            FlinkRestClient rest = cluster.rest();
            String jarId = rest.uploadJar(jar);
            String jobId = rest.runJar(jarId, JobJarArguments.of(conf), p, null);
            FlinkRestClient.await(
                    "job " + jobId + " to run", RUNNING_TIMEOUT, () -> rest.allTasksRunning(jobId));
            world.drive(
                    conf,
                    String.format(
                            "Kafka %s (%s) | Flink web UI %s | job %s, parallelism %d, %s state |"
                                    + " Prometheus on ports %s (one per Flink process)",
                            KafkaAccess.of(conf),
                            broker != null ? "embedded" : "external",
                            cluster.webUiUrl(),
                            jobId,
                            p,
                            options.stateBackend(),
                            LocalFlinkCluster.PROMETHEUS_PORTS),
                    started,
                    () -> {
                        cancelQuietly(rest, jobId);
                        cluster.close();
                        if (broker != null) {
                            broker.close();
                        }
                    });
            cancelQuietly(rest, jobId);
        }
        return 0;
    }

    private static void cancelQuietly(FlinkRestClient rest, String jobId) {
        try {
            rest.cancel(jobId);
        } catch (RuntimeException ignored) {
            // the cluster may already be stopping
        }
    }
}
