package io.fusionline.jobs;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point of the job jar on a Flink cluster ({@code flink run fusionline-jobs-*-job.jar
 * --bootstrap kafka:9092}). It only parses options, checks them and Kafka, and submits.
 */
@Command(
        name = "fusionline-job",
        mixinStandardHelpOptions = true,
        description = "Runs the fusionline job on the current Flink environment.")
public final class FusionlineJobMain implements Callable<Integer> {

    @Option(
            names = "--bootstrap",
            required = true,
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(
            names = "--checkpoint-interval",
            paramLabel = "DURATION",
            description =
                    "Checkpoint interval, e.g. PT2S; the same as --set"
                            + " fusionline.checkpoint-interval=... (default: that option's, PT2S).")
    Duration checkpointInterval;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Any fusionline.* job option, e.g. fusionline.topic.decisions=out.")
    Map<String, String> settings = new LinkedHashMap<>();

    /**
     * The job configuration {@code args} describe, checked: every option given wins over its
     * default, and an unknown {@code fusionline.*} key is refused with the close ones named.
     *
     * @throws IllegalArgumentException with a one-line message for bad options
     */
    public static Configuration configuration(String... args) {
        FusionlineJobMain main = new FusionlineJobMain();
        try {
            new CommandLine(main).parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return main.configuration();
    }

    private Configuration configuration() {
        Configuration conf = Configuration.fromMap(settings);
        conf.set(FusionlineJobOptions.BOOTSTRAP_SERVERS, bootstrap);
        if (checkpointInterval != null) {
            conf.set(FusionlineJobOptions.CHECKPOINT_INTERVAL, checkpointInterval);
        }
        FusionlineJobOptions.validate(conf);
        return conf;
    }

    @Override
    public Integer call() throws Exception {
        Configuration conf = configuration();
        KafkaPreflight.requireReady(conf, Duration.ofSeconds(10));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        FusionlineJob.enableCheckpointing(env, conf);
        FusionlineJob.onKafka(conf).build().addTo(env);
        env.execute(conf.get(FusionlineJobOptions.JOB_NAME));
        return 0;
    }

    /**
     * Never calls {@link System#exit}: Flink runs this method inside the JobManager when a jar is
     * submitted over the REST API, and an exit there would stop the JobManager. Bad options or an
     * unreachable Kafka end in an exception with a one-line message instead, which {@code flink
     * run} reports with a non-zero exit code and the REST API as a failed submission.
     */
    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new FusionlineJobMain());
        String[] failure = new String[1];
        cli.setExecutionExceptionHandler(
                (e, commandLine, parseResult) -> {
                    failure[0] = e.getMessage();
                    commandLine.getErr().println("fusionline-job: " + e.getMessage());
                    return 1;
                });
        int code = cli.execute(args);
        if (code != 0) {
            throw new IllegalArgumentException(
                    "fusionline-job: "
                            + (failure[0] != null ? failure[0] : "invalid arguments (see --help)"));
        }
    }
}
