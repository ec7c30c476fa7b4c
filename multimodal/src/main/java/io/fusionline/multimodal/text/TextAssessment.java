package io.fusionline.multimodal.text;

import java.util.List;
import java.util.Map;

/**
 * What the text of one event says: the winning label, its score in [0, 1], a probability per label
 * and the terms that produced the evidence (for the decision's explanation).
 *
 * @param label winning label, {@link KeywordRiskScorer#OK} when nothing matched
 * @param score confidence of {@code label} being a problem, in [0, 1]; 0 for {@code ok}
 * @param probabilities normalized evidence per label, including {@code ok}; sums to 1
 * @param matchedTerms lexicon terms found in the text, in lexicon order
 */
public record TextAssessment(
        String label, double score, Map<String, Double> probabilities, List<String> matchedTerms) {

    public TextAssessment {
        probabilities = Map.copyOf(probabilities);
        matchedTerms = List.copyOf(matchedTerms);
    }

    /** True when the text carries evidence of a defect or of fraud. */
    public boolean flagged() {
        return !KeywordRiskScorer.OK.equals(label);
    }
}
