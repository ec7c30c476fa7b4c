package io.fusionline.cli;

import io.fusionline.bench.AsrBenchmark;
import io.fusionline.bench.BenchCharts;
import io.fusionline.bench.ClusterBenchmark;
import io.fusionline.bench.VisionBenchmark;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fusionline bench}: stage benchmarks against their raw engines, measured in one run. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Benchmarks a stage against its raw engine in the same run and prints the ratio.",
        subcommands = {
            BenchCommand.Asr.class,
            BenchCommand.Vision.class,
            BenchCommand.Fusion.class,
            BenchCommand.Cluster.class,
            BenchCommand.Decode.class,
            BenchCommand.KafkaSecurity.class,
            BenchCommand.Fraud.class
        })
final class BenchCommand {

    /** {@code fusionline bench fraud}. */
    @Command(
            name = "fraud",
            mixinStandardHelpOptions = true,
            description =
                    "Payments/s the fraud job carries by stepped load, against a pass-through job"
                            + " (decode, keyBy, encode, exactly-once sink) in the same run, and"
                            + " payment produced -> first risk score readable at half capacity.")
    static final class Fraud implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Option(
                names = "--step-seconds",
                defaultValue = "60",
                description = "How long each load step is held (default: ${DEFAULT-VALUE}).")
        int stepSeconds;

        @Option(
                names = "--latency-seconds",
                defaultValue = "60",
                description = "Length of the half-load latency run (default: ${DEFAULT-VALUE}).")
        int latencySeconds;

        @Option(
                names = "--mix",
                defaultValue = "0.05",
                description =
                        "Share of payments with a call transcript or an ID document, half each"
                                + " (default: ${DEFAULT-VALUE}).")
        double mix;

        @Option(
                names = "--parallelism",
                defaultValue = "1",
                description = "Parallelism of both jobs (default: ${DEFAULT-VALUE}).")
        int parallelism;

        @Option(
                names = "--latency-rate",
                defaultValue = "0",
                description =
                        "Measure only the latency, at this many payments/s, without the stepped"
                                + " load (default: half the capacity the steps find).")
        double latencyRate;

        @Option(
                names = "--set",
                paramLabel = "KEY=VALUE",
                description =
                        "A fusionline.* option for the fraud job, e.g."
                                + " fusionline.fusion.batch-size=16.")
        java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();

        @Option(
                names = "--no-pass-through",
                description = "Leave out the pass-through row (the ratio is then not measured).")
        boolean noPassThrough;

        @CommandLine.Mixin ChartsFolder charts;

