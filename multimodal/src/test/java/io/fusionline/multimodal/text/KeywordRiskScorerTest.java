package io.fusionline.multimodal.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KeywordRiskScorerTest {

    @Test
    void shouldTokenizeKeepingInnerApostrophes() {
        assertThat(TextTokenizer.tokens("I didn't make THIS payment, 'urgent'!"))
                .containsExactly("i", "didn't", "make", "this", "payment", "urgent");
        assertThat(TextTokenizer.tokens(null)).isEmpty();
    }

    @Test
    void shouldLabelDefectMentionedInOperatorNote() {
        TextAssessment a =
                KeywordRiskScorer.assess("Deep scratch on the left edge, also scuff", Map.of());

        assertThat(a.label()).isEqualTo("scratch");
        assertThat(a.matchedTerms()).containsExactlyInAnyOrder("scratch", "scuff");
        assertThat(a.score()).isCloseTo(1 - Math.exp(-2.0), within(1e-9));
        assertThat(a.flagged()).isTrue();
    }

    @Test
    void shouldSayOkWithoutEvidence() {
        TextAssessment a = KeywordRiskScorer.assess("part looks fine, surface clean", Map.of());

        assertThat(a.label()).isEqualTo(KeywordRiskScorer.OK);
        assertThat(a.score()).isZero();
        assertThat(a.probabilities()).containsEntry(KeywordRiskScorer.OK, 1.0);
        assertThat(a.flagged()).isFalse();
    }

    @Test
    void shouldCombinePhraseAndTransactionFeaturesForFraud() {
        TextAssessment a =
                KeywordRiskScorer.assess(
                        "caller says they didn't make the purchase",
                        Map.of("amount", 1890.0, "velocity_10m", 5.0, "new_device", 1.0));

        assertThat(a.label()).isEqualTo(KeywordRiskScorer.FRAUD);
        assertThat(a.matchedTerms())
                .containsExactly("didn't make", "amount>1000&velocity>=4", "new_device&amount>500");
        assertThat(a.score()).isCloseTo(1 - Math.exp(-2.5), within(1e-9));
        assertThat(a.probabilities().values().stream().mapToDouble(Double::doubleValue).sum())
                .isCloseTo(1.0, within(1e-9));
    }

    @Test
    void shouldFlagHotSpindleFromMachineLogFeatures() {
        TextAssessment a = KeywordRiskScorer.assess("spindle status", Map.of("temperature", 91.0));

        assertThat(a.label()).isEqualTo("crack");
        assertThat(a.matchedTerms()).containsExactly("temperature>85");
    }
}
