package io.fusionline.cli;

import io.fusionline.cli.demo.DemoDriver;
import io.fusionline.cli.demo.SampleScans;
import io.fusionline.dashboard.DashboardServer;
import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.operators.Profile;
import io.fusionline.runtime.simulate.WorldSimulator;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Options shared by {@code demo} and {@code cluster}: which world runs through the job, how fast,
 * against which Kafka, and how the job is set up. {@link #jobConfiguration()} checks them and turns
 * them into the job's configuration, or fails with a one-line parameter error.
 */
final class WorldRunOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(
            names = "--profile",
            paramLabel = "PROFILE",
            defaultValue = "inspection",
            description = "inspection, fraud or text (default: ${DEFAULT-VALUE}).")
    String profile;

    @Option(
            names = "--count",
            paramLabel = "N",
            description = "Stop with exit code 0 after N decisions (default: run until Ctrl-C).")
    int count;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            description = "Use this Kafka instead of starting an embedded broker.")
    String bootstrap;

    @Option(
            names = "--rate",
            paramLabel = "EVENTS_PER_S",
            defaultValue = "5",
            description =
                    "World items (or sample events) per second over all sources (default:"
                            + " ${DEFAULT-VALUE}; the world's event time then runs 12.5 times"
                            + " faster than the clock).")
    double rate;

    @Option(
            names = "--bad-every",
            paramLabel = "K",
            defaultValue = "10",
            description =
                    "Also send one malformed record every K events; 0 for none (default: ${DEFAULT-VALUE}).")
    int badEvery;

    @Option(
            names = "--web-port",
            paramLabel = "PORT",
            defaultValue = "0",
            description = "Port of the Flink web UI (default: a free port).")
    int webPort;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Seed of the sample events (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--no-speech",
            description = "Leave out the speech stage (no audio, no transcripts).")
    boolean noSpeech;

    @Option(
            names = "--no-vision",
            description = "Leave out the frames (part camera, ID scanner) and OCR.")
    boolean noVision;

    @Option(
            names = "--vision-model",
            paramLabel = "DESCRIPTOR",
            description =
                    "descriptor.json of an ONNX image encoder to encode every frame with into "
                            + "vision features (default: the profile's built-in encoder).")
    String visionModel;

    @Option(
            names = "--checkpoint-interval",
            paramLabel = "DURATION",
            defaultValue = "PT1S",
            description =
                    "Checkpoint interval; decisions appear when a checkpoint commits (default: ${DEFAULT-VALUE}).")
    Duration checkpointInterval;

    @Option(
            names = "--dashboard-port",
            paramLabel = "PORT",
            defaultValue = "0",
            description = "Port of the live dashboard (default: a free port).")
    int dashboardPort;

    @Option(
            names = "--dashboard-bind",
            paramLabel = "ADDRESS",
            defaultValue = "127.0.0.1",
            description =
                    "Address the dashboard listens on (default: ${DEFAULT-VALUE}, this machine only;"
                            + " it always asks for the token printed at start).")
    String dashboardBind;

    @Option(names = "--no-dashboard", description = "Do not serve the live dashboard.")
    boolean noDashboard;

    @Mixin KafkaClientOption kafkaConfig;

    @Option(
            names = "--secure",
            description =
                    "Start the embedded broker with SASL_SSL (SCRAM-SHA-512 on a certificate made"
                            + " for the run) and connect every client through the client"
                            + " properties file it writes, as on a production cluster.")
    boolean secure;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "Any fusionline.* job option (fusionline-job --help lists them), e.g."
                            + " fusionline.fusion.alert-threshold=0.9; wins over this command's"
                            + " own options and defaults.")
    Map<String, String> settings = new LinkedHashMap<>();

    /**
     * Runs the world against a job that is already running on {@code jobConf}'s Kafka: starts the
     * {@link DemoDriver} and (unless {@code --no-dashboard}) the dashboard, prints {@code status}
     * with the start-up time and the dashboard's address, then every committed decision until
     * {@code --count} (or Ctrl-C). A shutdown hook stops the driver and the dashboard, then runs
     * {@code shutdown} (which stops the job and its runtime); after a {@code --count} run the hook
     * is removed and the caller closes its runtime itself.
     */
    void drive(Configuration jobConf, String status, long startedNanos, Runnable shutdown)
            throws java.io.IOException {
        try (DemoDriver driver = new DemoDriver(jobConf, seed, rate, badEvery);
                DashboardServer dashboard =
                        noDashboard
                                ? null
                                : DashboardServer.serve(jobConf, dashboardBind, dashboardPort)) {
            Thread hook =
                    new Thread(
                            () -> {
                                driver.stop();
                                if (dashboard != null) {
                                    dashboard.close();
                                }
                                shutdown.run();
                            },
                            "fusionline-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            System.out.printf(
                    "%s | ready in %.1f s%n", status, (System.nanoTime() - startedNanos) / 1e9);
            if (dashboard != null) {
                System.out.println("Dashboard " + dashboard.url());
            }
            System.out.flush();
            driver.run(count, System.out, startedNanos);
            if (count > 0) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
    }

    /**
     * The job's configuration from these options, checked; the bootstrap servers are set only when
     * {@code --bootstrap} was given (otherwise the caller starts an embedded broker).
     *
     * @param run names the run in the consumer group and the transactional id prefix
     */
    Configuration jobConfiguration(String run) {
        check(count >= 0, "--count must be 0 or more");
        check(rate > 0 && rate <= 10_000, "--rate must be in (0, 10000]");
        check(badEvery >= 0, "--bad-every must be 0 or more");
        check(webPort >= 0 && webPort <= 65535, "--web-port must be a port number");
        check(
                dashboardPort >= 0 && dashboardPort <= 65535,
                "--dashboard-port must be a port number");
        check(
                !checkpointInterval.isNegative() && !checkpointInterval.isZero(),
                "--checkpoint-interval must be positive");
        check(
                !(secure && (bootstrap != null || kafkaConfig.file != null)),
                "--secure starts a secured embedded broker: leave out --bootstrap and --kafka-config");
        check(
                !(noVision && visionModel != null),
                "--vision-model and --no-vision exclude each other");

        Configuration conf = new Configuration();
        if (bootstrap != null) {
            conf.set(FusionlineJobOptions.BOOTSTRAP_SERVERS, bootstrap);
        }
        conf.set(FusionlineJobOptions.CHECKPOINT_INTERVAL, checkpointInterval);
        kafkaConfig.applyTo(conf);
        conf.set(FusionlineJobOptions.SPEECH_ENABLED, !noSpeech);
        Configuration explicit = Configuration.fromMap(settings);
        Profile chosen =
                explicit.containsKey(FusionlineJobOptions.PROFILE.key())
                        ? checked(() -> FusionlineJobOptions.profile(explicit))
                        : CliValues.profile(spec, profile);
        conf.set(FusionlineJobOptions.PROFILE, chosen);
        WorldSimulator.acceptWorldClock(conf);
        boolean world = chosen.fused();
        if (!noVision && !world) {
            conf.set(
                    FusionlineJobOptions.OCR_SOURCES,
                    SampleScans.LABEL_CAMERA + "," + SampleScans.ID_SCANNER);
            conf.set(FusionlineJobOptions.OCR_LAYOUT, "SINGLE_LINE");
        }
        if (visionModel != null) {
            conf.set(FusionlineJobOptions.VISION_MODEL, visionModel);
        } else if (noVision) {
            conf.set(FusionlineJobOptions.VISION_MODEL, FusionlineJobOptions.NO_VISION);
        }
        // Unique per run (its consumer group and transactional ids follow): two runs on one
        // external Kafka must not fence each other.
        conf.set(FusionlineJobOptions.JOB_NAME, JobNames.generated(run));
        conf.addAll(explicit);
        // Checked before anything starts; the embedded broker's address is not known yet, so a
        // placeholder stands in for it.
        Configuration check = new Configuration(conf);
        if (bootstrap == null) {
            check.set(FusionlineJobOptions.BOOTSTRAP_SERVERS, "127.0.0.1:9092");
        }
        try {
            FusionlineJobOptions.validate(check);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        return conf;
    }

    private <T> T checked(java.util.function.Supplier<T> value) {
        try {
            return value.get();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    void check(boolean ok, String message) {
        if (!ok) {
            throw new CommandLine.ParameterException(spec.commandLine(), message);
        }
    }
}
