package io.fusionline.cli;

import io.fusionline.cli.ingest.Progress;
import io.fusionline.jobs.KafkaAccess;
import io.fusionline.runtime.kafka.FusionlineTopics;
import io.fusionline.runtime.simulate.WorldSimulator;
import io.fusionline.simulation.fraud.FraudWorld;
import io.fusionline.simulation.inspection.InspectionWorld;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fusionline simulate}: publishes a synthetic world and its ground truth to Kafka. */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        description = {
            "Publishes a synthetic world to Kafka: its inputs on the job's topics and the truth on "
                    + "the ground-truth topic. The same seed and --start-time give the same records.",
            "inspection: machined parts on N lines (camera frames, machine logs, operator voice notes).",
            "fraud: card payments on N accounts (transactions, call remarks, ID-document scans).",
            "The world's clock runs ahead of the wall clock (a part every 10 s per line, published"
                    + " several per second): a job deciding it needs"
                    + " fusionline.input.max-event-skew raised (the demo raises it)."
        })
final class SimulateCommand implements Callable<Integer> {

    /** Worlds. */
    enum Profile {
        inspection,
        fraud
    }

    @Spec CommandSpec spec;

    @Option(
            names = "--profile",
            defaultValue = "inspection",
            description = "World: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Profile profile;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            defaultValue = "127.0.0.1:9092",
            description = "Kafka (default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(
            names = "--sources",
            defaultValue = "2",
            description = "Lines or accounts (default: ${DEFAULT-VALUE}).")
    int sources;

    @Option(
            names = "--count",
            defaultValue = "100",
            description = "Items to publish over all sources (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(
            names = "--rate",
            defaultValue = "4",
            description =
                    "Items per second over all sources; 0 for as fast as possible (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--interval-ms",
            defaultValue = "10000",
            description =
                    "Event time between items of one source (default: ${DEFAULT-VALUE}). Keep it"
                            + " above the job's decision window (6 s) plus a voice note or call"
                            + " (about 4 s), so that one window holds one item.")
    long intervalMs;

    @Option(
            names = "--image-size",
            defaultValue = "224",
            description = "Camera image side in pixels (default: ${DEFAULT-VALUE}).")
    int imageSize;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "World seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--start-time",
            paramLabel = "ISO-8601",
            description = "Event time of the world's start (default: now).")
    String startTime;

    @Option(names = "--no-audio", description = "Do not speak voice notes and call remarks.")
    boolean noAudio;

    @Mixin KafkaClientOption kafkaConfig;

    @Override
    public Integer call() throws Exception {
        check(sources >= 1 && sources <= 1000, "--sources must be 1..1000");
        check(count >= 1, "--count must be at least 1");
        check(rate >= 0, "--rate must be 0 or more");
        check(intervalMs >= 1, "--interval-ms must be at least 1");
        check(imageSize >= 96 && imageSize <= 1024, "--image-size must be 96..1024");
        Instant start = CliValues.startTime(spec, startTime);
        Configuration conf = kafkaConfig.reachable(spec, bootstrap);
        KafkaAccess kafka = KafkaAccess.of(conf);
        FusionlineTopics.ensure(
                kafka, FusionlineTopics.names(conf), FusionlineTopics.DEFAULT_PARTITIONS);

        Progress progress = new Progress(System.err, count, "item", System.console() != null);
        try (WorldSimulator simulator = new WorldSimulator(conf)) {
            switch (profile) {
                case inspection ->
                        simulator.run(
                                new InspectionWorld(sources, intervalMs, imageSize, seed),
                                count,
                                rate,
                                start,
                                !noAudio,
                                progress::update);
                case fraud ->
                        simulator.run(
                                new FraudWorld(sources, intervalMs, seed),
                                count,
                                rate,
                                start,
                                !noAudio,
                                progress::update);
            }
        }
        progress.done(count);
        System.out.printf(
                "published %d %s items from %d sources (seed %d) with their ground truth%n",
                count, profile, sources, seed);
        return 0;
    }

    private void check(boolean ok, String message) {
        if (!ok) {
            throw new CommandLine.ParameterException(spec.commandLine(), message);
        }
    }
}
