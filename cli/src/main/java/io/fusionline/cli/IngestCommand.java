package io.fusionline.cli;

import io.fusionline.cli.ingest.AudioIngest;
import io.fusionline.cli.ingest.FramePublisher;
import io.fusionline.cli.ingest.ImageFolderIngest;
import io.fusionline.cli.ingest.Progress;
import io.fusionline.cli.ingest.TextIngest;
import io.fusionline.cli.ingest.TextLines;
import io.fusionline.cli.ingest.VideoIngest;
import io.fusionline.jobs.KafkaAccess;
import io.fusionline.runtime.kafka.FusionlineTopics;
import io.fusionline.schema.serde.SingleObjectWireFormat;
import io.fusionline.schema.text.TextKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fusionline ingest}: publishes camera input, image folders, audio and text lines to the
 * job's input topics.
 */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description =
                "Publishes video or images (VideoFrame), audio (AudioChunk) or JSON lines"
                        + " (TextEvent) to the job's input topics.",
        subcommands = {
            IngestCommand.Video.class,
            IngestCommand.Images.class,
            IngestCommand.Audio.class,
            IngestCommand.Text.class
        })
final class IngestCommand {

    /** Where to publish: the Kafka address and client settings, checked before anything is read. */
    static final class Connection {
        @Option(
                names = "--bootstrap",
                paramLabel = "HOST:PORT",
                defaultValue = "127.0.0.1:9092",
                description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
        String bootstrap;

        @Mixin KafkaClientOption kafkaConfig;

        /**
         * The checked access: Kafka answered, accepted the credentials, and has {@code topic} (a
         * producer would otherwise wait a minute for it).
         */
        KafkaAccess open(CommandSpec spec, String topic) {
            KafkaAccess kafka = KafkaAccess.of(kafkaConfig.reachable(spec, bootstrap));
            if (!FusionlineTopics.exists(kafka, topic)) {
                throw new IllegalStateException(
                        "topic "
                                + topic
                                + " does not exist at "
                                + kafka
                                + " (run, demo and simulate create the job's topics)");
            }
            return kafka;
        }
    }

    /** Options every ingest shares. */
    static final class Target {
        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        @Mixin Connection connection;

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
            KafkaAccess kafka = connection.open(spec, topic);
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

    /** {@code fusionline ingest audio}. */
    @Command(
            name = "audio",
            mixinStandardHelpOptions = true,
            description =
                    "Publishes audio as 16 kHz mono chunks with contiguous sequence numbers: WAV,"
                            + " FLAC and anything FFmpeg reads, a video's audio track, an RTSP"
                            + " stream. Paced in real time, or as fast as possible.")
    static final class Audio implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Mixin Connection connection;

        @Parameters(paramLabel = "INPUT", description = "File or URL.")
        String input;

        @Option(
                names = "--source",
                required = true,
                description = "Source id of the audio: microphone, station, call (the Kafka key).")
        String source;

        @Option(
                names = "--topic",
                defaultValue = "audio",
                description = "Topic (default: ${DEFAULT-VALUE}).")
        String topic;

        @Option(
                names = "--chunk-ms",
                defaultValue = "500",
                description = "Audio per chunk in ms, 20..5000 (default: ${DEFAULT-VALUE}).")
        int chunkMillis;

        @Option(
                names = "--first-sequence",
                defaultValue = "0",
                description = "Sequence number of the first chunk (default: ${DEFAULT-VALUE}).")
        long firstSequence;

        @Option(
                names = "--start-time",
                paramLabel = "ISO-8601",
                description = "Event time of the first sample (default: now).")
        String startTime;

        @Option(
                names = "--fast",
                description = "Publish as fast as the input decodes instead of in real time.")
        boolean fast;

        @Override
        public Integer call() throws Exception {
            if (source.isBlank() || chunkMillis < 20 || chunkMillis > 5000 || firstSequence < 0) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--source must not be blank, --chunk-ms 20..5000, --first-sequence >= 0");
            }
            if (!input.contains("://") && !Files.isRegularFile(Path.of(input))) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "audio file " + input + " does not exist");
            }
            Instant start = CliValues.startTime(spec, startTime);
            KafkaAccess kafka = connection.open(spec, topic);
            AudioIngest.Result result =
                    AudioIngest.run(
                            input,
                            new AudioIngest.Target(kafka, topic, source, firstSequence, start),
                            chunkMillis,
                            !fast,
                            System.console() != null ? System.err : null);
            System.out.printf(
                    "published %d chunks (%.1f s of audio) of %s to %s%n",
                    result.chunks(), result.seconds(), source, topic);
            return 0;
        }
    }

    /** {@code fusionline ingest text}. */
    @Command(
            name = "text",
            mixinStandardHelpOptions = true,
            description = {
                "Publishes JSON lines, from a file or standard input (-), as text events: machine"
                        + " logs, operator notes, transactions. One object per line:",
                "  {\"source\": \"line-1\", \"time\": \"2026-11-29T10:00:00Z\", \"kind\":"
                        + " \"MACHINE_LOG\", \"text\": \"spindle temp 81.0 C\", \"attributes\":"
                        + " {\"station\": \"A\"}, \"features\": {\"temperature\": 81.0}}",
                "time: ISO-8601 or epoch ms (default: when read); kind: OPERATOR_NOTE, MACHINE_LOG,"
                        + " TRANSACTION, DOCUMENT_TEXT, TRANSCRIPT, OCR or OTHER. A line that does"
                        + " not parse stops the ingest with its number and reason (exit 1); the"
                        + " lines before it are published."
            })
    static final class Text implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Mixin Connection connection;

        @Parameters(paramLabel = "INPUT", description = "JSON-lines file, or - for standard input.")
        String input;

        @Option(
                names = "--topic",
                defaultValue = "text-events",
                description = "Topic (default: ${DEFAULT-VALUE}).")
        String topic;

        @Option(names = "--source", description = "Source id of lines without \"source\".")
        String source;

        @Option(
                names = "--kind",
                defaultValue = "OPERATOR_NOTE",
                description = "Kind of lines without \"kind\" (default: ${DEFAULT-VALUE}).")
        TextKind kind;

        @Override
        public Integer call() throws Exception {
            if (!input.equals("-") && !Files.isRegularFile(Path.of(input))) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "text file " + input + " does not exist");
            }
            KafkaAccess kafka = connection.open(spec, topic);
            long published =
                    TextIngest.run(
                            input.equals("-")
                                    ? new java.io.BufferedReader(
                                            new java.io.InputStreamReader(
                                                    System.in,
                                                    java.nio.charset.StandardCharsets.UTF_8))
                                    : Files.newBufferedReader(Path.of(input)),
                            input.equals("-") ? "stdin" : input,
                            new TextLines(source, kind),
                            kafka,
                            topic,
                            System.console() != null ? System.err : null);
            System.out.printf("published %d text events to %s%n", published, topic);
            return 0;
        }
    }
}
