package io.fusionline.operators.text;

import io.fusionline.multimodal.text.KeywordRiskScorer;
import io.fusionline.multimodal.text.TextAssessment;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.text.TextEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * One decision per text event, keyed by source id: the text baseline's assessment raised by the
 * source's recent risk (repeated complaints from one station or call escalate).
 *
 * <p>State per source: {@link TextDecisionState} (epoch, sequence, recent risk). Decision ids are
 * {@code sourceId/epoch/sequence}: deterministic, so a replay after failover writes the same ids,
 * and exactly-once delivery makes each appear once. State is cleared by an event-time timer once a
 * source has been idle for {@code idleTimeout}; a source that comes back starts a new epoch.
 *
 * <p>Metrics: {@code decisions}, {@code flagged}.
 */
public final class TextDecisionFunction extends KeyedProcessFunction<String, TextEvent, Decision> {
    private static final long serialVersionUID = 1L;

    /** Model id written into decisions. */
    public static final String MODEL = "text-keywords/1";

    /** Weight of the newest score in the recent-risk average. */
    static final double RISK_DECAY = 0.4;

    private final long idleTimeoutMs;

    private transient ValueState<TextDecisionState> state;
    private transient Counter decisions;
    private transient Counter flagged;

    public TextDecisionFunction(Duration idleTimeout) {
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive: " + idleTimeout);
        }
        this.idleTimeoutMs = idleTimeout.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        state =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "text-decision", TextDecisionState.class));
        decisions = getRuntimeContext().getMetricGroup().counter("decisions");
        flagged = getRuntimeContext().getMetricGroup().counter("flagged");
    }

    @Override
    public void processElement(TextEvent event, Context ctx, Collector<Decision> out)
            throws Exception {
        long eventTime = event.getEventTime().toEpochMilli();
        TextDecisionState s = state.value();
        if (s == null) {
            s = new TextDecisionState();
            s.epoch = eventTime;
        }
        TextAssessment assessment = KeywordRiskScorer.assess(event.getText(), event.getFeatures());
        double score = 1.0 - (1.0 - assessment.score()) * (1.0 - 0.5 * s.recentRisk);
        s.sequence++;
        s.recentRisk = (1.0 - RISK_DECAY) * s.recentRisk + RISK_DECAY * assessment.score();
        s.lastEventTime = Math.max(s.lastEventTime, eventTime);
        rescheduleCleanup(s, ctx);
        state.update(s);

        decisions.inc();
        if (assessment.flagged()) {
            flagged.inc();
        }
        out.collect(
                Decision.newBuilder()
                        .setDecisionId(ctx.getCurrentKey() + "/" + s.epoch + "/" + s.sequence)
                        .setSourceId(ctx.getCurrentKey())
                        .setSequence(s.sequence)
                        .setEventTime(Instant.ofEpochMilli(eventTime))
                        .setLabel(assessment.label())
                        .setScore(score)
                        .setAction(ActionPolicy.actionFor(assessment.label(), score))
                        .setClassProbabilities(assessment.probabilities())
                        .setModalities(List.of("text"))
                        .setInputCount(1)
                        .setModel(MODEL)
                        .setExplanation(explain(assessment, event))
                        .build());
    }

    private void rescheduleCleanup(TextDecisionState s, Context ctx) {
        long due = s.lastEventTime + idleTimeoutMs;
        if (s.cleanupAt != due) {
            if (s.cleanupAt != 0) {
                ctx.timerService().deleteEventTimeTimer(s.cleanupAt);
            }
            ctx.timerService().registerEventTimeTimer(due);
            s.cleanupAt = due;
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Decision> out)
            throws Exception {
        TextDecisionState s = state.value();
        if (s != null && timestamp >= s.cleanupAt) {
            state.clear();
        }
    }

    private static String explain(TextAssessment assessment, TextEvent event) {
        String kind = event.getKind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        if (!assessment.flagged()) {
            return kind + ": no evidence";
        }
        return kind + ": " + String.join(", ", assessment.matchedTerms());
    }
}
