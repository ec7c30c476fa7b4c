package io.fusionline.operators.fusion;

import io.fusionline.multimodal.fusion.BuiltInModels;
import io.fusionline.multimodal.fusion.FusionInput;
import io.fusionline.multimodal.fusion.FusionModel;
import io.fusionline.multimodal.fusion.FusionModelDescriptor;
import io.fusionline.multimodal.fusion.FusionOutput;
import io.fusionline.multimodal.fusion.FusionTranslator;
import io.fusionline.operators.DeadLetters;
import io.fusionline.operators.EventTimeLag;
import io.fusionline.operators.Failures;
import io.fusionline.operators.batch.MicroBatchOperator;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.fusion.AlignedWindow;
import io.fusionline.schema.fusion.TextFeatures;
import io.fusionline.schema.serde.RecordCodec;
import io.fusionline.schema.serde.WireFormat;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.vision.VisionFeatures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Aligned windows → {@link Decision}s with the attention-bridge fusion model, in micro-batches
 * ({@link MicroBatchOperator}: order kept, each window exactly once, empty at every checkpoint).
 * {@link FusionTranslator} turns each window into the model's input and its output into the
 * decision (inputs, id, score, α, evidence, action); this operator batches, keeps the looks,
 * dead-letters and counts.
 *
 * <p><b>Provisional windows.</b> A window the alignment stage emitted while it was still open
 * ({@link AlignedWindow#getProvisional()}) is decided the same way, but is no decision: when its
 * action stops the line or blocks the payment it goes, marked provisional, to the {@link
 * #PROVISIONAL_ALERTS} side output only, and nothing else. {@link AlertFunction} turns these and
 * the decisions into the alerts topic.
 *
 * <p><b>Bad input.</b> A frame whose patch tokens do not fit the model (another encoder) goes to
 * the dead letters (stage {@value #STAGE}) and the window is decided without it. A window whose
 * input assembly or model call throws (an ONNX Runtime error included; a failed batch is retried
 * window by window) is not decided: each of its inputs becomes a dead letter with the reason
 * ({@code failedWindows}).
 *
 * <p><b>One model call per look.</b> A closed window whose inputs equal those of its last
 * provisional look reuses that look's model output (same inputs, same decision); only windows that
 * changed after their last look, or whose look was lost in a restore, call the model again.
 *
 * <p>Metrics: {@code decisions}, {@code earlyExits}, {@code provisionalDecisions}, {@code
 * provisionalAlerts}, {@code reusedDecisions} (closed windows decided from their last look), {@code
 * failedWindows} (counters), {@code decisionsPerSecond} (meter), {@code batchSize} and {@code
 * inferenceMillis} (histograms).
 */
public final class FusionDecisionOperator extends MicroBatchOperator<AlignedWindow, Decision> {
    private static final long serialVersionUID = 1L;

    /** Stage name in dead letters. */
    public static final String STAGE = "fusion";

    /** Open windows whose last provisional look is kept (a source has one or two open). */
    private static final int LOOKED = 4096;

    /** Provisional decisions that stop the line or block, for {@link AlertFunction}. */
    public static final OutputTag<Decision> PROVISIONAL_ALERTS =
            new OutputTag<>("provisional-alerts", new AvroTypeInfo<>(Decision.class));

    private final FusionOptions options;
    private final WireFormat wireFormat;
    private final String visionTopic;
    private final String textTopic;

    private transient FusionModel model;
    private transient FusionModelDescriptor descriptor;
    private transient FusionTranslator translator;
    private transient List<Object> prepared;
    private transient RecordCodec<VisionFeatures> visionCodec;
    private transient RecordCodec<TextEvent> textCodec;
    private transient Counter failedWindows;
    private transient Counter decisions;
    private transient Counter earlyExits;
    private transient Counter provisionalDecisions;
    private transient Counter provisionalAlerts;
    private transient Counter reusedDecisions;
    private transient EventTimeLag lag;

    /** Last provisional look per open window id, oldest first, at most {@value #LOOKED}. */
    private transient Map<String, Looked> looked;

    /**
     * @param visionTopic topic named in dead letters of a window's frame features
     * @param textTopic topic named in dead letters of a window's texts
     */
    public FusionDecisionOperator(
            FusionOptions options, WireFormat wireFormat, String visionTopic, String textTopic) {
        super(options.batchTimeout());
        this.options = options;
        this.wireFormat = wireFormat;
        this.visionTopic = visionTopic;
        this.textTopic = textTopic;
    }

    @Override
    public void open() throws Exception {
        super.open();
        descriptor = BuiltInModels.resolveFusion(options.model());
        model = FusionModel.open(descriptor, options.intraOpThreads());
        translator = new FusionTranslator(descriptor, options.policy());
        prepared = new ArrayList<>();
        visionCodec = wireFormat.codec(VisionFeatures.class);
        textCodec = wireFormat.codec(TextEvent.class);
        failures = new ArrayList<>();
        failedWindows = getMetricGroup().counter("failedWindows");
        decisions = getMetricGroup().counter("decisions");
        earlyExits = getMetricGroup().counter("earlyExits");
        provisionalDecisions = getMetricGroup().counter("provisionalDecisions");
        provisionalAlerts = getMetricGroup().counter("provisionalAlerts");
        reusedDecisions = getMetricGroup().counter("reusedDecisions");
        looked =
                new LinkedHashMap<>() {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, Looked> eldest) {
                        return size() > LOOKED;
                    }
                };
        getMetricGroup().meter("decisionsPerSecond", new MeterView(decisions));
        lag = EventTimeLag.register(getMetricGroup());
    }

    @Override
    protected int capacity() {
        return options.batchSize();
    }

    @Override
    protected boolean admit(StreamRecord<AlignedWindow> record, int slot) {
        AlignedWindow window = record.getValue();
        try {
            EarlyExit.Early early = options.earlyExit().decide(window, descriptor.labels());
            prepared.add(early != null ? early : input(window));
            return true;
        } catch (Throwable e) { // this window's failure, not the job's
            reject(window, Failures.reason("fusion input failed", e));
            return false;
        }
    }

    /**
     * Dead-letters each input of a closed window that could not be decided (a provisional look at
     * it only counts: its closed window follows and carries the inputs).
     */
    private void reject(AlignedWindow window, String reason) {
        failedWindows.inc();
        if (window.getProvisional()) {
            return;
        }
        byte[] key = window.getSourceId().getBytes(StandardCharsets.UTF_8);
        String why = "window " + FusionTranslator.id(window) + ": " + reason;
        for (VisionFeatures frame : window.getVision()) {
            output.collect(
                    DeadLetters.TAG,
                    new StreamRecord<>(
                            DeadLetters.of(
                                    frame.getOrigin(),
                                    visionTopic,
                                    key,
                                    visionCodec.encode(frame),
                                    STAGE,
                                    why)));
        }
        for (TextFeatures text : window.getTexts()) {
            output.collect(
                    DeadLetters.TAG,
                    new StreamRecord<>(
                            DeadLetters.of(
                                    text.getEvent().getOrigin(),
                                    textTopic,
                                    key,
                                    textCodec.encode(text.getEvent()),
                                    STAGE,
                                    why)));
        }
    }

    /** The model input of {@code window}; a frame that does not fit it is dead-lettered, once. */
    private FusionInput input(AlignedWindow window) {
        FusionTranslator.Prepared prepared = translator.input(window);
        VisionFeatures frame = prepared.unfitFrame();
        if (frame != null && !window.getProvisional()) { // the closed window reports it, once
            output.collect(
                    DeadLetters.TAG,
                    new StreamRecord<>(
                            DeadLetters.of(
                                    frame.getOrigin(),
                                    visionTopic,
                                    window.getSourceId().getBytes(StandardCharsets.UTF_8),
                                    visionCodec.encode(frame),
                                    STAGE,
                                    prepared.unfitReason())));
        }
        return prepared.input();
    }

    @Override
    protected void runBatch(List<StreamRecord<AlignedWindow>> batch) {
        Looked[] reused = new Looked[batch.size()];
        List<FusionInput> inputs = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            AlignedWindow window = batch.get(i).getValue();
            Looked last =
                    window.getProvisional() ? null : looked.remove(FusionTranslator.id(window));
            if (prepared.get(i) instanceof FusionInput in) {
                if (last != null && last.sameInputs(window)) {
                    reused[i] = last;
                    reusedDecisions.inc();
                } else {
                    inputs.add(in);
                }
            }
        }
        long started = System.currentTimeMillis();
        List<FusionOutput> outputs = decide(inputs);
        List<List<FusionOutput>> alone = null;
        if (options.modalityScores()) {
            try {
                alone = alone(inputs);
            } catch (Throwable e) { // the scores alone are extra: decide without them
                alone = null;
            }
        }
        int next = 0;
        for (int i = 0; i < batch.size(); i++) {
            StreamRecord<AlignedWindow> record = batch.get(i);
            AlignedWindow window = record.getValue();
            Decision decision;
            if (prepared.get(i) instanceof EarlyExit.Early early) {
                if (!window.getProvisional()) {
                    earlyExits.inc();
                }
                decision =
                        translator.early(
                                window,
                                early.probabilities(),
                                early.label(),
                                early.reason(),
                                started);
            } else {
                Looked look = reused[i];
                if (look == null && outputs.get(next) == null) {
                    next++;
                    reject(window, failures.remove(0));
                    continue;
                }
                if (look == null) {
                    look =
                            new Looked(
                                    window,
                                    outputs.get(next),
                                    alone == null ? null : alone.get(next));
                    next++;
                    if (window.getProvisional()) {
                        looked.put(FusionTranslator.id(window), look);
                    }
                }
                try {
                    decision =
                            translator.fused(
                                    window,
                                    (FusionInput) prepared.get(i),
                                    look.out,
                                    look.alone,
                                    started);
                } catch (Throwable e) { // evidence from this window's inputs: its failure only
                    reject(window, Failures.reason("fusion evidence failed", e));
                    continue;
                }
            }
            if (decision.getProvisional()) {
                provisionalDecisions.inc();
                if (FusionTranslator.isAlert(decision)) {
                    provisionalAlerts.inc();
                    output.collect(
                            PROVISIONAL_ALERTS,
                            new StreamRecord<>(decision, record.getTimestamp()));
                }
                continue;
            }
            lag.record(decision.getWindowEnd().toEpochMilli());
            decisions.inc();
            output.collect(record.replace(decision));
        }
        prepared.clear();
    }

    /** Reasons of the inputs {@link #decide} could not decide, in order. */
    private transient List<String> failures;

    /**
     * The model's outputs for {@code inputs}, in order. When the batch fails (an ONNX Runtime
     * error), each input is tried alone, and one that fails again gets a null output and its reason
     * in {@link #failures}: one bad window never takes its batch with it.
     */
    private List<FusionOutput> decide(List<FusionInput> inputs) {
        if (inputs.isEmpty()) {
            return List.of();
        }
        try {
            return model.decide(inputs);
        } catch (Throwable batchFailure) {
            List<FusionOutput> outputs = new ArrayList<>();
            for (FusionInput in : inputs) {
                try {
                    outputs.add(model.decide(List.of(in)).get(0));
                } catch (Throwable e) {
                    outputs.add(null);
                    failures.add(Failures.reason("fusion model failed", e));
                }
            }
            return outputs;
        }
    }

    /** Closed windows decided from their last provisional look so far (for tests). */
    long reusedDecisions() {
        return reusedDecisions.getCount();
    }

    /**
     * The model's answer for the last provisional look at an open window. When the closed window
     * brings exactly the same inputs (the usual case: every input arrived before the close), its
     * decision reuses the answer instead of calling the model again. A second call would give the
     * same answer up to the last float bits (ONNX Runtime's sums depend on the batch a window is
     * in), so reusing also keeps a provisional alert and its decision from disagreeing by rounding
     * at a threshold. Not state: after a restore the model is simply called.
     */
    private static final class Looked {
        // A window only gains inputs while open, so counts plus a hash of the inputs' identities
        // tell a changed one apart; neither the inputs (token vectors, ~100 KB a window) are kept
        // nor their bytes hashed.
        final int frames;
        final int texts;
        final int hash;
        final FusionOutput out;
        final List<FusionOutput> alone;

        Looked(AlignedWindow window, FusionOutput out, List<FusionOutput> alone) {
            this.frames = window.getVision().size();
            this.texts = window.getTexts().size();
            this.hash = hash(window);
            this.out = out;
            this.alone = alone;
        }

        boolean sameInputs(AlignedWindow window) {
            return frames == window.getVision().size()
                    && texts == window.getTexts().size()
                    && hash == hash(window);
        }

        private static int hash(AlignedWindow window) {
            int h = 1;
            for (VisionFeatures f : window.getVision()) {
                h = 31 * h + Long.hashCode(f.getSequence());
                h = 31 * h + f.getEventTime().hashCode();
            }
            for (TextFeatures t : window.getTexts()) {
                TextEvent e = t.getEvent();
                h = 31 * h + e.getKind().ordinal();
                h = 31 * h + e.getEventTime().hashCode();
                h = 31 * h + e.getText().hashCode();
            }
            return h;
        }
    }

    /**
     * For each input, the outputs of each modality alone, in the model's modality order: one model
     * call per modality over the batch. A missing modality alone is the model with everything
     * masked (its prior), as the training kit scores modalities alone for the cards.
     */
    private List<List<FusionOutput>> alone(List<FusionInput> inputs) {
        int modalities = descriptor.modalities().size();
        List<List<FusionOutput>> out = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            out.add(new ArrayList<>(modalities));
        }
        for (int m = 0; m < modalities; m++) {
            boolean[] keep = new boolean[modalities];
            keep[m] = true;
            List<FusionInput> only = new ArrayList<>(inputs.size());
            for (FusionInput in : inputs) {
                only.add(in.only(keep));
            }
            List<FusionOutput> results = model.decide(only);
            for (int i = 0; i < inputs.size(); i++) {
                out.get(i).add(results.get(i));
            }
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        try {
            if (model != null) {
                model.close();
                model = null;
            }
        } finally {
            super.close();
        }
    }
}
