package io.fusionline.cli;

import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.jobs.KafkaAccess;
import io.fusionline.jobs.KafkaPreflight;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --kafka-config FILE}: the Kafka client properties file every client of a command uses (its
 * producers, consumers and admin checks, and the job it starts). See {@link
 * io.fusionline.jobs.KafkaAccess} for how its secrets are kept out of arguments and logs.
 */
final class KafkaClientOption {

    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            description =
                    "Kafka client properties (security.protocol, sasl.*, ssl.*), as Kafka's tools"
                            + " take with --command-config; applied to every Kafka client.")
    Path file;

    /**
     * The job configuration of a command that only talks to Kafka at {@code bootstrap}, with this
     * option, checked, and a Kafka that answered and accepted the credentials.
     *
     * @throws CommandLine.ParameterException for bad options (exit 2)
     * @throws IllegalStateException when Kafka does not answer or refuses (exit 1)
     */
    Configuration reachable(CommandSpec spec, String bootstrap) {
        Configuration conf = new Configuration();
        conf.set(FusionlineJobOptions.BOOTSTRAP_SERVERS, bootstrap);
        applyTo(conf);
        try {
            FusionlineJobOptions.validate(conf);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        KafkaPreflight.requireReachable(KafkaAccess.of(conf), Duration.ofSeconds(5));
        return conf;
    }

    /** Sets {@link FusionlineJobOptions#KAFKA_CLIENT_CONFIG} when the option was given. */
    void applyTo(Configuration conf) {
        if (file != null) {
            conf.set(
                    FusionlineJobOptions.KAFKA_CLIENT_CONFIG,
                    file.toAbsolutePath().normalize().toString());
        }
    }
}
