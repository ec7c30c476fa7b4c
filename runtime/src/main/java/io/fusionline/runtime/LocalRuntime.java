package io.fusionline.runtime;

import io.fusionline.jobs.FusionlineJob;
import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.jobs.KafkaAccess;
import io.fusionline.jobs.KafkaPreflight;
import io.fusionline.runtime.kafka.EmbeddedKafkaBroker;
import io.fusionline.runtime.kafka.FusionlineTopics;
import io.fusionline.runtime.metrics.LoopbackPrometheusReporterFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * fusionline on one machine: a Kafka broker (embedded, or an external one that answered a preflight
 * check), the topics, and the fusionline job on a Flink MiniCluster with its web UI, all on
 * 127.0.0.1. {@link #close} cancels the job and stops the embedded broker; it is idempotent and
 * safe to call from a shutdown hook.
 */
public final class LocalRuntime implements AutoCloseable {

    private final EmbeddedKafkaBroker broker;
    private final Configuration jobConf;
    private final String webUiUrl;
    private final String prometheusUrl;
    private final JobClient job;
    private final Path checkpoints;
    private boolean closed;

    private LocalRuntime(
            EmbeddedKafkaBroker broker,
            Configuration jobConf,
            String webUiUrl,
            String prometheusUrl,
            JobClient job,
            Path checkpoints) {
        this.broker = broker;
        this.prometheusUrl = prometheusUrl;
        this.checkpoints = checkpoints;
        this.jobConf = jobConf;
        this.webUiUrl = webUiUrl;
        this.job = job;
    }

    /**
     * Starts everything. When {@code jobConf} names no bootstrap servers, an embedded broker is
     * started and its address is written into the returned {@link #jobConfiguration()}.
     *
     * @param webPort port of the Flink web UI; 0 picks a free one
     * @param parallelism parallelism of the job (and task slots of the MiniCluster)
     */
    public static LocalRuntime start(Configuration jobConf, int webPort, int parallelism)
            throws Exception {
        return start(jobConf, Settings.of(webPort, parallelism));
    }

    /**
     * How the runtime runs the job.
     *
     * @param webPort port of the Flink web UI; 0 picks a free one
     * @param parallelism parallelism of the job (and task slots of the MiniCluster)
     * @param savepoint a savepoint to restore the job from ({@link #stopWithSavepoint}), or null
     * @param securedBroker whether an embedded broker clients reach over SASL_SSL (SCRAM), with a
     *     client properties file written for them, instead of plaintext
     */
    public record Settings(int webPort, int parallelism, String savepoint, boolean securedBroker) {

        public static Settings of(int webPort, int parallelism) {
            return new Settings(webPort, parallelism, null, false);
        }

        public Settings fromSavepoint(String path) {
            return new Settings(webPort, parallelism, path, securedBroker);
        }

        public Settings withSecuredBroker(boolean secured) {
            return new Settings(webPort, parallelism, savepoint, secured);
        }
    }

    /**
     * What a runtime runs: adds a job's graph, built from the job configuration, to {@code env}.
     */
    @FunctionalInterface
    public interface Job {
        void addTo(StreamExecutionEnvironment env, Configuration jobConf);

        /** The fusionline job on Kafka ({@link FusionlineJob#onKafka}). */
        Job FUSIONLINE = (env, conf) -> FusionlineJob.onKafka(conf).build().addTo(env);
    }

    /** {@link #start(Configuration, int, int)} with all of {@code settings}. */
    public static LocalRuntime start(Configuration jobConf, Settings settings) throws Exception {
        return start(jobConf, settings, Job.FUSIONLINE);
    }

    /**
     * {@link #start(Configuration, Settings)} running {@code job} instead of the fusionline job
     * (benchmarks compare it with a pass-through job under the same runtime).
     */
    public static LocalRuntime start(Configuration jobConf, Settings settings, Job job)
            throws Exception {
        int webPort = settings.webPort();
        int parallelism = settings.parallelism();
        String savepoint = settings.savepoint();
        Configuration conf = new Configuration(jobConf);
        EmbeddedKafkaBroker broker = null;
        Path checkpoints = null;
        try {
            broker = prepareKafka(conf, settings.securedBroker());

            int port = webPort == 0 ? LocalPorts.free() : webPort;
            Configuration flink = new Configuration();
            flink.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
            flink.set(RestOptions.ADDRESS, "127.0.0.1");
            flink.set(RestOptions.PORT, port);
            flink.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
            flink.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
            // Every metric of the job on a Prometheus endpoint (docs/operations.md).
            int prometheusPort = LocalPorts.free();
            String metricsHost = LoopbackPrometheusReporterFactory.localHost();
            flink.setString(
                    "metrics.reporter.prom.factory.class",
                    LoopbackPrometheusReporterFactory.class.getName());
            flink.setString("metrics.reporter.prom.host", metricsHost);
            flink.setString("metrics.reporter.prom.port", String.valueOf(prometheusPort));
            // Checkpoints on local disk: the alignment stage's waiting inputs (patch tokens, token
            // vectors) outgrow the JobManager's 5 MB in-memory limit under a backlog.
            checkpoints = Files.createTempDirectory("fusionline-checkpoints-");
            flink.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
            if (savepoint != null) {
                flink.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            }
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
            FusionlineJob.enableCheckpointing(env, conf);
            job.addTo(env, conf);
            JobClient client = env.executeAsync(conf.get(FusionlineJobOptions.JOB_NAME));
            return new LocalRuntime(
                    broker,
                    conf,
                    "http://127.0.0.1:" + port,
                    "http://" + metricsHost + ":" + prometheusPort + "/metrics",
                    client,
                    checkpoints);
        } catch (Exception | Error e) {
            LocalFiles.deleteQuietly(checkpoints); // they cannot outlive this run's MiniCluster
            if (broker != null) {
                try {
                    broker.close();
                } catch (RuntimeException closeError) {
                    e.addSuppressed(closeError);
                }
            }
            throw e;
        }
    }

    /**
     * Kafka for a local run: when {@code conf} names no bootstrap servers, starts an embedded
     * broker and writes its address into {@code conf}; otherwise checks within 5 s that the named
     * Kafka answers. Then validates {@code conf} and creates the job's topics that are missing.
     *
     * @return the embedded broker (the caller closes it), or null for an external Kafka
     */
    public static EmbeddedKafkaBroker prepareKafka(Configuration conf) {
        return prepareKafka(conf, false);
    }

    /**
     * {@link #prepareKafka(Configuration)}; an embedded broker is {@code secured}: the job and
     * every client reach it over SASL_SSL with the client properties file it wrote, whose path goes
     * into {@code conf}.
     */
    public static EmbeddedKafkaBroker prepareKafka(Configuration conf, boolean secured) {
        EmbeddedKafkaBroker broker = null;
        if (conf.getOptional(FusionlineJobOptions.BOOTSTRAP_SERVERS).isEmpty()) {
            broker = secured ? EmbeddedKafkaBroker.startSecured() : EmbeddedKafkaBroker.start();
            KafkaAccess access =
                    broker.access(
                            secured
                                    ? EmbeddedKafkaBroker.Listener.SASL_SSL
                                    : EmbeddedKafkaBroker.Listener.PLAINTEXT);
            conf.set(FusionlineJobOptions.BOOTSTRAP_SERVERS, access.bootstrapServers());
            if (access.file() != null) {
                conf.set(FusionlineJobOptions.KAFKA_CLIENT_CONFIG, access.file().toString());
            }
        } else {
            KafkaPreflight.requireReady(conf, Duration.ofSeconds(5));
        }
        try {
            FusionlineJobOptions.validate(conf);
            FusionlineTopics.ensure(
                    KafkaAccess.of(conf),
                    FusionlineTopics.names(conf),
                    FusionlineTopics.DEFAULT_PARTITIONS);
            return broker;
        } catch (RuntimeException e) {
            if (broker != null) {
                broker.close();
            }
            throw e;
        }
    }

    /** The job configuration in use, with the bootstrap servers filled in. */
    public Configuration jobConfiguration() {
        return new Configuration(jobConf);
    }

    public String bootstrapServers() {
        return jobConf.get(FusionlineJobOptions.BOOTSTRAP_SERVERS);
    }

    public String webUiUrl() {
        return webUiUrl;
    }

    /** Flink's Prometheus endpoint for this runtime's job (every operator's metrics). */
    public String prometheusUrl() {
        return prometheusUrl;
    }

    /** True when the broker was started by this runtime. */
    public boolean embeddedKafka() {
        return broker != null;
    }

    /**
     * Stops the job with a savepoint in {@code directory} (created if missing) and returns its
     * path, for {@link #start(Configuration, int, int, String)} to resume from; the job's open
     * transactions are committed first. Then {@link #close()} stops the rest.
     *
     * @throws IllegalStateException when no savepoint completes within {@code timeout}
     */
    public synchronized String stopWithSavepoint(Path directory, Duration timeout) {
        try {
            Files.createDirectories(directory);
            return job.stopWithSavepoint(
                            false,
                            directory.toAbsolutePath().toUri().toString(),
                            SavepointFormatType.CANONICAL)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while taking a savepoint", e);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "no savepoint within " + timeout.toSeconds() + " s: " + e.getMessage(), e);
        }
    }

    /** Waits until the job ends (it does not on its own: it runs until stopped). */
    public void awaitJob() throws Exception {
        job.getJobExecutionResult().get();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        try {
            job.cancel().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // A job that already finished or failed cannot be cancelled; nothing to undo.
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        if (broker != null) {
            try {
                broker.close();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        LocalFiles.deleteQuietly(checkpoints); // they cannot outlive this run's MiniCluster
        if (failure != null) {
            throw failure;
        }
    }
}
