package io.fusionline.multimodal.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A transparent keyword baseline for text evidence in both domains: inspection defect classes
 * (scratch, dent, stain, crack, missing feature) and fraud. Each lexicon term adds a weight to its
 * label; numeric features add evidence where a rule names them (high spindle temperature or tool
 * wear; a large amount at high velocity on a new device). Evidence {@code e} becomes a score {@code
 * 1 - exp(-e)}.
 *
 * <p>This is the text-only baseline the fusion model is measured against, and what decides while no
 * fused model is loaded. It is stateless and thread-safe.
 */
public final class KeywordRiskScorer {

    /** Label when no evidence was found. */
    public static final String OK = "ok";

    /** Label for fraud evidence. */
    public static final String FRAUD = "fraud";

    private static final Map<String, Map<String, Double>> LEXICON = lexicon();

    private KeywordRiskScorer() {}

    /** Scores one event's text and numeric features. */
    public static TextAssessment assess(String text, Map<String, Double> features) {
        List<String> tokens = TextTokenizer.tokens(text);
        String joined = " " + String.join(" ", tokens) + " ";
        Map<String, Double> evidence = new LinkedHashMap<>();
        List<String> matched = new ArrayList<>();
        for (Map.Entry<String, Map<String, Double>> label : LEXICON.entrySet()) {
            for (Map.Entry<String, Double> term : label.getValue().entrySet()) {
                if (joined.contains(" " + term.getKey() + " ")) {
                    evidence.merge(label.getKey(), term.getValue(), Double::sum);
                    matched.add(term.getKey());
                }
            }
        }
        addFeatureEvidence(features == null ? Map.of() : features, evidence, matched);
        return toAssessment(evidence, matched);
    }

    private static void addFeatureEvidence(
            Map<String, Double> features, Map<String, Double> evidence, List<String> matched) {
        double temperature = features.getOrDefault("temperature", 0.0);
        double toolWear = features.getOrDefault("tool_wear", 0.0);
        if (temperature > 85.0) {
            evidence.merge("crack", 0.6, Double::sum);
            matched.add("temperature>85");
        }
        if (toolWear > 0.8) {
            evidence.merge("scratch", 0.6, Double::sum);
            matched.add("tool_wear>0.8");
        }
        double amount = features.getOrDefault("amount", 0.0);
        double velocity = features.getOrDefault("velocity_10m", 0.0);
        if (amount > 1000.0 && velocity >= 4.0) {
            evidence.merge(FRAUD, 1.0, Double::sum);
            matched.add("amount>1000&velocity>=4");
        }
        if (features.getOrDefault("new_device", 0.0) > 0.5 && amount > 500.0) {
            evidence.merge(FRAUD, 0.5, Double::sum);
            matched.add("new_device&amount>500");
        }
    }

    private static TextAssessment toAssessment(Map<String, Double> evidence, List<String> matched) {
        String best = OK;
        double bestEvidence = 0.0;
        double total = 1.0; // the "ok" prior, so one weak term is not a certain defect
        for (Map.Entry<String, Double> e : evidence.entrySet()) {
            total += e.getValue();
            if (e.getValue() > bestEvidence) {
                best = e.getKey();
                bestEvidence = e.getValue();
            }
        }
        Map<String, Double> probabilities = new LinkedHashMap<>();
        probabilities.put(OK, 1.0 / total);
        for (Map.Entry<String, Double> e : evidence.entrySet()) {
            probabilities.put(e.getKey(), e.getValue() / total);
        }
        double score = best.equals(OK) ? 0.0 : 1.0 - Math.exp(-bestEvidence);
        return new TextAssessment(best, score, probabilities, matched);
    }

    private static Map<String, Map<String, Double>> lexicon() {
        Map<String, Map<String, Double>> lexicon = new LinkedHashMap<>();
        lexicon.put(
                "scratch",
                terms(
                        "scratch",
                        1.2,
                        "scratched",
                        1.2,
                        "scratches",
                        1.2,
                        "scuff",
                        0.8,
                        "scrape",
                        0.8));
        lexicon.put("dent", terms("dent", 1.2, "dented", 1.2, "bent", 0.8, "deformed", 0.8));
        lexicon.put(
                "stain",
                terms("stain", 1.2, "stained", 1.2, "smear", 0.8, "discolored", 0.8, "oil", 0.4));
        lexicon.put("crack", terms("crack", 1.2, "cracked", 1.2, "fracture", 1.0, "split", 0.6));
        lexicon.put(
                "missing_feature",
                terms("missing", 1.0, "absent", 0.8, "no hole", 1.0, "without", 0.3));
        lexicon.put(
                FRAUD,
                terms(
                        "unauthorized", 1.2,
                        "not authorized", 1.2,
                        "did not make", 1.0,
                        "block my card", 0.8,
                        "stolen", 1.2,
                        "didn't make", 1.0,
                        "dispute", 0.6,
                        "chargeback", 0.8,
                        "gift card", 0.9,
                        "wire transfer", 0.6,
                        "urgent", 0.4,
                        "verification code", 1.0));
        return lexicon;
    }

    /** Term/weight pairs in the given order. */
    private static Map<String, Double> terms(Object... pairs) {
        Map<String, Double> terms = new LinkedHashMap<>();
        for (int k = 0; k < pairs.length; k += 2) {
            terms.put((String) pairs[k], ((Number) pairs[k + 1]).doubleValue());
        }
        return terms;
    }
}
