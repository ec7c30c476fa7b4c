package io.fusionline.cli;

import io.fusionline.operators.Profile;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Option values several commands parse the same way, with the same one-line errors. */
final class CliValues {

    private CliValues() {}

    /** {@code --start-time}: an ISO-8601 instant, or now when not given. */
    static Instant startTime(CommandSpec spec, String value) {
        if (value == null) {
            return Instant.now();
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--start-time '" + value + "' is not an ISO-8601 instant");
        }
    }

    /** {@code --profile}: a {@link Profile} by name. */
    static Profile profile(CommandSpec spec, String value) {
        try {
            return Profile.named(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--profile: " + e.getMessage());
        }
    }
}
