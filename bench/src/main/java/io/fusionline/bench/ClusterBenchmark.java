package io.fusionline.bench;

import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.jobs.KafkaAccess;
import io.fusionline.multimodal.fusion.BuiltInModels;
import io.fusionline.multimodal.vision.EncodedImage;
import io.fusionline.multimodal.vision.FramePreprocessor;
import io.fusionline.multimodal.vision.ImageLimits;
import io.fusionline.multimodal.vision.VisionEncoder;
import io.fusionline.multimodal.vision.VisionModelDescriptor;
import io.fusionline.operators.Profile;
import io.fusionline.runtime.cluster.FlinkRestClient;
import io.fusionline.runtime.cluster.JobJarArguments;
import io.fusionline.runtime.cluster.LocalClusterOptions;
import io.fusionline.runtime.cluster.LocalFlinkCluster;
import io.fusionline.runtime.kafka.CommittedConsumers;
import io.fusionline.runtime.kafka.EmbeddedKafkaBroker;
import io.fusionline.runtime.kafka.FusionlineTopics;
import io.fusionline.runtime.kafka.InputProducers;
import io.fusionline.schema.media.FrameFormat;
import io.fusionline.schema.media.VideoFrame;
import io.fusionline.schema.serde.RecordCodec;
import io.fusionline.schema.serde.WireFormat;
import io.fusionline.simulation.vision.RandomPatchEncoder;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Throughput of the job on the local standalone cluster at several parallelisms, on a vision-bound
 * load: camera frames (JPEG) already in Kafka, spread evenly over as many partitions as the largest
 * parallelism, encoded by the built-in inspection encoder (one ONNX Runtime thread per subtask, one
 * slot per TaskManager) and committed exactly-once to a vision-features topic.
 *
 * <p>With {@code encoderDim > 0} a heavier synthetic encoder replaces the built-in one (see {@link
 * #run}); the built-in encoder is so light that Kafka I/O and Avro, not inference, dominate.
 *
 * <p>Each parallelism gets a fresh job (its own consumer group and output topic) on the same
 * cluster, reading every frame from the start. Throughput is taken between the 10th and the 90th
 * percentile of committed features, so job start-up, model loading and the last checkpoint do not
 * count. The raw engine (decode, pre-process and ONNX Runtime at the job's batch size, one thread,
 * in this JVM) is measured in the same run, and each parallelism is reported against it.
 */
public final class ClusterBenchmark {

    /**
     * Throughput of one parallelism, and how busy the whole machine's CPUs were meanwhile (0..1,
     * from {@code /proc/stat}; NaN where it cannot be read).
     */
    public record Run(int parallelism, double framesPerSecond, double machineBusy) {}

    /** Raw engine frames/s (one thread) and the runs. */
    public record Result(double rawFramesPerSecond, List<Run> runs) {

        /** Throughput at the last parallelism over the first. */
        public double scaling() {
            return runs.get(runs.size() - 1).framesPerSecond() / runs.get(0).framesPerSecond();
        }
    }

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;
    private static final int CAMERAS = 8;

    private ClusterBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param encoderDim 0 for the built-in inspection encoder; otherwise a heavier, synthetic
     *     ViT-style patch encoder ({@link RandomPatchEncoder}: 224 px, 16 px patches, this width)
     *     whose cost makes the load vision-bound; the job then writes pooled embeddings only
     */
    public static Result run(
            int frameCount, List<Integer> parallelisms, int encoderDim, PrintStream out)
            throws Exception {
        int maxParallelism = parallelisms.stream().mapToInt(Integer::intValue).max().orElseThrow();
        Path work = Files.createTempDirectory("fusionline-bench-cluster-");
        String modelReference;
        VisionModelDescriptor model;
        if (encoderDim > 0) {
            Path dir = Files.createDirectories(work.resolve("encoder"));
            model = RandomPatchEncoder.write(dir, 224, 16, encoderDim, 42);
            modelReference = dir.resolve("descriptor.json").toString();
        } else {
            model = BuiltInModels.vision(BuiltInModels.INSPECTION_VISION);
            modelReference = BuiltInModels.PREFIX + BuiltInModels.INSPECTION_VISION;
        }
        int batch = FusionlineJobOptions.VISION_BATCH_SIZE.defaultValue();
        List<byte[]> jpegs = VisionBenchmark.frames(Math.min(frameCount, 200), WIDTH, HEIGHT);
        out.printf(
                "cluster benchmark: %d JPEG frames %dx%d from %d cameras on %d partitions, %s,"
                        + " batch %d, 1 ORT thread per subtask, %d TaskManagers x 1 slot, %d cores%n",
                frameCount,
                WIDTH,
                HEIGHT,
                CAMERAS,
                maxParallelism,
                model.modelRef(),
                batch,
                maxParallelism,
                Runtime.getRuntime().availableProcessors());
        double raw = rawEngine(model, jpegs, batch);
        out.printf("raw engine (decode + pre-process + ORT, 1 thread): %.1f frames/s%n", raw);

        List<Run> runs = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                LocalFlinkCluster cluster =
                        LocalFlinkCluster.start(
                                LocalClusterOptions.defaults(work)
                                        .withTaskManagers(maxParallelism, 1))) {
            String bootstrap = broker.bootstrapServers();
            String framesTopic = "bench-frames";
            FusionlineTopics.ensure(
                    KafkaAccess.plaintext(bootstrap), List.of(framesTopic), maxParallelism);
            publish(bootstrap, framesTopic, jpegs, frameCount, maxParallelism);
            FlinkRestClient rest = cluster.rest();
            String jar = rest.uploadJar(LocalFlinkCluster.defaultJobJar());
            for (int p : parallelisms) {
                Configuration conf =
                        jobConf(
                                bootstrap,
                                framesTopic,
                                "bench-p" + p,
                                modelReference,
                                encoderDim == 0);
                FusionlineTopics.ensure(
                        KafkaAccess.plaintext(bootstrap),
                        FusionlineTopics.names(conf),
                        FusionlineTopics.DEFAULT_PARTITIONS);
                String job = rest.runJar(jar, JobJarArguments.of(conf), p, null);
                Run run =
                        committedRate(
                                p,
                                bootstrap,
                                conf.get(FusionlineJobOptions.VISION_FEATURES_TOPIC),
                                frameCount);
                double fps = run.framesPerSecond();
                rest.cancel(job);
                FlinkRestClient.await(
                        "the slots of job " + job + " to be free",
                        Duration.ofMinutes(1),
                        () -> {
                            var overview = rest.overview();
                            return overview.path("slots-available").asInt()
                                    == overview.path("slots-total").asInt();
                        });
                runs.add(run);
                out.printf(
                        "parallelism %d: %.1f frames/s (%.2f x raw engine, %.2f x parallelism %d);"
                                + " machine CPUs %.0f %% busy%n",
                        p,
                        fps,
                        fps / raw,
                        fps / runs.get(0).framesPerSecond(),
                        runs.get(0).parallelism(),
                        100 * run.machineBusy());
            }
        }
        Result result = new Result(raw, runs);
        out.printf(
                "scaling %d -> %d: %.2fx%n",
                runs.get(0).parallelism(),
                runs.get(runs.size() - 1).parallelism(),
                result.scaling());
        return result;
    }

    /** Decode, pre-process and encode at the job's batch size on one thread: frames/s. */
    private static double rawEngine(VisionModelDescriptor model, List<byte[]> jpegs, int batch)
            throws Exception {
        FramePreprocessor pre = new FramePreprocessor(model.input(), ImageLimits.DEFAULT);
        int tensor = model.input().tensorSize();
        float[] buffer = new float[batch * tensor];
        try (VisionEncoder encoder = VisionEncoder.open(model, 1)) {
            double best = 0;
            for (int round = 0; round < 3; round++) { // round 0 warms up; the best of 1..2 counts
                long start = System.nanoTime();
                for (int i = 0; i < jpegs.size(); i += batch) {
                    int n = Math.min(batch, jpegs.size() - i);
                    for (int k = 0; k < n; k++) {
                        pre.toTensor(EncodedImage.of(jpegs.get(i + k)), null, buffer, k * tensor);
                    }
                    encoder.encode(buffer, n);
                }
                double fps = jpegs.size() / ((System.nanoTime() - start) / 1e9);
                if (round > 0) {
                    best = Math.max(best, fps);
                }
            }
            return best;
        }
    }

    /** {@code count} frames round-robin over the partitions, so every subtask gets its share. */
    private static void publish(
            String bootstrap, String topic, List<byte[]> jpegs, int count, int partitions) {
        RecordCodec<VideoFrame> codec =
                WireFormat.named(FusionlineJobOptions.WIRE_FORMAT.defaultValue())
                        .codec(VideoFrame.class);
        try (KafkaProducer<byte[], byte[]> producer =
                InputProducers.create(
                        KafkaAccess.plaintext(bootstrap), "fusionline-bench-cluster")) {
            // event times end now: inside the job's accepted event-time bounds
            long first = System.currentTimeMillis() - count * 40L;
            for (int i = 0; i < count; i++) {
                String camera = "cam-" + (i % CAMERAS);
                VideoFrame frame =
                        VideoFrame.newBuilder()
                                .setSourceId(camera)
                                .setSequence(i / CAMERAS)
                                .setEventTime(Instant.ofEpochMilli(first + i * 40L))
                                .setWidth(WIDTH)
                                .setHeight(HEIGHT)
                                .setFormat(FrameFormat.JPEG)
                                .setPayload(ByteBuffer.wrap(jpegs.get(i % jpegs.size())))
                                .build();
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                i % partitions,
                                camera.getBytes(StandardCharsets.UTF_8),
                                codec.encode(frame)));
            }
            producer.flush();
        }
    }

    /** Vision only: the text profile with the encoder, no speech, no OCR. */
    private static Configuration jobConf(
            String bootstrap,
            String framesTopic,
            String run,
            String modelReference,
            boolean patchTokens) {
        Configuration conf = new Configuration();
        conf.set(FusionlineJobOptions.BOOTSTRAP_SERVERS, bootstrap);
        conf.set(FusionlineJobOptions.PROFILE, Profile.TEXT);
        conf.set(FusionlineJobOptions.VISION_MODEL, modelReference);
        conf.set(FusionlineJobOptions.VISION_PATCH_TOKENS, patchTokens);
        conf.set(FusionlineJobOptions.SPEECH_ENABLED, false);
        FusionlineTopics.namedAfter(conf, run);
        conf.set(FusionlineJobOptions.FRAMES_TOPIC, framesTopic);
        conf.set(FusionlineJobOptions.CONSUMER_GROUP, run);
        conf.set(
                FusionlineJobOptions.TRANSACTIONAL_ID_PREFIX,
                run + "-" + UUID.randomUUID().toString().substring(0, 8));
        conf.set(FusionlineJobOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
        FusionlineJobOptions.validate(conf);
        return conf;
    }

    /**
     * Reads {@code topic} ({@code read_committed}) until {@code count} records arrived; returns
     * records per second between the 10th and the 90th percentile of arrivals, and the machine's
     * CPU use over the same span.
     */
    private static Run committedRate(int parallelism, String bootstrap, String topic, int count) {
        long[] arrivals = new long[count];
        int from = count / 10;
        int to = count * 9 / 10;
        long[] cpuFrom = null;
        long[] cpuTo = null;
        int seen = 0;
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer =
                CommittedConsumers.create(
                        KafkaAccess.plaintext(bootstrap), "fusionline-bench-cluster")) {
            consumer.seekToBeginning(CommittedConsumers.assignAll(consumer, List.of(topic)));
            while (seen < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "only " + seen + " of " + count + " features within " + RUN_TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> ignored :
                        consumer.poll(Duration.ofMillis(100))) {
                    if (seen < count) {
                        arrivals[seen++] = System.nanoTime();
                    }
                }
                if (cpuFrom == null && seen > from) {
                    cpuFrom = cpuTicks();
                }
                if (cpuTo == null && seen > to) {
                    cpuTo = cpuTicks();
                }
            }
        }
        double fps = (to - from) / ((arrivals[to] - arrivals[from]) / 1e9);
        double busy = Double.NaN;
        if (cpuFrom != null && cpuTo != null && cpuTo[1] > cpuFrom[1]) {
            busy = (double) (cpuTo[0] - cpuFrom[0]) / (cpuTo[1] - cpuFrom[1]);
        }
        return new Run(parallelism, fps, busy);
    }

    /** Busy and total jiffies of all CPUs from {@code /proc/stat}, or null off Linux. */
    private static long[] cpuTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}
