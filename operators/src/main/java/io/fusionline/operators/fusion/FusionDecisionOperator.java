package io.fusionline.operators.fusion;

import io.fusionline.multimodal.fusion.BuiltInModels;
import io.fusionline.multimodal.fusion.FusionInput;
import io.fusionline.multimodal.fusion.FusionModel;
import io.fusionline.multimodal.fusion.FusionModelDescriptor;
import io.fusionline.multimodal.fusion.FusionOutput;
import io.fusionline.multimodal.fusion.FusionTranslator;
import io.fusionline.multimodal.fusion.ModalityHead;
import io.fusionline.multimodal.fusion.ModalityHeadDescriptor;
import io.fusionline.multimodal.text.TextEncoder;
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
import io.fusionline.schema.text.TextKind;
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
 * <p><b>Routes.</b> A window holding only the modality of the profile's head ({@link
 * FusionOptions#head()}; the fraud profile: a payment without call or document) is decided by that
 * head from the event's numeric features, in one head call per batch: route {@code HEAD}, no text
 * encoder, no bridge. Other windows take an early exit ({@link EarlyExit}) or the bridge; texts the
 * text encoder left for later ({@link TextEncodeFunction#deferred}) are encoded here first, each
 * once while its window is open ({@code deferredEncodings}).
 *
 * <p><b>Provisional windows.</b> A window the alignment stage emitted while it was still open
 * ({@link AlignedWindow#getProvisional()}) is decided the same way, but is no decision: when its
 * action stops the line or blocks the payment it goes, marked provisional, to the {@link
 * #PROVISIONAL_ALERTS} side output only, and nothing else. {@link AlertFunction} turns these and
 * the decisions into the alerts topic. Every provisional decision also goes to the {@link #SCORES}
 * side output: the score of a window as its inputs arrive (a payment's risk at once), for the
 * scores topic.
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
 * headDecisions} (closed windows decided by the head), {@code deferredEncodings}, {@code
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

    /** Every provisional decision: a window's score as its inputs arrive. */
    public static final OutputTag<Decision> SCORES =
            new OutputTag<>("scores", new AvroTypeInfo<>(Decision.class));

    /** Longest a window waits for a head-only batch to fill: a head call costs microseconds. */
    static final java.time.Duration HEAD_BATCH_TIMEOUT = java.time.Duration.ofMillis(1);

    /** Deferred texts kept encoded while their windows may still need them. */
    private static final int ENCODED = 4096;

    /** Which windows an instance decides. */
    public enum Role {
        /** Every window: the head's where it applies, the others by early exit or the bridge. */
        ALL,
        /**
         * Only the windows the head decides ({@link WindowRouter}'s main output); any other is
         * dead-lettered. Opens no bridge and no text encoder; batches wait at most {@link
         * #HEAD_BATCH_TIMEOUT}.
         */
        HEAD,
        /** Only windows for an early exit or the bridge ({@link WindowRouter#BRIDGE}); no head. */
        BRIDGE
    }

    private final FusionOptions options;
    private final Role role;
    private final WireFormat wireFormat;
    private final String visionTopic;
    private final String textTopic;

    private transient FusionModel model;
    private transient FusionModelDescriptor descriptor;
    private transient FusionTranslator translator;
    private transient ModalityHead head;
    private transient String headModality;
    private transient TextEncoder encoder;
    private transient Map<EncodedKey, TextFeatures> encoded;
    private transient Counter headDecisions;
    private transient Counter deferredEncodings;
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
        this(options, Role.ALL, wireFormat, visionTopic, textTopic);
    }

    /**
     * @param role which windows this instance decides (see {@link Role})
     * @param visionTopic topic named in dead letters of a window's frame features
     * @param textTopic topic named in dead letters of a window's texts
     */
    public FusionDecisionOperator(
            FusionOptions options,
            Role role,
            WireFormat wireFormat,
            String visionTopic,
            String textTopic) {
        super(role == Role.HEAD ? HEAD_BATCH_TIMEOUT : options.batchTimeout());
        if (role == Role.HEAD && options.head() == null) {
            throw new IllegalArgumentException("a head-only fusion stage needs a head");
        }
        this.options = options;
        this.role = role;
        this.wireFormat = wireFormat;
        this.visionTopic = visionTopic;
        this.textTopic = textTopic;
    }

    @Override
    public void open() throws Exception {
        super.open();
        descriptor = BuiltInModels.resolveFusion(options.model());
        translator = new FusionTranslator(descriptor, options.policy());
        if (role != Role.HEAD) {
            model = FusionModel.open(descriptor, options.intraOpThreads());
        }
        headModality = role == Role.BRIDGE ? null : options.headModality();
        if (headModality != null && !FusionOptions.ENCODER_HEAD.equals(options.head())) {
            ModalityHeadDescriptor headDescriptor = BuiltInModels.resolveHead(options.head());
            headDescriptor.requireFits(descriptor);
            head = ModalityHead.open(headDescriptor, options.intraOpThreads());
        }
        if (role != Role.HEAD && !options.deferredKinds().isEmpty()) {
            encoder = TextEncoder.open(options.intraOpThreads(), descriptor.maxTokens());
        }
        encoded = lru(ENCODED);
        prepared = new ArrayList<>();
        visionCodec = wireFormat.codec(VisionFeatures.class);
        textCodec = wireFormat.codec(TextEvent.class);
        failures = new ArrayList<>();
        headFailures = new ArrayList<>();
        failedWindows = getMetricGroup().counter("failedWindows");
        decisions = getMetricGroup().counter("decisions");
        earlyExits = getMetricGroup().counter("earlyExits");
        provisionalDecisions = getMetricGroup().counter("provisionalDecisions");
        provisionalAlerts = getMetricGroup().counter("provisionalAlerts");
        reusedDecisions = getMetricGroup().counter("reusedDecisions");
        headDecisions = getMetricGroup().counter("headDecisions");
        deferredEncodings = getMetricGroup().counter("deferredEncodings");
        looked = lru(LOOKED);
        getMetricGroup().meter("decisionsPerSecond", new MeterView(decisions));
        lag = EventTimeLag.register(getMetricGroup());
    }

    /** A map that forgets its oldest entry beyond {@code bound}. */
    private static <K, V> Map<K, V> lru(int bound) {
        return new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > bound;
            }
        };
    }

    @Override
    protected int capacity() {
        return options.batchSize();
    }

    @Override
    protected boolean admit(StreamRecord<AlignedWindow> record, int slot) {
        AlignedWindow window = record.getValue();
        try {
            if (headModality != null && translator.onlyModality(window, headModality)) {
                if (head == null) { // the vision encoder's own logits
                    VisionFeatures frame = FusionTranslator.latestFrame(window);
                    prepared.add(
                            new EncoderHead(
                                    frame.getModel(),
                                    FusionTranslator.encoderProbabilities(
                                            frame, descriptor.labels())));
                } else {
                    prepared.add(new HeadInput(translator.headInput(window, headModality)));
                }
                return true;
            }
            if (role == Role.HEAD) {
                reject(window, "routed to the head, but holds more than the head's modality");
                return false;
            }
            EarlyExit.Early early = options.earlyExit().decide(window, descriptor.labels());
            prepared.add(early != null ? early : input(encodeDeferred(window)));
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

    /**
     * {@code window} with its deferred texts encoded (a shallow copy; the window itself is not
     * changed), or {@code window} when it has none.
     */
    private AlignedWindow encodeDeferred(AlignedWindow window) {
        List<TextFeatures> texts = window.getTexts();
        List<TextFeatures> ready = null;
        for (int i = 0; i < texts.size(); i++) {
            TextFeatures t = texts.get(i);
            if (!FusionTranslator.deferred(t)) {
                continue;
            }
            if (ready == null) {
                ready = new ArrayList<>(texts);
            }
            if (encoder == null) {
                throw new IllegalStateException(
                        "a "
                                + t.getEvent().getKind()
                                + " text arrived unencoded, and this fusion stage has no head"
                                + " whose texts it encodes");
            }
            EncodedKey key = EncodedKey.of(t.getEvent());
            TextFeatures e = encoded.get(key);
            if (e == null) {
                long start = System.nanoTime();
                TextEvent event = t.getEvent();
                e =
                        TextEncodeFunction.features(
                                event,
                                encoder.encode(event.getText() == null ? "" : event.getText()),
                                (System.nanoTime() - start) / 1e6f);
                encoded.put(key, e);
                deferredEncodings.inc();
            }
            ready.set(i, e);
        }
        if (ready == null) {
            return window;
        }
        AlignedWindow copy = new AlignedWindow();
        for (int f = 0; f < window.getSchema().getFields().size(); f++) {
            copy.put(f, window.get(f));
        }
        copy.setTexts(ready);
        return copy;
    }

    /** Identity of a deferred text: its source, time, kind and text. */
    private record EncodedKey(String source, long time, TextKind kind, String text) {
        static EncodedKey of(TextEvent e) {
            return new EncodedKey(
                    e.getSourceId(), e.getEventTime().toEpochMilli(), e.getKind(), e.getText());
        }
    }

    /** A window the head decides: its numeric features. */
    private record HeadInput(FusionInput input) {}

    /** A frame alone, decided by its encoder's own class probabilities. */
    private record EncoderHead(String model, float[] probabilities) {}

    @Override
    protected void runBatch(List<StreamRecord<AlignedWindow>> batch) {
        Looked[] reused = new Looked[batch.size()];
        // a closed window whose provisional look with the same inputs is earlier in this batch
        // takes that look's answer: index of the look, or -1
        int[] sameAs = new int[batch.size()];
        Map<String, Integer> batchLooks = new java.util.HashMap<>();
        List<FusionInput> inputs = new ArrayList<>();
        List<FusionInput> headInputs = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            AlignedWindow window = batch.get(i).getValue();
            String id = FusionTranslator.id(window);
            sameAs[i] = -1;
            Looked last = window.getProvisional() ? null : looked.remove(id);
            if (window.getProvisional()) {
                batchLooks.put(id, i);
            } else if (last == null && batchLooks.containsKey(id)) {
                int j = batchLooks.get(id);
                if (prepared.get(j).getClass() == prepared.get(i).getClass()
                        && (prepared.get(i) instanceof HeadInput
                                || prepared.get(i) instanceof FusionInput)
                        && Looked.same(batch.get(j).getValue(), window)) {
                    sameAs[i] = j;
                    reusedDecisions.inc();
                    continue;
                }
            }
            if (prepared.get(i) instanceof HeadInput in) {
                if (last != null && last.head != null && last.sameInputs(window)) {
                    reused[i] = last;
                    reusedDecisions.inc();
                } else {
                    headInputs.add(in.input());
                }
            } else if (prepared.get(i) instanceof FusionInput in) {
                if (last != null && last.out != null && last.sameInputs(window)) {
                    reused[i] = last;
                    reusedDecisions.inc();
                } else {
                    inputs.add(in);
                }
            }
        }
        long started = System.currentTimeMillis();
        List<float[]> headOutputs = headScores(headInputs);
        int nextHead = 0;
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
        Looked[] made = new Looked[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            StreamRecord<AlignedWindow> record = batch.get(i);
            AlignedWindow window = record.getValue();
            if (sameAs[i] >= 0) {
                reused[i] = made[sameAs[i]];
                looked.remove(FusionTranslator.id(window));
                if (reused[i] == null) {
                    reject(window, "its provisional look in the same batch could not be decided");
                    continue;
                }
            }
            Decision decision;
            if (prepared.get(i) instanceof HeadInput) {
                Looked look = reused[i];
                if (look == null) {
                    float[] p = headOutputs.get(nextHead++);
                    if (p == null) {
                        reject(window, headFailures.remove(0));
                        continue;
                    }
                    look = new Looked(window, p);
                    if (window.getProvisional()) {
                        looked.put(FusionTranslator.id(window), look);
                    }
                }
                made[i] = look;
                ModalityHeadDescriptor d = head.descriptor();
                decision = translator.head(window, d.modelRef(), d.modality(), look.head, started);
                if (!window.getProvisional()) {
                    headDecisions.inc();
                }
            } else if (prepared.get(i) instanceof EncoderHead e) {
                decision =
                        translator.head(
                                window,
                                e.model(),
                                FusionTranslator.VISION,
                                e.probabilities(),
                                started);
                if (!window.getProvisional()) {
                    headDecisions.inc();
                }
            } else if (prepared.get(i) instanceof EarlyExit.Early early) {
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
                made[i] = look;
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
                output.collect(SCORES, new StreamRecord<>(decision, record.getTimestamp()));
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

    /**
     * The head's probabilities for {@code inputs}, in order; as {@link #decide}, a failed batch is
     * tried input by input, and one that fails again gets null and its reason in {@link #failures}.
     */
    private List<float[]> headScores(List<FusionInput> inputs) {
        if (inputs.isEmpty()) {
            return List.of();
        }
        try {
            return head.probabilities(inputs);
        } catch (Throwable batchFailure) {
            List<float[]> outputs = new ArrayList<>();
            for (FusionInput in : inputs) {
                try {
                    outputs.add(head.probabilities(List.of(in)).get(0));
                } catch (Throwable e) {
                    outputs.add(null);
                    headFailures.add(Failures.reason("head model failed", e));
                }
            }
            return outputs;
        }
    }

    /** Reasons of the inputs {@link #decide} could not decide, in order. */
    private transient List<String> failures;

    /** Reasons of the inputs {@link #headScores} could not decide, in order. */
    private transient List<String> headFailures;

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

    /** Deferred texts encoded here so far (for tests). */
    long deferredEncodings() {
        return deferredEncodings.getCount();
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
        final float[] head;

        /** The bridge's answer, with each modality's alone when asked for. */
        Looked(AlignedWindow window, FusionOutput out, List<FusionOutput> alone) {
            this(window, out, alone, null);
        }

        /** The head's probabilities. */
        Looked(AlignedWindow window, float[] head) {
            this(window, null, null, head);
        }

        private Looked(
                AlignedWindow window, FusionOutput out, List<FusionOutput> alone, float[] head) {
            this.frames = window.getVision().size();
            this.texts = window.getTexts().size();
            this.hash = hash(window);
            this.out = out;
            this.alone = alone;
            this.head = head;
        }

        /** Whether {@code a} and {@code b} hold the same inputs (as {@link #sameInputs}). */
        static boolean same(AlignedWindow a, AlignedWindow b) {
            return a.getVision().size() == b.getVision().size()
                    && a.getTexts().size() == b.getTexts().size()
                    && hash(a) == hash(b);
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
            if (encoder != null) {
                encoder.close();
                encoder = null;
            }
            if (head != null) {
                head.close();
                head = null;
            }
            if (model != null) {
                model.close();
                model = null;
            }
        } finally {
            super.close();
        }
    }
}
