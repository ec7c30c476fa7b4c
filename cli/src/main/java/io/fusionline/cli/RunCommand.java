package io.fusionline.cli;

import io.fusionline.dashboard.DashboardServer;
import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.jobs.KafkaAccess;
import io.fusionline.jobs.KafkaPreflight;
import io.fusionline.runtime.LocalRuntime;
import io.fusionline.runtime.cluster.FlinkRestClient;
import io.fusionline.runtime.cluster.JobJarArguments;
import io.fusionline.runtime.cluster.LocalFlinkCluster;
import io.fusionline.runtime.kafka.FusionlineTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fusionline run}: the job alone on the user's own topics, with no simulator and no sample
 * inputs; on the embedded MiniCluster, or submitted to an existing Flink cluster.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the fusionline job on your own Kafka topics, and nothing else: no simulator, no"
                    + " sample inputs. Producers publish to its input topics (see 'ingest');"
                    + " decisions, alerts and dead letters appear on its output topics.",
            "Without --jobmanager it runs on a Flink MiniCluster in this process, with the web"
                    + " UI, Prometheus metrics and the dashboard on 127.0.0.1; Ctrl-C stops it"
                    + " with a savepoint that --from-savepoint resumes.",
            "Without --bootstrap it starts an embedded Kafka broker and prints its address.",
            "With --jobmanager HOST:PORT it submits the same job jar to that Flink cluster over"
                    + " REST and exits; the cluster's task managers need the --kafka-config file"
                    + " at the same path."
        })
final class RunCommand implements Callable<Integer> {

    private static final Duration SAVEPOINT_TIMEOUT = Duration.ofMinutes(2);

    @Spec CommandSpec spec;

