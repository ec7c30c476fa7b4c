package io.fusionline.multimodal.fusion;

import io.fusionline.multimodal.text.TextEmbedding;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.decision.DecisionAction;
import io.fusionline.schema.decision.DecisionRoute;
import io.fusionline.schema.decision.VisionEvidence;
import io.fusionline.schema.decision.WordEvidence;
import io.fusionline.schema.fusion.AlignedWindow;
import io.fusionline.schema.fusion.TextFeatures;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import io.fusionline.schema.vision.VisionFeatures;
import io.fusionline.schema.vision.VisionTensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Between aligned windows and a fusion model, with no state and no Flink: a window becomes the
 * model's input (tensors and masks), and the model's output becomes a {@link Decision} with its α,
 * evidence and action. The same window and output always give the same decision, apart from the
 * stage latencies.
 *
 * <p><b>Inputs.</b> Per window: the patch tokens of its latest frame; per text modality of the
 * model, the latest non-empty text of the kinds the policy maps to it; the numeric features and
 * attributes of the first text modality's event. A missing modality is masked.
 *
 * <p><b>Decisions.</b> Id {@code <source>/w<window start, epoch ms>}, so the same window gives the
 * same id after a restart. Score = the label's probability (inspection) or the positive label's
 * (fraud: the risk). Action: a defect or fraud score from the alert threshold stops the line or
 * blocks the payment; from the review threshold it asks for review; an {@code ok} label is none.
 */
public final class FusionTranslator {

