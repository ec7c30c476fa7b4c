package io.fusionline.bench;

import io.fusionline.multimodal.vision.EncodedImage;
import io.fusionline.multimodal.vision.FramePreprocessor;
import io.fusionline.multimodal.vision.ImageDecoder;
import io.fusionline.multimodal.vision.ImageEncoder;
import io.fusionline.multimodal.vision.ImageLimits;
import io.fusionline.multimodal.vision.VisionEncoder;
import io.fusionline.multimodal.vision.VisionModelDescriptor;
import io.fusionline.operators.vision.VisionEncodeOperator;
import io.fusionline.operators.vision.VisionOptions;
import io.fusionline.runtime.Stats;
import io.fusionline.schema.media.FrameFormat;
import io.fusionline.schema.media.VideoFrame;
import io.fusionline.schema.serde.SingleObjectWireFormat;
import io.fusionline.schema.vision.VisionFeatures;
import io.fusionline.simulation.vision.RandomPatchEncoder;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * {@code ./fusionline bench vision}: the same model and the same JPEG frames, in one run, through
 *
 * <ul>
 *   <li>(a1) a raw ONNX Runtime loop at batch 1 and (a2) at batch B over pre-processed tensors (the
 *       engine alone);
 *   <li>(r) a raw batched loop doing everything the operator does per frame — JPEG decode, resize,
 *       normalize, ORT at batch B — in plain Java on one thread;
 *   <li>(b) the Flink operator ({@link VisionEncodeOperator}) at parallelism 1, with the same B,
 *       fed as fast as it takes frames, on one MiniCluster that serves every round (a long-running
 *       cluster, as in production, rather than a fresh one whose start-up JIT compilation would
 *       compete for the cores during the timed window).
 * </ul>
 *
 * Every path uses one ORT thread, so frames/s is per core. The ratio is (b)/(r): what Flink,
 * batching and Avro cost on top of the same work. Both are steady-state figures: the first tenth of
 * the frames (rounded up to whole batches) warms up and is not timed, so job start-up, which
 * competes for the same cores, is not counted as throughput. JPEG decode and pre-processing are
 * also timed alone. Then (b) runs again at 50 % of its measured throughput, and per-frame latency
 * (generated → features out) is reported as p50/p99.
 */
public final class VisionBenchmark {

    /**
     * Results of one run: medians over the timed rounds; {@code ratio} is the median of the
     * per-round ratios (b)/(r).
     */
    public record Result(
            double ortBatch1Fps,
            double ortBatchedFps,
            double rawPipelineFps,
            double operatorFps,
            double decodeMillis,
            double preprocessMillis,
            double ratio,
            double p50Millis,
            double p99Millis,
            double[] latencyMillis) {}

    static final AtomicLong LAST_OUTPUT = new AtomicLong();
    static final AtomicLong OUTPUTS = new AtomicLong();
    static final AtomicLong WARM_OUTPUTS = new AtomicLong();
    static final AtomicLong WARMED_AT = new AtomicLong();
    static final AtomicLong WARMED_CPU = new AtomicLong();

    /** REST address of the benchmark's MiniCluster, while {@link #run} runs. */
    private static volatile java.net.URI cluster;

    static final AtomicLong LAST_CPU = new AtomicLong();

    /** CPU time of this whole process (all threads: Flink's own included). */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static volatile AtomicLongArray generatedAt = new AtomicLongArray(0);
    static volatile AtomicLongArray latencyNanos = new AtomicLongArray(0);

