package io.fusionline.cli;

import io.fusionline.jobs.FusionlineJobOptions;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
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

    /** Sets {@link FusionlineJobOptions#KAFKA_CLIENT_CONFIG} when the option was given. */
    void applyTo(Configuration conf) {
        if (file != null) {
            conf.set(
                    FusionlineJobOptions.KAFKA_CLIENT_CONFIG,
                    file.toAbsolutePath().normalize().toString());
        }
    }
}
