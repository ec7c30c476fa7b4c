package io.fusionline.bench;

import io.fusionline.multimodal.fusion.BuiltInModels;
import io.fusionline.multimodal.fusion.FusionInput;
import io.fusionline.multimodal.fusion.FusionModel;
import io.fusionline.multimodal.fusion.FusionModelDescriptor;
import io.fusionline.multimodal.fusion.FusionTranslator;
import io.fusionline.multimodal.text.TextEmbedding;
import io.fusionline.multimodal.text.TextEncoder;
import io.fusionline.operators.Profile;
import io.fusionline.operators.fusion.EarlyExit;
import io.fusionline.operators.fusion.FusionDecisionOperator;
import io.fusionline.operators.fusion.FusionOptions;
import io.fusionline.operators.fusion.TextEncodeFunction;
import io.fusionline.runtime.Stats;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.fusion.AlignedWindow;
import io.fusionline.schema.fusion.TextFeatures;
import io.fusionline.schema.serde.SingleObjectWireFormat;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import io.fusionline.schema.vision.VisionFeatures;
import io.fusionline.schema.vision.VisionTensors;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code fusionline bench fusion}: the fusion stage alone, on the built-in inspection model,
 * against its raw engine in the same run.
 *
 * <ul>
 *   <li>(r) raw engine: {@link FusionModel#decide} on batches of B ready-made inputs (patch tokens,
 *       MiniLM token vectors, log numbers) in a loop, one ORT thread;
 *   <li>(b) the {@link FusionDecisionOperator} at parallelism 1 on a MiniCluster, fed aligned
 *       windows (Avro records, as the alignment stage emits them) by a generator: input assembly,
 *       the same model call, decision records with α and evidence.
 *   <li>(c) {@link AttentionCoreBound}: only the token-level attention of such a bridge, at the
 *       model's token counts and at a quarter of them: the upper bound for any bridge of that shape
 *       on this core.
 * </ul>
 *
 * <p>Then, unless skipped, {@link AlertLatencyBenchmark} runs the whole job for the alert latency.
 *
 * <p>(r) and (b) report decisions/s; with one ORT thread and one subtask that is per core. The
 * ratio (b)/(r) is what the operator costs on top of the model. The first fifth of the operator's
 * decisions warms up and is not timed.
 */
public final class FusionBenchmark {

    /** Medians over the rounds. */
    public record Result(double rawPerSecond, double operatorPerSecond, double ratio) {}

    static final AtomicLong OUTPUTS = new AtomicLong();
    static final AtomicLong WARM = new AtomicLong();
    static final AtomicLong WARMED_AT = new AtomicLong();
    static final AtomicLong LAST_AT = new AtomicLong();

    private static final String[] LOGS = {
        "temperature 66.2 C; vibration 2.1 mm/s; tool wear 0.31",
        "temperature 74.9 C; vibration 4.4 mm/s; tool wear 0.88",
        "temperature 69.0 C; vibration 2.9 mm/s; tool wear 0.52"
    };
    private static final String[] NOTES = {
        "there is a deep scratch on the left edge", "the hole was not drilled", ""
    };

    private FusionBenchmark() {}

