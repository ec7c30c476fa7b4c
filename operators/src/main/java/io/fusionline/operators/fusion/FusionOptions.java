package io.fusionline.operators.fusion;

import io.fusionline.multimodal.fusion.FusionTranslator;
import io.fusionline.operators.Profile;
import io.fusionline.schema.text.TextKind;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Settings of the fusion stages for one profile.
 *
 * @param profile {@link Profile#INSPECTION} or {@link Profile#FRAUD}
 * @param model {@code builtin:<id>} for a model the training kit produced (in the job jar), or the
 *     path of a {@code fusion.json} on every task manager
 * @param span a window holds a source's inputs from its first input's event time {@code s} to
 *     {@code s + span} (inclusive)
 * @param idleClose when the watermark has not moved for this long (processing time), a source's
 *     waiting windows close anyway, so the last item of a burst is decided
 * @param modalityKinds for each text modality of the model, the text-event kinds that feed it (for
 *     example {@code speech} ← {@code TRANSCRIPT}, {@code OPERATOR_NOTE})
 * @param batchSize most windows per model call
 * @param batchTimeout longest a window waits for its batch to fill
 * @param intraOpThreads ONNX Runtime threads per call
 * @param alertThreshold decisions whose {@link #alertLabel} score reaches this are alerts
 * @param reviewThreshold below the alert threshold, from here a decision asks for review
 * @param earlyExit when one modality may decide alone; {@link EarlyExit#NONE} for never
 * @param topPatches most-attended patches a decision names
 * @param topWords most-attended words a decision names per text modality
 * @param modalityScores whether each decision also carries every present modality's probabilities
 *     alone (the model runs once more per modality: for evaluation, not production)
 * @param provisionalAlerts whether open windows are also decided as inputs arrive, for alerts that
 *     do not wait for the window to close ({@link AlignmentFunction}, {@link AlertFunction}), and
 *     for the scores at arrival ({@link FusionDecisionOperator#SCORES})
 * @param head the single-modality head that decides windows holding its modality and nothing else,
 *     instead of the bridge: {@code builtin:<id>} or the path of a {@code head.json} for a head
 *     over a text modality's numbers (texts of that modality are then encoded only when a window
 *     needs the bridge), or {@link #ENCODER_HEAD} for the vision encoder's own class logits (a
 *     frame alone); null for none
 */
public record FusionOptions(
        Profile profile,
        String model,
        Duration span,
        Duration idleClose,
        Map<String, List<TextKind>> modalityKinds,
        int batchSize,
        Duration batchTimeout,
        int intraOpThreads,
        double alertThreshold,
        double reviewThreshold,
        EarlyExit earlyExit,
        int topPatches,
        int topWords,
        boolean modalityScores,
        boolean provisionalAlerts,
        String head)
        implements Serializable {

    /** The head that decides a frame alone by the vision encoder's own class logits. */
    public static final String ENCODER_HEAD = "encoder";

    /** Windows per model call unless configured. */
    public static final int DEFAULT_BATCH_SIZE = 64;

    /** Longest a closed window waits for its batch unless configured. */
    public static final Duration DEFAULT_BATCH_TIMEOUT = Duration.ofMillis(10);

    public FusionOptions {
        if (profile == null || !profile.fused()) {
            throw new IllegalArgumentException("fusion needs a fused profile, got " + profile);
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("fusion model must be set");
        }
        if (span == null || span.isNegative() || span.isZero()) {
            throw new IllegalArgumentException("window span must be > 0, got " + span);
        }
        if (idleClose == null || idleClose.isNegative() || idleClose.isZero()) {
            throw new IllegalArgumentException("idle close must be > 0, got " + idleClose);
        }
        if (batchSize < 1 || batchSize > 4096) {
            throw new IllegalArgumentException(
                    "fusion batch size must be 1..4096, got " + batchSize);
        }
        if (batchTimeout == null || batchTimeout.isNegative() || batchTimeout.isZero()) {
            throw new IllegalArgumentException("fusion batch timeout must be > 0");
        }
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("fusion intra-op threads must be >= 1");
        }
        if (!(reviewThreshold >= 0 && reviewThreshold <= alertThreshold && alertThreshold <= 1)) {
            throw new IllegalArgumentException(
                    "thresholds must satisfy 0 <= review <= alert <= 1, got review "
                            + reviewThreshold
                            + ", alert "
                            + alertThreshold);
        }
        modalityKinds = Map.copyOf(modalityKinds);
        earlyExit = earlyExit == null ? EarlyExit.NONE : earlyExit;
        if (head != null && head.isBlank()) {
            throw new IllegalArgumentException("head must be a model reference or null");
        }
    }

    /**
     * The built-in settings of {@code profile}: its model, a window span that holds an item's
     * frame, machine log or payment and the speech that follows it, and its thresholds.
     *
     * <ul>
     *   <li>{@code inspection}: {@code builtin:inspection-fusion}; 6 s windows, closed after 10 s
     *       without watermark progress; {@code log} ← {@code MACHINE_LOG}, {@code speech} ← {@code
     *       TRANSCRIPT}, {@code OPERATOR_NOTE}; alert (stop the line) from P(defect class) 0.8,
     *       review from 0.5; no head (with {@link #ENCODER_HEAD} a frame alone, as at the look when
     *       a part's frame arrives, is decided by the parts encoder's own class logits; not the
     *       default until its alert latency and false alarms are measured); early exit when the
     *       parts encoder's own top class probability reaches 0.995.
     *   <li>{@code fraud}: {@code builtin:fraud-fusion}; 6 s windows; {@code transaction} ← {@code
     *       TRANSACTION}, {@code speech} ← {@code TRANSCRIPT}, {@code OCR}; alert (block) from risk
     *       0.7, review from 0.3; a window holding a payment and nothing else is decided by the
     *       payment head {@code builtin:fraud-payment}; with the head off, early exit for small
     *       domestic payments from a known device, at velocity 1, without a call or a document
     *       (risk 0.01).
     * </ul>
     *
     * @throws IllegalArgumentException for {@link Profile#TEXT}, which has no fusion stage
     */
    public static FusionOptions profile(Profile profile) {
        return switch (profile) {
            case INSPECTION ->
                    builtIn(
                            Profile.INSPECTION,
                            Map.of(
                                    "log", List.of(TextKind.MACHINE_LOG),
                                    "speech", List.of(TextKind.TRANSCRIPT, TextKind.OPERATOR_NOTE)),
                            0.8,
                            0.5,
                            EarlyExit.visionConfidence(0.995));
            case FRAUD ->
                    builtIn(
                                    Profile.FRAUD,
                                    Map.of(
                                            "transaction", List.of(TextKind.TRANSACTION),
                                            "speech", List.of(TextKind.TRANSCRIPT, TextKind.OCR)),
                                    0.7,
                                    0.3,
                                    EarlyExit.smallKnownPayment(20.0, "DE", 0.01))
                            .toBuilder()
                            .head(
                                    "builtin:"
                                            + io.fusionline.multimodal.fusion.BuiltInModels
                                                    .FRAUD_PAYMENT)
                            .build();
            case TEXT -> throw new IllegalArgumentException("the text profile has no fusion stage");
        };
    }

    /**
     * A built-in profile: model {@code builtin:<profile>-fusion}, 6 s windows closed after 10 s
     * without watermark progress, batches of 64 or 10 ms, one ORT thread, 5 patches and 5 words of
     * evidence, no per-modality scores, provisional alerts.
     */
    /**
     * A built-in profile: model {@code builtin:<profile>-fusion}, 6 s windows closed after 10 s
     * without watermark progress, batches of 64 or 10 ms, one ORT thread, 5 patches and 5 words of
     * evidence, no per-modality scores, provisional alerts, no head.
     */
    private static FusionOptions builtIn(
            Profile profile,
            Map<String, List<TextKind>> kinds,
            double alert,
            double review,
            EarlyExit earlyExit) {
        return new FusionOptions(
                profile,
                "builtin:" + profile + "-fusion",
                Duration.ofSeconds(6),
                Duration.ofSeconds(10),
                kinds,
                DEFAULT_BATCH_SIZE,
                DEFAULT_BATCH_TIMEOUT,
                1,
                alert,
                review,
                earlyExit,
                5,
                5,
                false,
                true,
                null);
    }

    /** The text modality {@code kind} feeds, or null when the model has none for it. */
    public String modalityOf(TextKind kind) {
        return policy().modalityOf(kind);
    }

    /**
     * The text kinds the fusion stage encodes itself, only for windows that need the bridge: those
     * of the head's modality; none without a head. Reads the head's descriptor.
     */
    public java.util.Set<TextKind> deferredKinds() {
        String modality = headModality();
        if (modality == null || ENCODER_HEAD.equals(head)) {
            return java.util.Set.of();
        }
        return java.util.Set.copyOf(modalityKinds.getOrDefault(modality, List.of()));
    }

    /**
     * The modality the head decides alone ({@code vision} for {@link #ENCODER_HEAD}), or null
     * without a head. Reads the head's descriptor.
     */
    public String headModality() {
        if (head == null) {
            return null;
        }
        return ENCODER_HEAD.equals(head)
                ? io.fusionline.multimodal.fusion.FusionTranslator.VISION
                : io.fusionline.multimodal.fusion.BuiltInModels.resolveHead(head).modality();
    }

    /** What these settings ask of the translation between windows and decisions. */
    public FusionTranslator.Policy policy() {
        return new FusionTranslator.Policy(
                modalityKinds, alertThreshold, reviewThreshold, topPatches, topWords);
    }

    /** A builder that starts from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes some of a {@link FusionOptions}' settings; {@link #build()} checks them. */
    public static final class Builder {
        private final Profile profile;
        private final Map<String, List<TextKind>> modalityKinds;
        private String model;
        private Duration span;
        private Duration idleClose;
        private int batchSize;
        private Duration batchTimeout;
        private int intraOpThreads;
        private double alertThreshold;
        private double reviewThreshold;
        private EarlyExit earlyExit;
        private int topPatches;
        private int topWords;
        private boolean modalityScores;
        private boolean provisionalAlerts;
        private String head;

        private Builder(FusionOptions o) {
            profile = o.profile;
            modalityKinds = o.modalityKinds;
            model = o.model;
            span = o.span;
            idleClose = o.idleClose;
            batchSize = o.batchSize;
            batchTimeout = o.batchTimeout;
            intraOpThreads = o.intraOpThreads;
            alertThreshold = o.alertThreshold;
            reviewThreshold = o.reviewThreshold;
            earlyExit = o.earlyExit;
            topPatches = o.topPatches;
            topWords = o.topWords;
            modalityScores = o.modalityScores;
            provisionalAlerts = o.provisionalAlerts;
            head = o.head;
        }

        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** Window span and idle close. */
        public Builder window(Duration span, Duration idleClose) {
            this.span = span;
            this.idleClose = idleClose;
            return this;
        }

        /** Most windows per model call and the longest wait for a batch to fill. */
        public Builder batching(int size, Duration timeout) {
            this.batchSize = size;
            this.batchTimeout = timeout;
            return this;
        }

        public Builder intraOpThreads(int threads) {
            this.intraOpThreads = threads;
            return this;
        }

        /** Alert and review thresholds. */
        public Builder thresholds(double alert, double review) {
            this.alertThreshold = alert;
            this.reviewThreshold = review;
            return this;
        }

        public Builder earlyExit(EarlyExit earlyExit) {
            this.earlyExit = earlyExit;
            return this;
        }

        /** Most-attended patches and words a decision names. */
        public Builder evidence(int patches, int words) {
            this.topPatches = patches;
            this.topWords = words;
            return this;
        }

        public Builder modalityScores(boolean on) {
            this.modalityScores = on;
            return this;
        }

        public Builder provisionalAlerts(boolean on) {
            this.provisionalAlerts = on;
            return this;
        }

        /** The single-modality head ({@code builtin:<id>} or a {@code head.json}), or null. */
        public Builder head(String head) {
            this.head = head;
            return this;
        }

        /**
         * The settings.
         *
         * @throws IllegalArgumentException naming the first bad setting
         */
        public FusionOptions build() {
            return new FusionOptions(
                    profile,
                    model,
                    span,
                    idleClose,
                    modalityKinds,
                    batchSize,
                    batchTimeout,
                    intraOpThreads,
                    alertThreshold,
                    reviewThreshold,
                    earlyExit,
                    topPatches,
                    topWords,
                    modalityScores,
                    provisionalAlerts,
                    head);
        }
    }
}