    private VisionBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param descriptor a model descriptor, or null for the random patch encoder at {@code size}
     */
    public static Result run(
            Path descriptor,
            int size,
            int frameCount,
            int width,
            int height,
            int batch,
            Duration timeout,
            int rounds,
            PrintStream out)
            throws Exception {
        Path tmp = null;
        if (descriptor == null) {
            tmp = Files.createTempDirectory("fusionline-bench-vision-");
            RandomPatchEncoder.write(tmp, size, 16, 192, 42);
            descriptor = tmp.resolve("descriptor.json");
        }
        // One cluster for every operator run: a long-running job, not a fresh MiniCluster (and its
        // start-up JIT compilation, competing for the same cores) in every timed round.
        Configuration flink = new Configuration();
        flink.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        flink.set(RestOptions.ADDRESS, "127.0.0.1");
        flink.set(RestOptions.BIND_PORT, "0");
        try (MiniCluster minicluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(flink)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(1)
                                .build())) {
            minicluster.start();
            cluster = minicluster.getRestAddress().get();
            return measure(descriptor, frameCount, width, height, batch, timeout, rounds, out);
        } finally {
            cluster = null;
            if (tmp != null) {
                try (var files = Files.list(tmp)) {
                    for (Path f : files.toList()) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static Result measure(
            Path descriptorFile,
            int frameCount,
            int width,
            int height,
            int batch,
            Duration timeout,
            int rounds,
            PrintStream out)
            throws Exception {
        VisionModelDescriptor d = VisionModelDescriptor.load(descriptorFile);
        List<byte[]> jpegs = frames(frameCount, width, height);
        long bytes = jpegs.stream().mapToLong(j -> j.length).sum();
        out.printf(
                "vision benchmark: %s (%s), %d JPEG frames %dx%d (%d KB avg), batch B=%d, T=%d ms, 1 ORT thread, %d cores%n",
                d.modelRef(),
                d.input(),
                frameCount,
                width,
                height,
                bytes / frameCount / 1024,
                batch,
                timeout.toMillis(),
                Runtime.getRuntime().availableProcessors());

        FramePreprocessor pre = new FramePreprocessor(d.input(), ImageLimits.DEFAULT);
        int tensor = d.input().tensorSize();
        // The engine-only loops cycle through a ring of pre-processed tensors: holding all of them
        // (600 KB each) would fill the heap and charge GC to whichever path runs next.
        int ring = Math.min(frameCount, 4 * batch);
        float[] tensors = new float[ring * tensor];
        double[] decodeMs = new double[rounds];
        double[] preMs = new double[rounds];
        double[] ortOneFps = new double[rounds];
        double[] ortBatchFps = new double[rounds];
        double[] rawFps = new double[rounds];
        double[] operatorFps = new double[rounds];
        double[] ratios = new double[rounds];
        double[] rawCpuFps = new double[rounds];
        double[] operatorCpuFps = new double[rounds];
        double[] cpuRatios = new double[rounds];
        // Round 0 warms up (JIT, ORT arena, OpenCV); rounds 1..n are timed. Each round runs every
        // path back to back, and the ratio is taken within a round, so a noisy neighbour slowing
        // the machine for a while shifts both sides of a ratio, not one.
        for (int r = 0; r <= rounds; r++) {
            long t0 = System.nanoTime();
            for (byte[] jpeg : jpegs) {
                try (Mat m = ImageDecoder.decode(EncodedImage.of(jpeg), ImageLimits.DEFAULT)) {
                    if (m.empty()) {
                        throw new IllegalStateException("decode failed");
                    }
                }
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < frameCount; i++) {
                pre.toTensor(EncodedImage.of(jpegs.get(i)), null, tensors, (i % ring) * tensor);
            }
            long t2 = System.nanoTime();
            // Alternate which of (r) and (b) runs first, so neither always follows the other.
            double operatorFirst =
                    r % 2 == 1
                            ? operator(descriptorFile, jpegs, width, height, batch, timeout, 0)
                            : 0;
            double operatorFirstCpu = r % 2 == 1 ? operatorCpuSeconds(frameCount, batch) : 0;
            double ortOne;
            double ortBatch;
            double raw;
            double rawCpu;
            try (VisionEncoder encoder = VisionEncoder.open(d, 1)) {
                long s = System.nanoTime();
                for (int i = 0; i < frameCount; i++) {
                    int slot = i % ring;
                    encoder.encode(
                            Arrays.copyOfRange(tensors, slot * tensor, (slot + 1) * tensor), 1);
                }
                ortOne = (System.nanoTime() - s) / 1e9;
                s = System.nanoTime();
                float[] buffer = new float[batch * tensor];
                for (int i = 0; i < frameCount; i += batch) {
                    int n = Math.min(batch, frameCount - i);
                    System.arraycopy(tensors, (i % ring) * tensor, buffer, 0, n * tensor);
                    encoder.encode(buffer, n);
                }
                ortBatch = (System.nanoTime() - s) / 1e9;
                int warm = warmFrames(frameCount, batch);
                s = 0;
                long cpuStart = 0;
                for (int i = 0; i < frameCount; i += batch) {
                    int n = Math.min(batch, frameCount - i);
                    for (int k = 0; k < n; k++) {
                        pre.toTensor(EncodedImage.of(jpegs.get(i + k)), null, buffer, k * tensor);
                    }
                    encoder.encode(buffer, n);
                    if (i + n == warm) {
                        s = System.nanoTime();
                        cpuStart = processCpuNanos();
                    }
                }
                raw = (System.nanoTime() - s) / 1e9 * frameCount / (frameCount - warm);
                rawCpu = (processCpuNanos() - cpuStart) / 1e9 * frameCount / (frameCount - warm);
            }
            double operator =
                    r % 2 == 1
                            ? operatorFirst
                            : operator(descriptorFile, jpegs, width, height, batch, timeout, 0);
            double operatorCpu =
                    r % 2 == 1 ? operatorFirstCpu : operatorCpuSeconds(frameCount, batch);
            if (r > 0) {
                decodeMs[r - 1] = (t1 - t0) / 1e6 / frameCount;
                preMs[r - 1] = (t2 - t1) / 1e6 / frameCount;
                ortOneFps[r - 1] = frameCount / ortOne;
                ortBatchFps[r - 1] = frameCount / ortBatch;
                rawFps[r - 1] = frameCount / raw;
                operatorFps[r - 1] = frameCount / operator;
                ratios[r - 1] = raw / operator;
                rawCpuFps[r - 1] = frameCount / rawCpu;
                operatorCpuFps[r - 1] = frameCount / operatorCpu;
                cpuRatios[r - 1] = rawCpu / operatorCpu;
            }
        }
        double halfLoad = Stats.median(operatorFps) / 2;
        operator(descriptorFile, jpegs, width, height, batch, timeout, halfLoad);
        long[] latencies = new long[frameCount];
        for (int i = 0; i < frameCount; i++) {
            latencies[i] = latencyNanos.get(i);
        }
        Arrays.sort(latencies);
        Result result =
                new Result(
                        Stats.median(ortOneFps),
                        Stats.median(ortBatchFps),
                        Stats.median(rawFps),
                        Stats.median(operatorFps),
                        Stats.median(decodeMs),
                        Stats.median(preMs),
                        Stats.median(ratios),
                        latencies[(int) (frameCount * 0.50)] / 1e6,
                        latencies[Math.min(frameCount - 1, (int) Math.ceil(frameCount * 0.99) - 1)]
                                / 1e6,
                        Arrays.stream(latencies).mapToDouble(l -> l / 1e6).toArray());
        out.printf(
                "JPEG decode alone                 : %6.2f ms per frame%n", result.decodeMillis());
        out.printf(
                "decode + resize + normalize       : %6.2f ms per frame%n",
                result.preprocessMillis());
        out.printf(
                "(a1) raw ORT loop, batch 1        : %7.1f frames/s per core%n",
                result.ortBatch1Fps());
        out.printf(
                "(a2) raw ORT loop, batch %-3d      : %7.1f frames/s per core%n",
                batch, result.ortBatchedFps());
        out.printf(
                "(r)  raw batched loop (decode+ORT): %7.1f frames/s per core%n",
                result.rawPipelineFps());
        out.printf(
                "(b)  Flink operator               : %7.1f frames/s per core%n",
                result.operatorFps());
        Arrays.sort(cpuRatios);
        out.printf(
                "per CPU-second (process CPU time) : (r) %.1f, (b) %.1f frames; ratio %.2f median (range %.2f-%.2f)%n",
                Stats.median(rawCpuFps),
                Stats.median(operatorCpuFps),
                Stats.median(cpuRatios),
                cpuRatios[0],
                cpuRatios[rounds - 1]);
        Arrays.sort(ratios);
        out.printf(
                "vision ratio (b)/(r)              : %.2f median of %d rounds (range %.2f-%.2f; target >= 0.90)%n",
                result.ratio(), rounds, ratios[0], ratios[rounds - 1]);
        out.printf(
                "latency at 50%% load (%.0f frames/s): p50 %.1f ms, p99 %.1f ms (generated -> features out)%n",
                halfLoad, result.p50Millis(), result.p99Millis());
        return result;
    }

    /** Process CPU seconds the last operator run would spend on all frames at its steady rate. */
    private static double operatorCpuSeconds(int frameCount, int batch) {
        return (LAST_CPU.get() - WARMED_CPU.get())
                / 1e9
                * frameCount
                / (frameCount - warmFrames(frameCount, batch));
    }

    /** Frames that warm up before timing starts: a tenth, rounded up to whole batches. */
    static int warmFrames(int frameCount, int batch) {
        int warm = ((frameCount / 10 + batch - 1) / batch) * batch;
        return Math.max(batch, Math.min(warm, frameCount - batch));
    }

    /**
     * The operator on a MiniCluster at parallelism 1; returns the seconds all frames would take at
     * its steady-state rate (after {@link #warmFrames}). With {@code rate > 0} the source is paced
     * at that many frames per second and per-frame latencies are recorded.
     */
    static double operator(
            Path descriptor,
            List<byte[]> jpegs,
            int width,
            int height,
            int batch,
            Duration timeout,
            double rate)
            throws Exception {
        LAST_OUTPUT.set(0);
        OUTPUTS.set(0);
        WARM_OUTPUTS.set(warmFrames(jpegs.size(), batch));
        WARMED_AT.set(0);
        generatedAt = new AtomicLongArray(jpegs.size());
        latencyNanos = new AtomicLongArray(jpegs.size());
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 1);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createRemoteEnvironment(
                        cluster.getHost(), cluster.getPort(), conf);
        env.getConfig().enableObjectReuse(); // as FusionlineJob runs it
        VisionOptions options =
                VisionOptions.of(descriptor.toString())
                        .withBatch(batch, timeout)
                        .withIntraOpThreads(1);
        DataGeneratorSource<VideoFrame> source =
                new DataGeneratorSource<>(
                        new Frames(new ArrayList<>(jpegs), width, height),
                        jpegs.size(),
                        rate > 0 ? RateLimiterStrategy.perSecond(rate) : RateLimiterStrategy.noOp(),
                        new AvroTypeInfo<>(VideoFrame.class));
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "frames")
                .uid("bench-frames")
                .transform(
                        "vision encoder",
                        new AvroTypeInfo<>(VisionFeatures.class),
                        new VisionEncodeOperator(
                                options, SingleObjectWireFormat.INSTANCE, "frames"))
                .uid("bench-vision")
                .sinkTo(new TimingSink())
                .uid("bench-sink");
        env.execute("bench-vision");
        if (OUTPUTS.get() != jpegs.size()) {
            throw new IllegalStateException(
                    "operator emitted "
                            + OUTPUTS.get()
                            + " features for "
                            + jpegs.size()
                            + " frames");
        }
        int warm = warmFrames(jpegs.size(), batch);
        return (LAST_OUTPUT.get() - WARMED_AT.get()) / 1e9 * jpegs.size() / (jpegs.size() - warm);
    }

    /** Camera-like 8-bit frames: a gradient with moving shapes, JPEG quality 85. */
    static List<byte[]> frames(int count, int width, int height) {
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            try (Mat m = new Mat(height, width, opencv_core.CV_8UC3)) {
                byte[] px = new byte[width * height * 3];
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        int at = (y * width + x) * 3;
                        px[at] = (byte) (x + i);
                        px[at + 1] = (byte) (y * 2);
                        px[at + 2] = (byte) ((x ^ y) + 3 * i);
                    }
                }
                m.data().put(px, 0, px.length);
                try (Point centre = new Point((i * 13) % width, height / 2);
                        Scalar colour = new Scalar(20, 200, 240, 0)) {
                    opencv_imgproc.circle(
                            m, centre, height / 6, colour, -1, opencv_imgproc.LINE_AA, 0);
                }
                out.add(ImageEncoder.jpeg(m, 85));
            }
        }
        return out;
    }

    /** Frame {@code i} of a fixed list, stamped with its generation time. */
    private static final class Frames implements GeneratorFunction<Long, VideoFrame> {
        private static final long serialVersionUID = 1L;
        private final ArrayList<byte[]> jpegs;
        private final int width;
        private final int height;

        Frames(ArrayList<byte[]> jpegs, int width, int height) {
            this.jpegs = jpegs;
            this.width = width;
            this.height = height;
        }

        @Override
        public VideoFrame map(Long index) {
            int i = index.intValue();
            generatedAt.set(i, System.nanoTime());
            return VideoFrame.newBuilder()
                    .setSourceId("bench-cam")
                    .setSequence(i)
                    .setEventTime(Instant.ofEpochMilli(1_000L + i))
                    .setWidth(width)
                    .setHeight(height)
                    .setFormat(FrameFormat.JPEG)
                    .setPayload(ByteBuffer.wrap(jpegs.get(i)))
                    .build();
        }
    }

    /** Records when features arrive, and each frame's latency. */
    private static final class TimingSink implements Sink<VisionFeatures> {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<VisionFeatures> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(VisionFeatures f, Context ctx) {
                    long now = System.nanoTime();
                    int i = (int) f.getSequence();
                    latencyNanos.set(i, now - generatedAt.get(i));
                    if (OUTPUTS.incrementAndGet() == WARM_OUTPUTS.get()) {
                        WARMED_AT.set(now);
                        WARMED_CPU.set(processCpuNanos());
                    }
                    LAST_OUTPUT.set(now);
                    if (OUTPUTS.get() == latencyNanos.length()) {
                        LAST_CPU.set(processCpuNanos());
                    }
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
