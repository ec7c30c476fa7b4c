package io.fusionline.operators;

import io.fusionline.schema.ops.DeadLetter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * Passes every dead letter on, {@link DeadLetters#fitted fitted} to {@code maxPayloadBytes}, and
 * counts it by stage and reason: counter {@code deadLetters} in groups {@code stage=<stage>} and
 * {@code reason=<kind>}, which Flink's Prometheus reporter exports as labels ({@code
 * flink_taskmanager_job_task_operator_stage_reason_deadLetters{stage="decode",
 * reason="not_avro_single_object_encoding",...}}). The kind of a reason is its text before the
 * first colon or parenthesis, lower-cased, at most 48 characters, so record-specific details
 * (offsets, sizes) never become label values; after {@value #MAX_KINDS} kinds per subtask the rest
 * count as {@code other}.
 */
public final class DeadLetterMetricsFunction extends RichMapFunction<DeadLetter, DeadLetter> {
    private static final long serialVersionUID = 1L;

    /** Most distinct reason kinds counted apart per subtask. */
    static final int MAX_KINDS = 32;

    private final int maxPayloadBytes;

    private transient Map<String, Counter> counters;

    /**
     * @param maxPayloadBytes largest payload a dead letter keeps (see {@link DeadLetters#fitted})
     */
    public DeadLetterMetricsFunction(int maxPayloadBytes) {
        this.maxPayloadBytes = maxPayloadBytes;
    }

    @Override
    public void open(OpenContext openContext) {
        counters = new HashMap<>();
    }

    @Override
    public DeadLetter map(DeadLetter letter) {
        String kind = kind(letter.getReason());
        String key = letter.getStage() + "\u0000" + kind;
        Counter counter = counters.get(key);
        if (counter == null) {
            if (counters.size() >= MAX_KINDS) {
                kind = "other";
                key = letter.getStage() + "\u0000" + kind;
                counter = counters.get(key);
            }
            if (counter == null) {
                counter =
                        getRuntimeContext()
                                .getMetricGroup()
                                .addGroup("stage", letter.getStage())
                                .addGroup("reason", kind)
                                .counter("deadLetters");
                counters.put(key, counter);
            }
        }
        counter.inc();
        return DeadLetters.fitted(letter, maxPayloadBytes);
    }

    /**
     * The reason's kind: the text before ':' or '(', trimmed, lower case, at most 48 characters,
     * anything but letters, digits, space and {@code . _ # -} replaced by {@code _}.
     */
    static String kind(String reason) {
        if (reason == null || reason.isBlank()) {
            return "unknown";
        }
        int end = reason.length();
        for (char c : new char[] {':', '('}) {
            int at = reason.indexOf(c);
            if (at > 0 && at < end) {
                end = at;
            }
        }
        String kind = reason.substring(0, end).trim().toLowerCase(Locale.ROOT);
        kind = kind.length() > 48 ? kind.substring(0, 48) : kind;
        return kind.replaceAll("[^a-z0-9 ._#-]", "_");
    }
}