    @Option(
            names = "--profile",
            paramLabel = "PROFILE",
            defaultValue = "inspection",
            description = "inspection, fraud or text (default: ${DEFAULT-VALUE}).")
    String profile;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            description = "Your Kafka; without it an embedded broker starts.")
    String bootstrap;

    @Mixin KafkaClientOption kafkaConfig;

    @Option(
            names = "--job-name",
            paramLabel = "NAME",
            description =
                    "Names the job, its consumer group and its transactional ids; keep it across"
                            + " restarts of this job, and give other jobs on the same Kafka other"
                            + " names (default: a new fusionline-run-<id>, printed).")
    String jobName;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "Any fusionline.* job option (fusionline-job --help lists them); wins over"
                            + " this command's options.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(
            names = "--from-savepoint",
            paramLabel = "PATH",
            description = "Resume from this savepoint (printed when a run stops).")
    String fromSavepoint;

    @Option(
            names = "--savepoint-dir",
            paramLabel = "DIR",
            defaultValue = "fusionline-savepoints",
            description = "Where Ctrl-C writes the savepoint (default: ${DEFAULT-VALUE}).")
    Path savepointDir;

    @Option(
            names = "--jobmanager",
            paramLabel = "HOST:PORT",
            description = "Submit to this Flink cluster's REST API instead of running here.")
    String jobManager;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Job parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--web-port",
            defaultValue = "0",
            description = "Port of the Flink web UI here (default: a free port).")
    int webPort;

    @Option(
            names = "--dashboard-port",
            defaultValue = "0",
            description = "Port of the dashboard (default: a free port).")
    int dashboardPort;

    @Option(names = "--no-dashboard", description = "Do not serve the dashboard.")
    boolean noDashboard;

    @Override
    public Integer call() throws Exception {
        check(parallelism >= 1 && parallelism <= 256, "--parallelism must be 1..256");
        check(webPort >= 0 && webPort <= 65535, "--web-port must be a port number");
        check(
                dashboardPort >= 0 && dashboardPort <= 65535,
                "--dashboard-port must be a port number");
        check(
                bootstrap != null || fromSavepoint == null,
                "--from-savepoint needs --bootstrap: the embedded broker's topics do not outlive"
                        + " a run");
        check(
                bootstrap != null || jobManager == null,
                "--jobmanager needs --bootstrap: the cluster's task managers must reach Kafka");
        Configuration conf = configuration();
        String name = conf.get(FusionlineJobOptions.JOB_NAME);
        return jobManager != null ? submit(conf, name) : runHere(conf, name);
    }

    /** The job's options: this command's, then --set; checked before anything starts. */
    private Configuration configuration() {
        Configuration conf = new Configuration();
        conf.set(FusionlineJobOptions.PROFILE, CliValues.profile(spec, profile));
        if (bootstrap != null) {
            conf.set(FusionlineJobOptions.BOOTSTRAP_SERVERS, bootstrap);
        }
        kafkaConfig.applyTo(conf);
        conf.set(
                FusionlineJobOptions.JOB_NAME,
                jobName != null ? jobName : JobNames.generated("run"));
        conf.addAll(Configuration.fromMap(settings));
        Configuration check = new Configuration(conf);
        if (bootstrap == null) {
            check.set(FusionlineJobOptions.BOOTSTRAP_SERVERS, "127.0.0.1:9092");
        }
        try {
            FusionlineJobOptions.validate(check);
            FusionlineJobOptions.profile(check);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        return conf;
    }

    private int runHere(Configuration conf, String name) throws Exception {
        System.err.println(
                bootstrap == null
                        ? "fusionline run: starting an embedded Kafka broker and Flink ..."
                        : "fusionline run: connecting to Kafka at "
                                + KafkaAccess.of(conf)
                                + " ...");
        CountDownLatch stopped = new CountDownLatch(1);
        try (LocalRuntime runtime =
                        LocalRuntime.start(
                                conf,
                                LocalRuntime.Settings.of(webPort, parallelism)
                                        .fromSavepoint(fromSavepoint));
                DashboardServer dashboard =
                        noDashboard
                                ? null
                                : DashboardServer.serve(
                                        runtime.jobConfiguration(), "127.0.0.1", dashboardPort)) {
            Configuration job = runtime.jobConfiguration();
            System.out.println("Job " + name + ", profile " + FusionlineJobOptions.profile(job));
            System.out.println(
                    "Kafka "
                            + KafkaAccess.of(job)
                            + (runtime.embeddedKafka() ? ", embedded" : "")
                            + " | inputs "
                            + String.join(", ", inputTopics(job)));
            System.out.println("Flink web UI " + runtime.webUiUrl());
            System.out.println("Prometheus " + runtime.prometheusUrl());
            if (dashboard != null) {
                System.out.println("Dashboard " + dashboard.url());
            }
            System.out.println("Ctrl-C stops the job with a savepoint.");
            System.out.flush();
            Thread hook =
                    new Thread(
                            () -> {
                                stopWithSavepoint(runtime, name);
                                if (dashboard != null) {
                                    dashboard.close();
                                }
                                runtime.close();
                                stopped.countDown();
                            },
                            "fusionline-run-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                runtime.awaitJob();
            } catch (Exception e) {
                // stopped by the hook, or failed: a failure is reported below
                if (stopped.getCount() > 0) {
                    Runtime.getRuntime().removeShutdownHook(hook);
                    throw e;
                }
            }
            stopped.await();
        }
        return 0;
    }

    private void stopWithSavepoint(LocalRuntime runtime, String name) {
        if (runtime.embeddedKafka()) {
            System.err.println("fusionline run: stopping (the embedded broker goes with the job)");
            return;
        }
        try {
            String savepoint = runtime.stopWithSavepoint(savepointDir, SAVEPOINT_TIMEOUT);
            System.err.println(
                    "fusionline run: stopped with savepoint "
                            + savepoint
                            + "; resume with --job-name "
                            + name
                            + " --from-savepoint "
                            + savepoint);
        } catch (RuntimeException e) {
            System.err.println("fusionline run: " + e.getMessage() + "; cancelling instead");
        }
    }

    private int submit(Configuration conf, String name) {
        KafkaPreflight.requireReady(conf, Duration.ofSeconds(10));
        FusionlineTopics.ensure(
                KafkaAccess.of(conf),
                FusionlineTopics.names(conf),
                FusionlineTopics.DEFAULT_PARTITIONS);
        FlinkRestClient rest = new FlinkRestClient("http://" + jobManager);
        String jarId = rest.uploadJar(LocalFlinkCluster.defaultJobJar());
        String jobId = rest.runJar(jarId, JobJarArguments.of(conf), parallelism, fromSavepoint);
        System.out.println("Job " + name + " submitted to " + rest.url() + " as " + jobId);
        return 0;
    }

    private static java.util.List<String> inputTopics(Configuration job) {
        java.util.List<String> topics = new java.util.ArrayList<>();
        topics.add(job.get(FusionlineJobOptions.TEXT_EVENTS_TOPIC));
        if (job.get(FusionlineJobOptions.SPEECH_ENABLED)) {
            topics.add(job.get(FusionlineJobOptions.AUDIO_TOPIC));
        }
        if (FusionlineJobOptions.vision(job) != null
                || !FusionlineJobOptions.ocrSources(job).isEmpty()) {
            topics.add(job.get(FusionlineJobOptions.FRAMES_TOPIC));
        }
        return topics;
    }

    private void check(boolean ok, String message) {
        if (!ok) {
            throw new CommandLine.ParameterException(spec.commandLine(), message);
        }
    }
}
