package io.fusionline.operators.fusion;

import io.fusionline.multimodal.fusion.FusionTranslator;
import io.fusionline.schema.fusion.AlignedWindow;
import io.fusionline.schema.fusion.TextFeatures;
import io.fusionline.schema.text.TextKind;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * When one modality is decisive on its own, so the fusion model need not run: adaptive inference. A
 * decision made this way has route {@code EARLY_EXIT} and is counted ({@code earlyExits}).
 *
 * <ul>
 *   <li>{@link #visionConfidence}: the vision encoder's own class probabilities (softmax of its
 *       logits) put at least {@code minProbability} on one class; the decision is that class with
 *       those probabilities. Windows without a frame or without encoder logits go to fusion.
 *   <li>{@link #smallKnownPayment}: the window holds a payment and nothing else (no call, no
 *       document), of at most {@code maxAmount} (feature {@code amount}), in {@code homeCountry}
 *       (attribute {@code country}), from a known device (attribute {@code device}), the only
 *       payment in ten minutes (feature {@code velocity10m}); the decision is {@code ok} with risk
 *       {@code risk}. A negative or non-finite amount or velocity never exits early.
 * </ul>
 */
public sealed interface EarlyExit extends Serializable {

    /** Never exits early. */
    EarlyExit NONE = new Never();

    /**
     * The early decision for {@code window}, or null when fusion must decide.
     *
     * @param labels the fusion model's labels, in its order
     */
    Early decide(AlignedWindow window, List<String> labels);

    /** An early decision: the label's index and a probability per label. */
    record Early(int label, float[] probabilities, String reason) {}

    static EarlyExit visionConfidence(double minProbability) {
        return new VisionConfidence(minProbability);
    }

    static EarlyExit smallKnownPayment(double maxAmount, String homeCountry, double risk) {
        return new SmallKnownPayment(maxAmount, homeCountry, risk);
    }

    /** See {@link EarlyExit#NONE}. */
    record Never() implements EarlyExit {
        @Override
        public Early decide(AlignedWindow window, List<String> labels) {
            return null;
        }
    }

    /** See {@link EarlyExit#visionConfidence}. */
    record VisionConfidence(double minProbability) implements EarlyExit {
        @Override
        public Early decide(AlignedWindow window, List<String> labels) {
            float[] p =
                    FusionTranslator.encoderProbabilities(
                            FusionTranslator.latestFrame(window), labels);
            if (p == null) {
                return null; // no frame, other labels, or a logit not finite: fusion decides
            }
            int best = 0;
            for (int i = 1; i < p.length; i++) {
                if (p[i] > p[best]) {
                    best = i;
                }
            }
            if (p[best] < minProbability) {
                return null;
            }
            return new Early(
                    best,
                    p,
                    String.format(
                            java.util.Locale.ROOT,
                            "vision encoder alone: %s %.3f",
                            labels.get(best),
                            p[best]));
        }
    }

    /** See {@link EarlyExit#smallKnownPayment}. */
    record SmallKnownPayment(double maxAmount, String homeCountry, double risk)
            implements EarlyExit {
        @Override
        public Early decide(AlignedWindow window, List<String> labels) {
            if (!window.getVision().isEmpty() || window.getTexts().size() != 1) {
                return null;
            }
            TextFeatures only = window.getTexts().get(0);
            if (only.getEvent().getKind() != TextKind.TRANSACTION) {
                return null;
            }
            Map<String, Double> f = only.getEvent().getFeatures();
            Map<String, String> a = only.getEvent().getAttributes();
            double amount = f.getOrDefault("amount", Double.NaN);
            double velocity = f.getOrDefault("velocity10m", Double.NaN);
            boolean known = "known".equals(a.get("device"));
            // Fails closed: a negative, NaN or infinite amount or velocity goes to fusion.
            if (!(amount >= 0 && amount <= maxAmount)
                    || !homeCountry.equals(a.get("country"))
                    || !known
                    || !(velocity >= 0 && velocity <= 1)) {
                return null;
            }
            int ok = labels.indexOf("ok");
            if (ok < 0 || labels.size() != 2) {
                return null;
            }
            float[] p = new float[2];
            p[ok] = (float) (1 - risk);
            p[1 - ok] = (float) risk;
            return new Early(
                    ok,
                    p,
                    String.format(
                            java.util.Locale.ROOT,
                            "payment rule alone: %.2f in %s from a known device",
                            amount,
                            homeCountry));
        }
    }
}