    /**
     * What a profile asks of the translation.
     *
     * @param modalityKinds for each text modality of the model, the text-event kinds that feed it
     * @param alertThreshold scores from here stop the line or block
     * @param reviewThreshold scores from here, below the alert threshold, ask for review
     * @param topPatches most-attended patches a decision names
     * @param topWords most-attended words a decision names per text modality
     */
    public record Policy(
            Map<String, List<TextKind>> modalityKinds,
            double alertThreshold,
            double reviewThreshold,
            int topPatches,
            int topWords) {

        public Policy {
            modalityKinds = Map.copyOf(modalityKinds);
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

    /**
     * A window's model input, and the frame left out of it when its patch tokens do not fit the
     * model (with the reason), or nulls.
     */
    public record Prepared(FusionInput input, VisionFeatures unfitFrame, String unfitReason) {}

    private final FusionModelDescriptor descriptor;
    private final Policy policy;
    private final int positive;

    public FusionTranslator(FusionModelDescriptor descriptor, Policy policy) {
        this.descriptor = Objects.requireNonNull(descriptor, "descriptor");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.positive =
                descriptor.positiveLabel() == null
                        ? -1
                        : descriptor.labelIndex(descriptor.positiveLabel());
    }

    /** The decision id of {@code window}: its source and start. */
    public static String id(AlignedWindow window) {
        return window.getSourceId() + "/w" + window.getStart().toEpochMilli();
    }

    /** Whether {@code decision} stops the line or blocks the payment. */
    public static boolean isAlert(Decision decision) {
        return decision.getAction() == DecisionAction.STOP_LINE
                || decision.getAction() == DecisionAction.BLOCK;
    }

    /** The token vectors of an encoded text as the model takes them. */
    public static TextEmbedding embedding(TextFeatures features) {
        int[] wordOfPiece = new int[features.getWordOfPiece().size()];
        for (int i = 0; i < wordOfPiece.length; i++) {
            wordOfPiece[i] = features.getWordOfPiece().get(i);
        }
        return new TextEmbedding(
                features.getPieces().toArray(String[]::new),
                features.getWords().toArray(String[]::new),
                wordOfPiece,
                VisionTensors.unpack(features.getTokenVectors()),
                null,
                features.getDim());
    }

    /**
     * Whether {@code text} waits for its token vectors: its kind is encoded only when a window
     * needs the bridge (see {@code TextFeatures.textEncoder}).
     */
    public static boolean deferred(TextFeatures text) {
        return text.getTextEncoder().isEmpty();
    }

    /** Whether {@code text} counts as language: it has words, or will have once encoded. */
    private static boolean counts(TextFeatures text) {
        String raw = text.getEvent().getText();
        return deferred(text) ? raw != null && !raw.isBlank() : !text.getWords().isEmpty();
    }

    /** The modality name of a vision head: the vision encoder's own class logits. */
    public static final String VISION = "vision";

    /**
     * Whether {@code window} holds the modality {@code modality} and nothing else. A text modality:
     * no frame, no text of another modality. {@link #VISION}: a frame, no text that counts, and the
     * latest frame carries encoder probabilities for the model's labels ({@link
     * #encoderProbabilities}). Such a window can be decided by that modality's head.
     */
    public boolean onlyModality(AlignedWindow window, String modality) {
        if (VISION.equals(modality)) {
            if (window.getVision().isEmpty()
                    || encoderProbabilities(latestFrame(window), descriptor.labels()) == null) {
                return false;
            }
        } else if (!window.getVision().isEmpty() || latest(window, modality) == null) {
            return false;
        }
        for (String other : descriptor.textModalities()) {
            if (!other.equals(modality) && latest(window, other) != null) {
                return false;
            }
        }
        return true;
    }

    /** The window's latest frame, or null. */
    public static VisionFeatures latestFrame(AlignedWindow window) {
        List<VisionFeatures> frames = window.getVision();
        return frames.isEmpty() ? null : frames.get(frames.size() - 1);
    }

    /**
     * The vision encoder's own class probabilities for {@code frame} (softmax of its logits), in
     * the order of {@code labels}; null when it has no logits, its labels are not {@code labels},
     * or a logit is not finite.
     */
    public static float[] encoderProbabilities(VisionFeatures frame, List<String> labels) {
        if (frame == null) {
            return null;
        }
        List<Float> logits = frame.getLogits();
        if (logits.isEmpty() || !frame.getLogitLabels().equals(labels)) {
            return null;
        }
        float max = Float.NEGATIVE_INFINITY;
        for (Float v : logits) {
            if (v == null || !Float.isFinite(v)) {
                return null;
            }
            max = Math.max(max, v);
        }
        float[] p = new float[logits.size()];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) Math.exp(logits.get(i) - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= (float) sum;
        }
        return p;
    }

    /** The input of a head for {@code modality}: the numeric features of its latest event. */
    public FusionInput headInput(AlignedWindow window, String modality) {
        TextEvent event = latest(window, modality).getEvent();
        return new FusionInput(null, null, event.getFeatures(), event.getAttributes());
    }

    /**
     * The model input of {@code window} (see the class comment).
     *
     * @throws IllegalStateException when a text the input needs is still {@link #deferred}
     */
    public Prepared input(AlignedWindow window) {
        float[] vision = null;
        VisionFeatures unfit = null;
        String reason = null;
        if (!window.getVision().isEmpty()) {
            VisionFeatures frame = window.getVision().get(window.getVision().size() - 1);
            if (frame.getPatchCount() == descriptor.patches()
                    && frame.getPatchDim() == descriptor.visionDim()) {
                vision = VisionTensors.patchTokens(frame);
            } else {
                unfit = frame;
                reason =
                        String.format(
                                Locale.ROOT,
                                "frame %s#%d: %d x %d patch tokens from %s, the fusion model %s"
                                        + " needs %d x %d",
                                frame.getSourceId(),
                                frame.getSequence(),
                                frame.getPatchCount(),
                                frame.getPatchDim(),
                                frame.getModel(),
                                descriptor.modelRef(),
                                descriptor.patches(),
                                descriptor.visionDim());
            }
        }
        List<String> modalities = descriptor.textModalities();
        TextEmbedding[] texts = new TextEmbedding[modalities.size()];
        TextEvent first = null;
        for (int m = 0; m < modalities.size(); m++) {
            TextFeatures text = latest(window, modalities.get(m));
            if (text != null) {
                if (deferred(text)) {
                    throw new IllegalStateException(
                            "the " + modalities.get(m) + " text of the window is not encoded yet");
                }
                texts[m] = embedding(text);
                if (m == 0) {
                    first = text.getEvent();
                }
            }
        }
        FusionInput input =
                new FusionInput(
                        vision,
                        texts,
                        first == null ? Map.of() : first.getFeatures(),
                        first == null ? Map.of() : first.getAttributes());
        return new Prepared(input, unfit, reason);
    }

    /** The window's latest text with words of a kind that feeds {@code modality}, or null. */
    public TextFeatures latest(AlignedWindow window, String modality) {
        TextFeatures found = null;
        for (TextFeatures t : window.getTexts()) {
            if (modality.equals(policy.modalityOf(t.getEvent().getKind())) && counts(t)) {
                found = t;
            }
        }
        return found;
    }

    /**
     * The decision the model's {@code out} on {@code input} gives for {@code window}.
     *
     * @param alone each modality's output alone, in the model's order, or null for none
     * @param started when the model call began (epoch ms), for the stage latencies
     */
    public Decision fused(
            AlignedWindow window,
            FusionInput input,
            FusionOutput out,
            List<FusionOutput> alone,
            long started) {
        Decision.Builder d = base(window, out.probabilities(), out.argmax(), started);
        Map<String, Double> alpha = new LinkedHashMap<>();
        Set<String> present = new LinkedHashSet<>();
        for (int m = 0; m < out.present().length; m++) {
            if (out.present()[m]) {
                String name = descriptor.modalities().get(m);
                present.add(name);
                alpha.put(name, (double) out.alpha()[m]);
            }
        }
        d.setRoute(DecisionRoute.FUSION).setModalities(new ArrayList<>(present)).setAlpha(alpha);
        if (input.visionTokens() != null) {
            d.setVisionEvidence(visionEvidence(window, out));
        }
        d.setWordEvidence(wordEvidence(input, out));
        if (alone != null) {
            Map<String, List<Double>> scores = new LinkedHashMap<>();
            for (int m = 0; m < alone.size(); m++) {
                List<Double> p = new ArrayList<>();
                for (float v : alone.get(m).probabilities()) {
                    p.add((double) v);
                }
                scores.put(descriptor.modalities().get(m), p);
            }
            d.setAloneProbabilities(scores);
        }
        String label = descriptor.labels().get(out.argmax());
        d.setExplanation(
                String.format(
                        Locale.ROOT,
                        "fused %s: %s %.3f",
                        String.join("+", present),
                        label,
                        out.probabilities()[out.argmax()]));
        return d.build();
    }

    /**
     * The decision of a window a head decided ({@link #onlyModality}), with the head's class
     * probabilities in the fusion model's label order ({@link ModalityHeadDescriptor#requireFits}).
     *
     * @param model the head's {@code id@version}
     * @param modality the modality it decided on
     */
    public Decision head(
            AlignedWindow window,
            String model,
            String modality,
            float[] probabilities,
            long started) {
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        return base(window, probabilities, best, started)
                .setRoute(DecisionRoute.HEAD)
                .setModel(model)
                .setModalities(List.of(modality))
                .setExplanation(
                        String.format(
                                Locale.ROOT,
                                "%s head: %s %.3f",
                                modality,
                                descriptor.labels().get(best),
                                probabilities[best]))
                .build();
    }

    /**
     * The decision of a window one modality decided alone, without the model.
     *
     * @param label index of the decided label
     * @param reason the explanation
     */
    public Decision early(
            AlignedWindow window, float[] probabilities, int label, String reason, long started) {
        List<String> present = new ArrayList<>();
        if (!window.getVision().isEmpty()) {
            present.add(descriptor.modalities().get(0));
        }
        for (String m : descriptor.textModalities()) {
            if (latest(window, m) != null) {
                present.add(m);
            }
        }
        return base(window, probabilities, label, started)
                .setRoute(DecisionRoute.EARLY_EXIT)
                .setModalities(present)
                .setExplanation(reason)
                .build();
    }

    /**
     * Fraud: the risk against the thresholds. Defects: a defect label's probability against them;
     * an {@code ok} label is no action.
     */
    public DecisionAction action(String label, double score) {
        DecisionAction alert = positive >= 0 ? DecisionAction.BLOCK : DecisionAction.STOP_LINE;
        if (positive < 0 && "ok".equals(label)) {
            return DecisionAction.NONE;
        }
        return score >= policy.alertThreshold()
                ? alert
                : score >= policy.reviewThreshold() ? DecisionAction.REVIEW : DecisionAction.NONE;
    }

    private Decision.Builder base(
            AlignedWindow window, float[] probabilities, int argmax, long started) {
        Map<String, Double> classes = new LinkedHashMap<>();
        for (int i = 0; i < probabilities.length; i++) {
            classes.put(descriptor.labels().get(i), (double) probabilities[i]);
        }
        String label = descriptor.labels().get(argmax);
        double score = positive >= 0 ? probabilities[positive] : probabilities[argmax];
        long now = System.currentTimeMillis();
        Map<String, Double> stages = new LinkedHashMap<>();
        stages.put("window", (double) (window.getClosedMillis() - window.getFirstSeenMillis()));
        stages.put("fusion", (double) (now - window.getClosedMillis()));
        stages.put("model", (double) (now - started));
        stages.put("decision", (double) (now - window.getEnd().toEpochMilli()));
        return Decision.newBuilder()
                .setDecisionId(id(window))
                .setSourceId(window.getSourceId())
                .setSequence(window.getSequence())
                .setEventTime(window.getStart())
                .setWindowEnd(window.getEnd())
                .setLabel(label)
                .setScore(score)
                .setAction(action(label, score))
                .setClassProbabilities(classes)
                .setInputCount(window.getVision().size() + window.getTexts().size())
                .setModel(descriptor.modelRef())
                .setProvisional(window.getProvisional())
                .setStageMillis(stages);
    }

    /** The frame's most-attended patches and heat map; null when no language attended to it. */
    private VisionEvidence visionEvidence(AlignedWindow window, FusionOutput out) {
        VisionFeatures frame = window.getVision().get(window.getVision().size() - 1);
        float[] attention = out.visionAttention();
        float max = 0;
        for (float v : attention) {
            max = Math.max(max, v);
        }
        if (max <= 0) {
            return null; // no text attended to the frame
        }
        List<Float> heat = new ArrayList<>(attention.length);
        for (float v : attention) {
            heat.add(v / max);
        }
        List<Integer> patches = new ArrayList<>();
        List<Float> weights = new ArrayList<>();
        for (int p : out.topPatches(policy.topPatches())) {
            patches.add(p);
            weights.add(attention[p]);
        }
        int width = frame.getGridWidth();
        return VisionEvidence.newBuilder()
                .setFrameSequence(frame.getSequence())
                .setGridWidth(width)
                .setGridHeight(width > 0 ? attention.length / width : 0)
                .setPatches(patches)
                .setWeights(weights)
                .setHeat(heat)
                .build();
    }

    /** Per text modality, its most-attended words (pieces of one word add up; no specials). */
    private List<WordEvidence> wordEvidence(FusionInput input, FusionOutput out) {
        List<WordEvidence> evidence = new ArrayList<>();
        for (int m = 0; m < input.texts().length; m++) {
            TextEmbedding text = input.texts()[m];
            if (text == null) {
                continue;
            }
            Map<Integer, Float> byWord = new LinkedHashMap<>();
            float[] attention = out.languageAttention()[m];
            int length = Math.min(text.length(), attention.length);
            for (int i = 0; i < length; i++) {
                if (text.wordOfPiece()[i] >= 0) {
                    byWord.merge(text.wordOfPiece()[i], attention[i], Float::sum);
                }
            }
            String modality = descriptor.textModalities().get(m);
            byWord.entrySet().stream()
                    .sorted(Map.Entry.<Integer, Float>comparingByValue().reversed())
                    .limit(policy.topWords())
                    .forEach(
                            e ->
                                    evidence.add(
                                            new WordEvidence(
                                                    modality,
                                                    text.words()[e.getKey()],
                                                    e.getValue())));
        }
        return evidence;
    }
}
