package io.fusionline.operators.fusion;

import io.fusionline.schema.text.TextKind;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the fusion stages for one profile.
 *
 * @param profile {@code inspection} or {@code fraud}
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
 *     do not wait for the window to close ({@link AlignmentFunction}, {@link AlertFunction})
 */
public record FusionOptions(
        String profile,
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
        boolean provisionalAlerts)
        implements Serializable {

    /** Profile name of the factory line. */
    public static final String INSPECTION = "inspection";

    /** Profile name of the fraud desk. */
    public static final String FRAUD = "fraud";

    public FusionOptions {
        Objects.requireNonNull(profile, "profile");
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
    }

    /**
     * The built-in profile {@code name}: its model, a window span that holds an item's frame,
     * machine log or payment and the speech that follows it, and its thresholds.
     *
     * <ul>
     *   <li>{@code inspection}: {@code builtin:inspection-fusion}; 6 s windows, closed after 10 s
     *       without watermark progress; {@code log} ← {@code MACHINE_LOG}, {@code speech} ← {@code
     *       TRANSCRIPT}, {@code OPERATOR_NOTE}; alert (stop the line) from P(defect class) 0.8,
     *       review from 0.5; early exit when the parts encoder's own top class probability reaches
     *       0.995.
     *   <li>{@code fraud}: {@code builtin:fraud-fusion}; 6 s windows; {@code transaction} ← {@code
     *       TRANSACTION}, {@code speech} ← {@code TRANSCRIPT}, {@code OCR}; alert (block) from risk
     *       0.7, review from 0.3; early exit for small domestic payments from a known device, at
     *       velocity 1, without a call or a document (risk 0.01).
     * </ul>
     *
     * @throws IllegalArgumentException for another name
     */
    public static FusionOptions profile(String name) {
        return switch (name) {
            case INSPECTION ->
                    builtIn(
                            INSPECTION,
                            Map.of(
                                    "log", List.of(TextKind.MACHINE_LOG),
                                    "speech", List.of(TextKind.TRANSCRIPT, TextKind.OPERATOR_NOTE)),
                            0.8,
                            0.5,
                            EarlyExit.visionConfidence(0.995));
            case FRAUD ->
                    builtIn(
                            FRAUD,
                            Map.of(
                                    "transaction", List.of(TextKind.TRANSACTION),
                                    "speech", List.of(TextKind.TRANSCRIPT, TextKind.OCR)),
                            0.7,
                            0.3,
                            EarlyExit.smallKnownPayment(20.0, "DE", 0.01));
            default ->
                    throw new IllegalArgumentException(
                            "unknown profile '" + name + "' (expected inspection or fraud)");
        };
    }

    /**
     * A built-in profile: model {@code builtin:<profile>-fusion}, 6 s windows closed after 10 s
     * without watermark progress, batches of 64 or 10 ms, one ORT thread, 5 patches and 5 words of
     * evidence, no per-modality scores, provisional alerts.
     */
    private static FusionOptions builtIn(
            String profile,
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
                64,
                Duration.ofMillis(10),
                1,
                alert,
                review,
                earlyExit,
                5,
                5,
                false,
                true);
    }

    /** The text modality {@code kind} feeds, or null when the model has none for it. */
    public String modalityOf(TextKind kind) {
        for (Map.Entry<String, List<TextKind>> e : modalityKinds.entrySet()) {
            if (e.getValue().contains(kind)) {
                return e.getKey();
            }
        }
        return null;
    }
}