    public static Result run(int windows, int batch, int rounds, PrintStream out) throws Exception {
        FusionModelDescriptor d = BuiltInModels.fusion(BuiltInModels.INSPECTION_FUSION);
        List<AlignedWindow> samples = windows(d, 64);
        out.printf(
                "fusion benchmark: %s, %d windows per round (frame + log + note in 2 of 3),"
                        + " batch B=%d, 1 ORT thread, %d cores%n",
                d.modelRef(), windows, batch, Runtime.getRuntime().availableProcessors());
        double[] raw = new double[rounds];
        double[] op = new double[rounds];
        double[] ratio = new double[rounds];
        try (FusionModel model = FusionModel.open(d, 1)) {
            List<FusionInput> inputs = new ArrayList<>();
            for (AlignedWindow w : samples) {
                inputs.add(input(w));
            }
            for (int r = -1; r < rounds; r++) { // round -1 warms up both paths
                long start = System.nanoTime();
                for (int done = 0; done < windows; done += batch) {
                    int n = Math.min(batch, windows - done);
                    List<FusionInput> chunk = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        chunk.add(inputs.get((done + i) % inputs.size()));
                    }
                    model.decide(chunk);
                }
                double rawRate = windows / ((System.nanoTime() - start) / 1e9);
                double opRate = operator(samples, windows, batch);
                if (r >= 0) {
                    raw[r] = rawRate;
                    op[r] = opRate;
                    ratio[r] = opRate / rawRate;
                    out.printf(
                            "  round %d: raw %.0f decisions/s, operator %.0f decisions/s, ratio %.2f%n",
                            r + 1, rawRate, opRate, ratio[r]);
                }
            }
        }
        // What any bridge of the shape costs at least, at the model's token counts (64
        // patches, 2 x 32 word pieces + 1 numeric token) and at a quarter of each.
        int language = 2 * d.maxTokens() + 1;
        AttentionCoreBound.windowsPerSecond(language, d.patches(), batch, rounds, out);
        AttentionCoreBound.windowsPerSecond(
                (language + 3) / 4, d.patches() / 4, batch, rounds, out);
        Result result = new Result(Stats.median(raw), Stats.median(op), Stats.median(ratio));
        out.printf(
                "fusion: raw engine %.0f decisions/s per core, operator %.0f decisions/s per core,"
                        + " ratio %.2f (target >= 20000/s per core)%n",
                result.rawPerSecond(), result.operatorPerSecond(), result.ratio());
        return result;
    }

    private static double operator(List<AlignedWindow> samples, int windows, int batch)
            throws Exception {
        OUTPUTS.set(0);
        WARM.set(windows / 5);
        WARMED_AT.set(0);
        Configuration conf = new Configuration();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        env.getConfig().enableObjectReuse();
        FusionOptions options =
                FusionOptions.profile(Profile.INSPECTION).toBuilder()
                        .batching(batch, Duration.ofMillis(50))
                        .earlyExit(EarlyExit.NONE)
                        .provisionalAlerts(false)
                        .build();
        env.fromSource(
                        new DataGeneratorSource<>(
                                new Cycle(new ArrayList<>(samples)),
                                windows,
                                RateLimiterStrategy.noOp(),
                                new AvroTypeInfo<>(AlignedWindow.class)),
                        WatermarkStrategy.noWatermarks(),
                        "windows")
                .transform(
                        "fusion",
                        new AvroTypeInfo<>(Decision.class),
                        new FusionDecisionOperator(
                                options,
                                SingleObjectWireFormat.INSTANCE,
                                "vision-features",
                                "text-events"))
                .sinkTo(new CountingSink());
        env.execute("bench-fusion");
        if (OUTPUTS.get() != windows) {
            throw new IllegalStateException(
                    "operator emitted " + OUTPUTS.get() + " decisions for " + windows + " windows");
        }
        return (windows - WARM.get()) / ((LAST_AT.get() - WARMED_AT.get()) / 1e9);
    }

    /**
     * {@code count} inspection windows: seeded patch tokens, a log line, a note in two of three.
     */
    static List<AlignedWindow> windows(FusionModelDescriptor d, int count) {
        Random random = new Random(3);
        List<AlignedWindow> out = new ArrayList<>();
        try (TextEncoder encoder = TextEncoder.open(1, d.maxTokens())) {
            List<TextFeatures> logs = new ArrayList<>();
            List<TextFeatures> notes = new ArrayList<>();
            for (int i = 0; i < LOGS.length; i++) {
                logs.add(text(encoder, TextKind.MACHINE_LOG, LOGS[i], Map.of("toolWear", 0.3)));
                notes.add(text(encoder, TextKind.TRANSCRIPT, NOTES[i], Map.of()));
            }
            for (int i = 0; i < count; i++) {
                float[] patches = new float[d.patches() * d.visionDim()];
                for (int k = 0; k < patches.length; k++) {
                    patches[k] = (float) random.nextGaussian();
                }
                VisionFeatures frame =
                        VisionFeatures.newBuilder()
                                .setSourceId("line-" + (i % 4))
                                .setSequence(i)
                                .setEventTime(Instant.ofEpochMilli(10_000L * i))
                                .setModel("bench")
                                .setPooled(List.of())
                                .setPatchCount(d.patches())
                                .setPatchDim(d.visionDim())
                                .setPatchTokens(VisionTensors.pack(patches))
                                .setGridWidth(8)
                                .build();
                out.add(
                        AlignedWindow.newBuilder()
                                .setSourceId(frame.getSourceId())
                                .setStart(frame.getEventTime())
                                .setEnd(frame.getEventTime().plusSeconds(6))
                                .setSequence(i + 1)
                                .setVision(List.of(frame))
                                .setTexts(List.of(logs.get(i % 3), notes.get(i % 3)))
                                .build());
            }
        }
        return out;
    }

    private static TextFeatures text(
            TextEncoder encoder, TextKind kind, String text, Map<String, Double> features) {
        TextEvent event =
                TextEvent.newBuilder()
                        .setSourceId("line-0")
                        .setEventTime(Instant.ofEpochMilli(0))
                        .setKind(kind)
                        .setText(text)
                        .setAttributes(Map.of())
                        .setFeatures(features)
                        .build();
        return TextEncodeFunction.features(event, encoder.encode(text), 0f);
    }

    /** What the operator makes of a window: frame tokens, the log and (non-empty) note. */
    static FusionInput input(AlignedWindow w) {
        TextFeatures log = w.getTexts().get(0);
        TextFeatures note = w.getTexts().get(1);
        TextEmbedding[] texts = {
            FusionTranslator.embedding(log),
            note.getWords().isEmpty() ? null : FusionTranslator.embedding(note)
        };
        return new FusionInput(
                VisionTensors.patchTokens(w.getVision().get(0)),
                texts,
                log.getEvent().getFeatures(),
                Map.of());
    }

    /** Window {@code i} of a fixed list, cycling. */
    private static final class Cycle implements GeneratorFunction<Long, AlignedWindow> {
        private static final long serialVersionUID = 1L;
        private final ArrayList<AlignedWindow> samples;

        Cycle(ArrayList<AlignedWindow> samples) {
            this.samples = samples;
        }

        @Override
        public AlignedWindow map(Long index) {
            return samples.get((int) (index % samples.size()));
        }
    }

    /** Counts decisions and notes when warm-up ended and when the last arrived. */
    private static final class CountingSink implements Sink<Decision> {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<Decision> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(Decision d, Context ctx) {
                    long now = System.nanoTime();
                    if (OUTPUTS.incrementAndGet() == WARM.get()) {
                        WARMED_AT.set(now);
                    }
                    LAST_AT.set(now);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
