package io.fusionline.operators.text;

/**
 * Per-source state of {@link TextDecisionFunction}. A Flink POJO, so its serializer supports adding
 * fields later (state schema evolution) without a custom serializer.
 */
public class TextDecisionState {

    /** Event time (epoch ms) of the first event since the state was created; part of ids. */
    public long epoch;

    /** Decisions made so far in this epoch. */
    public long sequence;

    /** Exponentially weighted recent risk of this source, in [0, 1]. */
    public double recentRisk;

    /** Event time (epoch ms) of the newest event seen. */
    public long lastEventTime;

    /** Event time at which the idle-cleanup timer fires; 0 when none is set. */
    public long cleanupAt;

    public TextDecisionState() {}
}
