package io.fusionline.deploy.cli;

import io.fusionline.deploy.bench.AsrBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fusionline bench}: stage benchmarks against their raw engines, measured in one run. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Benchmarks a stage against its raw engine in the same run and prints the ratio.",
        subcommands = {BenchCommand.Asr.class})
final class BenchCommand {

    /** {@code fusionline bench asr}. */
    @Command(
            name = "asr",
            mixinStandardHelpOptions = true,
            description =
                    "Raw Vosk in a loop vs the fusionline speech operator on the same audio: "
                            + "real-time factor, real-time streams per core, ratio, memory.")
    static final class Asr implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Option(
                names = "--sources",
                defaultValue = "8",
                description = "Audio sources (default: ${DEFAULT-VALUE}).")
        int sources;

        @Option(
                names = "--seconds",
                defaultValue = "10",
                description = "Seconds of speech per source (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Option(
                names = "--rounds",
                defaultValue = "2",
                description =
                        "Timed rounds of each path; the best is reported (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Override
        public Integer call() throws Exception {
            if (sources < 1 || seconds <= 0 || rounds < 1) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--sources, --seconds and --rounds must be positive");
            }
            AsrBenchmark.run(sources, seconds, rounds, System.out);
            return 0;
        }
    }
}
