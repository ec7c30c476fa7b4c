package io.fusionline.cli;

import io.fusionline.cli.ingest.FramePublisher;
import io.fusionline.cli.ingest.ImageFolderIngest;
import io.fusionline.cli.ingest.Progress;
import io.fusionline.cli.ingest.VideoIngest;
import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.jobs.KafkaAccess;
import io.fusionline.jobs.KafkaPreflight;
import io.fusionline.schema.serde.SingleObjectWireFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fusionline ingest}: publishes camera input and image folders as frames to Kafka. */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description = "Publishes video or images to the frames topic as VideoFrame records.",
        subcommands = {IngestCommand.Video.class, IngestCommand.Images.class})
final class IngestCommand {

    /** Options every ingest shares. */
    static final class Target {
        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        @Option(
                names = "--bootstrap",
                paramLabel = "HOST:PORT",
                defaultValue = "127.0.0.1:9092",
                description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
        String bootstrap;

        @Mixin KafkaClientOption kafkaConfig;

        @Option(
                names = "--topic",
                defaultValue = "frames",
                description = "Topic (default: ${DEFAULT-VALUE}).")
        String topic;

        @Option(
                names = "--source",
                required = true,
                description = "Source id of the frames: camera, scanner (the Kafka key).")
        String source;

        @Option(
                names = "--first-sequence",
                defaultValue = "0",
                description = "Sequence number of the first frame (default: ${DEFAULT-VALUE}).")
        long firstSequence;

        @Option(
                names = "--start-time",
                paramLabel = "ISO-8601",
                description =
                        "Event time of the first frame, e.g. 2026-11-23T08:00:00Z (default: now).")
        String startTime;

        Instant start() {
            return CliValues.startTime(spec, startTime);
        }

        FramePublisher open() {
            if (source.isBlank()) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--source must not be blank");
            }
            Configuration conf = new Configuration();
            conf.set(FusionlineJobOptions.BOOTSTRAP_SERVERS, bootstrap);
            kafkaConfig.applyTo(conf);
            try {
                FusionlineJobOptions.validate(conf);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            KafkaAccess kafka = KafkaAccess.of(conf);
            KafkaPreflight.requireReachable(kafka, Duration.ofSeconds(5));
            return new FramePublisher(
                    kafka, topic, source, firstSequence, SingleObjectWireFormat.INSTANCE);
        }

        Progress.Factory progress() {
            boolean terminal = System.console() != null;
            return total -> new Progress(System.err, total, "frame", terminal);
        }
    }

    /** {@code fusionline ingest video}. */
    @Command(
            name = "video",
            mixinStandardHelpOptions = true,
            description =
                    "Samples a video file, an RTSP/HTTP stream or a V4L2 camera (/dev/videoN) at --fps "
                            + "and publishes each frame as JPEG.")
    static final class Video implements Callable<Integer> {
        @Mixin Target target;

        @Parameters(paramLabel = "INPUT", description = "File, URL or /dev/videoN.")
        String input;

        @Option(
                names = "--fps",
                defaultValue = "5",
                description = "Frames per second to sample (default: ${DEFAULT-VALUE}).")
        double fps;

        @Option(
                names = "--quality",
                defaultValue = "85",
                description = "JPEG quality 1-100 (default: ${DEFAULT-VALUE}).")
        int quality;

        @Option(
                names = "--max-frames",
                defaultValue = "0",
                description = "Stop after N frames; 0 for the whole input.")
        long maxFrames;

        @Override
        public Integer call() throws Exception {
            if (!(fps > 0) || quality < 1 || quality > 100 || maxFrames < 0) {
                throw new CommandLine.ParameterException(
                        target.spec.commandLine(),
                        "--fps must be > 0, --quality 1..100, --max-frames >= 0");
            }
            boolean device = input.startsWith("/dev/");
            if (!input.contains("://") && !device && !Files.isRegularFile(Path.of(input))) {
                throw new CommandLine.ParameterException(
                        target.spec.commandLine(), "video file " + input + " does not exist");
            }
            Instant start = target.start();
            long frames;
            try (FramePublisher publisher = target.open()) {
                frames =
                        VideoIngest.run(
                                input,
                                fps,
                                quality,
                                maxFrames,
                                start,
                                publisher,
                                target.progress());
            }
            System.out.printf(
                    "published %d frames of %s to %s%n", frames, target.source, target.topic);
            return 0;
        }
    }

    /** {@code fusionline ingest images}. */
    @Command(
            name = "images",
            mixinStandardHelpOptions = true,
            description =
                    "Publishes every image in a folder, in file-name order (JPEG and PNG as they are, "
                            + "other formats converted to JPEG).")
    static final class Images implements Callable<Integer> {
        @Mixin Target target;

        @Parameters(paramLabel = "FOLDER", description = "Folder of images.")
        Path folder;

        @Option(
                names = "--interval-ms",
                defaultValue = "1000",
                description = "Event-time step between images (default: ${DEFAULT-VALUE}).")
        long intervalMs;

        @Option(
                names = "--quality",
                defaultValue = "90",
                description = "JPEG quality for converted images (default: ${DEFAULT-VALUE}).")
        int quality;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(folder)) {
                throw new CommandLine.ParameterException(
                        target.spec.commandLine(), "image folder " + folder + " does not exist");
            }
            if (intervalMs < 0 || quality < 1 || quality > 100) {
                throw new CommandLine.ParameterException(
                        target.spec.commandLine(), "--interval-ms must be >= 0, --quality 1..100");
            }
            Instant start = target.start();
            ImageFolderIngest.Result result;
            try (FramePublisher publisher = target.open()) {
                result =
                        ImageFolderIngest.run(
                                folder,
                                start,
                                Duration.ofMillis(intervalMs),
                                quality,
                                publisher,
                                target.progress(),
                                System.err);
            }
            System.out.printf(
                    "published %d images of %s to %s; skipped %d files that are not images%n",
                    result.published(), target.source, target.topic, result.skipped());
            return 0;
        }
    }
}
