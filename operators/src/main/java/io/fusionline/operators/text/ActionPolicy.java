package io.fusionline.operators.text;

import io.fusionline.multimodal.text.KeywordRiskScorer;
import io.fusionline.schema.decision.DecisionAction;

/**
 * Maps a label and score to what downstream systems should do. Fraud: {@code BLOCK} from {@value
 * #HIGH}, {@code REVIEW} from {@value #MEDIUM}. Defects: {@code STOP_LINE} from {@value #HIGH},
 * {@code ALERT} from {@value #MEDIUM}. An {@code ok} label with a high recent risk of its source
 * gets {@code REVIEW}.
 */
public final class ActionPolicy {

    public static final double HIGH = 0.8;
    public static final double MEDIUM = 0.5;

    private ActionPolicy() {}

    public static DecisionAction actionFor(String label, double score) {
        if (score < MEDIUM) {
            return DecisionAction.NONE;
        }
        if (KeywordRiskScorer.OK.equals(label)) {
            return DecisionAction.REVIEW;
        }
        if (KeywordRiskScorer.FRAUD.equals(label)) {
            return score >= HIGH ? DecisionAction.BLOCK : DecisionAction.REVIEW;
        }
        return score >= HIGH ? DecisionAction.STOP_LINE : DecisionAction.ALERT;
    }
}
