package io.fusionline.bench;

import io.fusionline.multimodal.audio.SharedSpeechModel;
import io.fusionline.multimodal.audio.SpeechRecognizer;
import io.fusionline.multimodal.audio.VoskModelLocator;
import io.fusionline.operators.audio.AudioChunks;
import io.fusionline.operators.audio.SpeechRecognitionFunction;
import io.fusionline.operators.audio.SpeechRecognitionOptions;
import io.fusionline.schema.media.AudioChunk;
import io.fusionline.schema.serde.SingleObjectWireFormat;
import io.fusionline.schema.text.Transcript;
import io.fusionline.simulation.speech.PhraseSynthesizer;
import io.fusionline.simulation.speech.SpeechPhrases;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code ./fusionline bench asr}: the same synthesized audio (several sources, 250 ms chunks of 16
 * kHz speech) recognized (a) by Vosk directly in a loop and (b) by the fusionline speech operator
 * on a Flink MiniCluster at parallelism 1, in one run. Both are timed from the first chunk fed to
 * the last final result, best of {@code rounds}, so job start-up is not counted against (b). Prints
 * the real-time factor (processing time / audio time), real-time streams per core (1 / RTF on one
 * core), the ratio of throughputs (b)/(a), and the peak resident memory of this JVM (which is the
 * MiniCluster's task manager) while the operator runs with 1 and with all sources.
 */
public final class AsrBenchmark {

    static final int CHUNK_MS = 250;
    private static final int RATE = SpeechRecognizer.MODEL_RATE;

    /** Results of one benchmark run. */
    public record Result(
            int sources,
            double audioSeconds,
            double rawSeconds,
            double operatorSeconds,
            long rssOneSourceMb,
            long rssAllSourcesMb,
            int modelLoadsPerJob) {

        public double rawRtf() {
            return rawSeconds / audioSeconds;
        }

        public double operatorRtf() {
            return operatorSeconds / audioSeconds;
        }

        /** Throughput of the operator relative to raw Vosk (higher is better; 1 = no overhead). */
        public double ratio() {
            return rawSeconds / operatorSeconds;
        }
    }

    private AsrBenchmark() {}

    /** Runs the benchmark and prints its report to {@code out}. */
    public static Result run(int sources, double secondsPerSource, int rounds, PrintStream out)
            throws Exception {
        out.printf(
                "ASR benchmark: %d sources x %.0f s of FreeTTS speech, %d ms chunks, %s%n",
                sources, secondsPerSource, CHUNK_MS, VoskModelLocator.BUNDLED_ID);
        short[][] audio = synthesize(sources, secondsPerSource);
        double audioSeconds = Arrays.stream(audio).mapToDouble(a -> a.length / (double) RATE).sum();

        // Warm up both paths (JIT, model extraction) on a little audio.
        short[][] warm = {Arrays.copyOf(audio[0], Math.min(audio[0].length, RATE * 3))};
        raw(warm);
        operator(warm, null, null);

        double rawBest = Double.MAX_VALUE;
        double operatorBest = Double.MAX_VALUE;
        long[] rssAll = {0};
        int[] loads = {0};
        for (int r = 0; r < rounds; r++) {
            rawBest = Math.min(rawBest, raw(audio));
            operatorBest = Math.min(operatorBest, operator(audio, rssAll, loads));
        }
        int loadsPerJob = loads[0] / rounds;
        long[] rssOne = probe(new short[][] {audio[0]});
        long[] rssAllFresh = probe(audio);

        Result result =
                new Result(
                        sources,
                        audioSeconds,
                        rawBest,
                        operatorBest,
                        rssOne[0] >> 20,
                        rssAllFresh[0] >> 20,
                        (int) rssAllFresh[1]);
        out.printf("audio              : %.1f s%n", audioSeconds);
        out.printf(
                "(a) raw Vosk loop  : %6.2f s  RTF %.3f  %5.1f real-time streams per core%n",
                result.rawSeconds(), result.rawRtf(), 1 / result.rawRtf());
        out.printf(
                "(b) Flink operator : %6.2f s  RTF %.3f  %5.1f real-time streams per core%n",
                result.operatorSeconds(), result.operatorRtf(), 1 / result.operatorRtf());
        out.printf("ASR ratio (b)/(a)  : %.2f (target >= 0.90)%n", result.ratio());
        out.printf(
                "task manager memory (fresh JVM, 512 MB pre-touched heap, peak RSS): 1 source %d MB, %d sources %d MB; model loads in the %d-source job: %d (in timed rounds: %d per job)%n",
                result.rssOneSourceMb(),
                sources,
                result.rssAllSourcesMb(),
                sources,
                result.modelLoadsPerJob(),
                loadsPerJob);
        return result;
    }

    /** Vosk alone: one recognizer per source, chunks fed round-robin on this thread. */
    private static double raw(short[][] audio) {
        try (SharedSpeechModel model = SharedSpeechModel.acquire(VoskModelLocator.bundled())) {
            List<SpeechRecognizer> recognizers = new ArrayList<>();
            for (int s = 0; s < audio.length; s++) {
                recognizers.add(new SpeechRecognizer(model));
            }
            int chunk = RATE / 1000 * CHUNK_MS;
            int chunks = maxChunks(audio);
            long start = System.nanoTime();
            long lastFinal = start;
            for (int c = 0; c < chunks; c++) {
                for (int s = 0; s < audio.length; s++) {
                    int from = c * chunk;
                    if (from >= audio[s].length) {
                        continue;
                    }
                    short[] part =
                            Arrays.copyOfRange(
                                    audio[s], from, Math.min(audio[s].length, from + chunk));
                    if (recognizers.get(s).accept(part, 1_000L + c * CHUNK_MS).isPresent()) {
                        lastFinal = System.nanoTime();
                    }
                }
            }
            recognizers.forEach(SpeechRecognizer::close);
            return (lastFinal - start) / 1e9;
        }
    }

    static final AtomicLong FIRST_INPUT = new AtomicLong();

    /** RSS before the last operator job (bytes). */
    static volatile long lastBaseline;

    static final AtomicLong LAST_OUTPUT = new AtomicLong();

    /**
     * Runs the operator over {@code audio} in a fresh JVM ({@link AsrMemoryProbe}); returns its
     * peak RSS in bytes and how many times it loaded the model.
     */
    private static long[] probe(short[][] audio) throws IOException, InterruptedException {
        Path file = Files.createTempFile("fusionline-bench-", ".pcm");
        try {
            AsrMemoryProbe.write(file, audio);
            Process p =
                    new ProcessBuilder(
                                    Path.of(System.getProperty("java.home"), "bin", "java")
                                            .toString(),
                                    "-Xms512m",
                                    "-Xmx512m",
                                    "-XX:+AlwaysPreTouch",
                                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                                    "-Dlog4j2.configurationFile=fusionline-cli-log4j2.xml",
                                    "-cp",
                                    System.getProperty("java.class.path"),
                                    AsrMemoryProbe.class.getName(),
                                    file.toString())
                            .redirectErrorStream(true)
                            .start();
            String output = new String(p.getInputStream().readAllBytes()).trim();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("memory probe failed: " + output);
            }
            String[] last = output.substring(output.lastIndexOf('\n') + 1).split(" ");
            return new long[] {Long.parseLong(last[0]), Long.parseLong(last[1])};
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * The operator on a MiniCluster at parallelism 1; adds the RSS growth over a post-GC baseline
     * into {@code rss} (max) and the model loads into {@code loads}.
     */
    static double operator(short[][] audio, long[] rss, int[] loads) throws Exception {
        return operator(audio, SpeechRecognitionOptions.defaults().withGate(false), rss, loads);
    }

    /** Final transcripts of the last {@link #operator} run. */
    static final java.util.Queue<Transcript> FINALS =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** {@link #operator(short[][], long[], int[])} with {@code options}. */
    static double operator(
            short[][] audio, SpeechRecognitionOptions options, long[] rss, int[] loads)
            throws Exception {
        FINALS.clear();
        FIRST_INPUT.set(0);
        LAST_OUTPUT.set(0);
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 1);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        int chunks = maxChunks(audio) * audio.length;
        env.fromSource(
                        new DataGeneratorSource<>(
                                new Chunks(audio), chunks, new AvroTypeInfo<>(AudioChunk.class)),
                        WatermarkStrategy.noWatermarks(),
                        "audio")
                .uid("bench-audio")
                .filter(c -> c.getPayload().remaining() > 0)
                .uid("bench-non-empty")
                .keyBy(AudioChunk::getSourceId)
                .process(
                        new SpeechRecognitionFunction(
                                options, SingleObjectWireFormat.INSTANCE, "bench-audio"),
                        new AvroTypeInfo<>(Transcript.class))
                .uid("bench-asr")
                .sinkTo(new TimingSink())
                .uid("bench-sink");
        System.gc();
        long baseline = RssSampler.rss();
        lastBaseline = baseline;
        int loadsBefore = SharedSpeechModel.loadsSoFar();
        RssSampler sampler = RssSampler.start();
        env.execute("bench-asr");
        long peak = sampler.stop();
        if (rss != null) {
            rss[0] = Math.max(rss[0], peak - baseline);
        }
        if (loads != null) {
            loads[0] += SharedSpeechModel.loadsSoFar() - loadsBefore;
        }
        return (LAST_OUTPUT.get() - FIRST_INPUT.get()) / 1e9;
    }

    static int maxChunks(short[][] audio) {
        int chunk = RATE / 1000 * CHUNK_MS;
        return Arrays.stream(audio).mapToInt(a -> (a.length + chunk - 1) / chunk).max().orElse(0);
    }

    /** Phrases of both domains, 0.6 s apart, until each source has {@code seconds} of audio. */
    private static short[][] synthesize(int sources, double seconds) {
        List<String> phrases = new ArrayList<>(SpeechPhrases.INSPECTION);
        phrases.addAll(SpeechPhrases.FRAUD);
        Map<String, short[]> spoken = new HashMap<>();
        short[][] audio = new short[sources][];
        try (PhraseSynthesizer tts = new PhraseSynthesizer()) {
            for (int s = 0; s < sources; s++) {
                short[] a = new short[0];
                for (int p = s; a.length < seconds * RATE; p += 3) {
                    String phrase = phrases.get(p % phrases.size());
                    short[] speech = spoken.computeIfAbsent(phrase, tts::speak);
                    int at = a.length;
                    a = Arrays.copyOf(a, at + speech.length + RATE * 6 / 10);
                    System.arraycopy(speech, 0, a, at, speech.length);
                }
                audio[s] = a;
            }
        }
        return audio;
    }

    /** Chunk {@code i} is chunk {@code i / sources} of source {@code i % sources}. */
    private static final class Chunks implements GeneratorFunction<Long, AudioChunk> {
        private static final long serialVersionUID = 1L;
        private final short[][] audio;

        Chunks(short[][] audio) {
            this.audio = audio;
        }

        @Override
        public AudioChunk map(Long index) throws InterruptedException {
            if (index == 0) {
                // Start the clock once the operator has opened (model loaded), as the raw loop
                // does; the load itself is start-up cost, not throughput.
                long deadline = System.nanoTime() + 120_000_000_000L;
                while (SharedSpeechModel.loadedNow() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(10); // bounded wait for the operator's open()
                }
                FIRST_INPUT.set(System.nanoTime());
            }
            int source = (int) (index % audio.length);
            int c = (int) (index / audio.length);
            int chunk = RATE / 1000 * CHUNK_MS;
            int from = Math.min(audio[source].length, c * chunk);
            int to = Math.min(audio[source].length, from + chunk);
            return AudioChunks.of(
                    "bench-" + source,
                    c,
                    1_000L + (long) c * CHUNK_MS,
                    RATE,
                    audio[source],
                    from,
                    to);
        }
    }

    /** Records when the last final transcript arrived. */
    private static final class TimingSink implements Sink<Transcript> {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<Transcript> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(Transcript t, Context ctx) {
                    LAST_OUTPUT.set(System.nanoTime());
                    if (t.getKind() == io.fusionline.schema.text.TranscriptKind.FINAL) {
                        FINALS.add(t);
                    }
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }

    /** Samples this process's resident set size (Linux {@code /proc/self/status}) every 50 ms. */
    static final class RssSampler {
        private final Thread thread;
        private volatile boolean running = true;
        private volatile long peak;

        private RssSampler() {
            thread =
                    new Thread(
                            () -> {
                                while (running) {
                                    peak = Math.max(peak, rss());
                                    try {
                                        Thread.sleep(50); // sampling period of a monitor
                                    } catch (InterruptedException e) {
                                        return;
                                    }
                                }
                            },
                            "rss-sampler");
            thread.setDaemon(true);
        }

        static RssSampler start() {
            RssSampler s = new RssSampler();
            s.thread.start();
            return s;
        }

        long stop() throws InterruptedException {
            running = false;
            thread.join();
            return Math.max(peak, rss());
        }

        static long rss() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // not Linux: fall through to the JVM's own view
            }
            Runtime rt = Runtime.getRuntime();
            return rt.totalMemory() - rt.freeMemory();
        }
    }
}