        @Override
        public Integer call() throws Exception {
            if (stepSeconds < 10 || latencySeconds < 15) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--step-seconds must be >= 10 and --latency-seconds >= 15");
            }
            if (!(mix >= 0 && mix <= 0.5) || parallelism < 1) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--mix must be 0..0.5 and --parallelism >= 1");
            }
            var result =
                    io.fusionline.bench.FraudBenchmark.run(
                            stepSeconds,
                            latencySeconds,
                            mix,
                            parallelism,
                            latencyRate,
                            settings,
                            !noPassThrough,
                            System.out);
            double p = result.passThrough().capacity();
            double b = result.fraud().capacity();
            if (latencyRate > 0) {
                return 0;
            }
            System.out.printf(
                    java.util.Locale.ROOT,
                    "%ncapacity: pass-through %.0f payments/s, fraud job %.0f payments/s,"
                            + " ratio %.2f%n",
                    p,
                    b,
                    p == 0 ? Double.NaN : b / p);
            java.util.Map<String, double[]> offered = new java.util.LinkedHashMap<>();
            java.util.Map<String, double[]> committed = new java.util.LinkedHashMap<>();
            for (var row : java.util.List.of(result.passThrough(), result.fraud())) {
                if (row.steps().isEmpty()) {
                    continue;
                }
                offered.put(
                        row.job(),
                        row.steps().stream()
                                .mapToDouble(io.fusionline.bench.FraudBenchmark.Step::offered)
                                .toArray());
                committed.put(
                        row.job(),
                        row.steps().stream()
                                .mapToDouble(io.fusionline.bench.FraudBenchmark.Step::committed)
                                .toArray());
            }
            Path steps =
                    BenchCharts.steppedLoad(
                            charts.folder.resolve("fraud-stepped-load.png"),
                            "bench fraud: stepped load",
                            offered,
                            committed);
            System.out.println("chart: " + steps.toAbsolutePath());
            if (result.latencyMillis().length > 0) {
                double[] sorted = result.latencyMillis().clone();
                java.util.Arrays.sort(sorted);
                Path latency =
                        BenchCharts.latencyCdf(
                                charts.folder.resolve("fraud-score-latency.png"),
                                "bench fraud: payment produced -> first score readable",
                                String.format(
                                        java.util.Locale.ROOT,
                                        "%.0f payments/s: p50 %.0f ms, p99 %.0f ms",
                                        result.latencyRate(),
                                        io.fusionline.runtime.Stats.percentile(sorted, 50),
                                        io.fusionline.runtime.Stats.percentile(sorted, 99)),
                                result.latencyMillis());
                System.out.println("chart: " + latency.toAbsolutePath());
            }
            return 0;
        }
    }

    /** {@code fusionline bench kafka-security}. */
    @Command(
            name = "kafka-security",
            mixinStandardHelpOptions = true,
            description =
                    "Produce and read the same records over PLAINTEXT, SASL_SSL (SCRAM) and mutual"
                            + " TLS on one embedded broker: MB/s and ratio to PLAINTEXT.")
    static final class KafkaSecurity implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Option(
                names = "--rounds",
                defaultValue = "3",
                description =
                        "Timed rounds after one warm-up; medians are reported (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Override
        public Integer call() throws Exception {
            if (rounds < 1) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--rounds must be >= 1");
            }
            io.fusionline.bench.KafkaSecurityBenchmark.run(rounds, System.out);
            return 0;
        }
    }

    /** {@code fusionline bench decode}. */
    @Command(
            name = "decode",
            mixinStandardHelpOptions = true,
            description =
                    "Raw Avro vs fusionline's bounded codec vs the whole decode stage (codec,"
                            + " validator, input limits) on the same valid records of each input"
                            + " schema: records/s and ratio.")
    static final class Decode implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Option(
                names = "--rounds",
                defaultValue = "7",
                description =
                        "Timed rounds after one warm-up; medians are reported (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Override
        public Integer call() throws Exception {
            if (rounds < 1) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--rounds must be >= 1");
            }
            io.fusionline.bench.DecodeBenchmark.run(rounds, System.out);
            return 0;
        }
    }

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

        @Option(
                names = "--duty",
                paramLabel = "FRACTION",
                description =
                        "Make each source speak only this share of its audio (0.05..1), with"
                                + " hum, telephone band and 20 dB white noise, and compare the"
                                + " gated operator, the ungated one and raw Vosk, with WER.")
        Double duty;

        @Override
        public Integer call() throws Exception {
            if (sources < 1 || seconds <= 0 || rounds < 1) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--sources, --seconds and --rounds must be positive");
            }
            if (duty != null) {
                if (!(duty >= 0.05 && duty <= 1)) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(), "--duty must be 0.05..1");
                }
                io.fusionline.bench.GatedAsrBenchmark.run(
                        sources, seconds, duty, rounds, System.out);
                return 0;
            }
            AsrBenchmark.run(sources, seconds, rounds, System.out);
            return 0;
        }
    }

    /** {@code fusionline bench vision}. */
    @Command(
            name = "vision",
            mixinStandardHelpOptions = true,
            description =
                    "Raw ONNX Runtime loops (batch 1 and B) vs the fusionline vision operator on the "
                            + "same model and JPEG frames: frames/s per core, ratio, latency at 50%% load, "
                            + "JPEG decode cost.")
    static final class Vision implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Option(
                names = "--model",
                paramLabel = "DESCRIPTOR",
                description =
                        "descriptor.json of the model to measure (default: the random patch encoder "
                                + "fixture at --size, patch 16, 192-d).")
        Path model;

        @Option(
                names = "--size",
                defaultValue = "224",
                description = "Fixture input size (default: ${DEFAULT-VALUE}).")
        int size;

        @Option(
                names = "--frames",
                defaultValue = "400",
                description = "Frames (default: ${DEFAULT-VALUE}).")
        int frames;

        @Option(
                names = "--width",
                defaultValue = "640",
                description = "Frame width (default: ${DEFAULT-VALUE}).")
        int width;

        @Option(
                names = "--height",
                defaultValue = "480",
                description = "Frame height (default: ${DEFAULT-VALUE}).")
        int height;

        @Option(
                names = "--batch",
                defaultValue = "16",
                description = "Batch size B (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(
                names = "--timeout-ms",
                defaultValue = "20",
                description = "Batch timeout T in ms (default: ${DEFAULT-VALUE}).")
        int timeoutMs;

        @Option(
                names = "--rounds",
                defaultValue = "5",
                description =
                        "Timed rounds after one warm-up; medians are reported (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Mixin ChartsFolder charts;

        @Override
        public Integer call() throws Exception {
            if (frames < 2
                    || batch < 1
                    || timeoutMs < 1
                    || rounds < 1
                    || width < 16
                    || height < 16
                    || size < 16) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--frames (>= 2), --batch, --timeout-ms, --rounds must be positive; sizes >= 16");
            }
            VisionBenchmark.Result result =
                    VisionBenchmark.run(
                            model,
                            size,
                            frames,
                            width,
                            height,
                            batch,
                            Duration.ofMillis(timeoutMs),
                            rounds,
                            System.out);
            Path chart =
                    BenchCharts.latencyCdf(
                            charts.folder.resolve("vision-latency-cdf.png"),
                            "Vision operator: frame generated -> features out, at 50% load",
                            String.format(
                                    "B=%d, T=%d ms: p50 %.1f ms, p99 %.1f ms",
                                    batch, timeoutMs, result.p50Millis(), result.p99Millis()),
                            result.latencyMillis());
            System.out.println("chart: " + chart.toAbsolutePath());
            return 0;
        }
    }

    /** {@code fusionline bench fusion}. */
    @Command(
            name = "fusion",
            mixinStandardHelpOptions = true,
            description =
                    "The raw fusion model in a loop vs the fusionline fusion operator on the same "
                            + "windows (built-in inspection model): decisions/s per core, ratio."
                            + " Then the whole job at half its capacity: frame produced -> alert"
                            + " readable in Kafka, p50/p95/p99, against the raw engine.")
    static final class Fusion implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Option(
                names = "--windows",
                defaultValue = "6400",
                description = "Windows per round (default: ${DEFAULT-VALUE}).")
        int windows;

        @Option(
                names = "--batch",
                defaultValue = "64",
                description = "Batch size B (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(
                names = "--rounds",
                defaultValue = "3",
                description =
                        "Timed rounds after one warm-up; medians are reported (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(
                names = "--alert-seconds",
                defaultValue = "60",
                description =
                        "Then run the whole job on the embedded broker at half its capacity for"
                                + " this long and measure frame produced -> alert readable; 0"
                                + " skips it (default: ${DEFAULT-VALUE}).")
        int alertSeconds;

        @Option(
                names = "--capacity-parts",
                defaultValue = "1000",
                description =
                        "Parts published at once to measure the job's capacity (default:"
                                + " ${DEFAULT-VALUE}).")
        int capacityParts;

        @Option(
                names = "--no-provisional-alerts",
                description =
                        "Run the job without provisional alerts (every alert waits for its window"
                                + " to close), for comparison.")
        boolean noProvisionalAlerts;

        @Override
        public Integer call() throws Exception {
            if (alertSeconds < 0 || capacityParts < 50) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--alert-seconds must be >= 0, --capacity-parts >= 50");
            }
            if (windows < 100 || batch < 1 || rounds < 1) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--windows (>= 100), --batch, --rounds must be positive");
            }
            io.fusionline.bench.FusionBenchmark.run(windows, batch, rounds, System.out);
            if (alertSeconds > 0) {
                io.fusionline.bench.AlertLatencyBenchmark.run(
                        capacityParts, alertSeconds, 0.5, !noProvisionalAlerts, System.out);
            }
            return 0;
        }
    }

    /** {@code fusionline bench cluster}. */
    @Command(
            name = "cluster",
            mixinStandardHelpOptions = true,
            description =
                    "The job jar on a local standalone cluster (one TaskManager JVM per slot) at"
                            + " each parallelism, on a vision-bound load of frames already in"
                            + " Kafka: committed frames/s, scaling, and the raw engine measured in"
                            + " the same run.")
    static final class Cluster implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Option(
                names = "--frames",
                defaultValue = "3000",
                description = "Frames per run (default: ${DEFAULT-VALUE}).")
        int frames;

        @Option(
                names = "--parallelism",
                split = ",",
                defaultValue = "1,2",
                description = "Parallelisms to run, in order (default: ${DEFAULT-VALUE}).")
        List<Integer> parallelisms;

        @Option(
                names = "--encoder-dim",
                defaultValue = "0",
                description =
                        "0: the built-in inspection encoder (default). N > 0: a synthetic ViT-style"
                                + " patch encoder of width N (224 px, 16 px patches) that makes the"
                                + " load vision-bound; the job then writes pooled embeddings only.")
        int encoderDim;

        @Mixin ChartsFolder charts;

        @Override
        public Integer call() throws Exception {
            if (frames < 100
                    || parallelisms.isEmpty()
                    || parallelisms.stream().anyMatch(p -> p < 1 || p > 16)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--frames must be >= 100 and each parallelism 1..16");
            }
            ClusterBenchmark.Result result =
                    ClusterBenchmark.run(frames, parallelisms, encoderDim, System.out);
            Path chart =
                    BenchCharts.throughputVsParallelism(
                            charts.folder.resolve(
                                    encoderDim == 0
                                            ? "cluster-throughput.png"
                                            : "cluster-throughput-d" + encoderDim + ".png"),
                            "Job jar on a local cluster: committed frames/s vs parallelism ("
                                    + (encoderDim == 0
                                            ? "built-in encoder"
                                            : "synthetic encoder, width " + encoderDim)
                                    + ", "
                                    + Runtime.getRuntime().availableProcessors()
                                    + " cores)",
                            result.runs().stream().map(ClusterBenchmark.Run::parallelism).toList(),
                            result.runs().stream()
                                    .map(ClusterBenchmark.Run::framesPerSecond)
                                    .toList(),
                            result.rawFramesPerSecond());
            System.out.println("chart: " + chart.toAbsolutePath());
            return 0;
        }
    }

    /** {@code --charts DIR}: where a bench command writes its PNG chart. */
    static final class ChartsFolder {
        @Option(
                names = "--charts",
                paramLabel = "DIR",
                defaultValue = "bench-charts",
                description = "Folder for the PNG chart (default: ${DEFAULT-VALUE}).")
        Path folder;
    }
}
