package io.fusionline.operators.fusion;

import io.fusionline.multimodal.fusion.FusionTranslator;
import io.fusionline.schema.decision.Decision;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The alerts stream, keyed by source: provisional alerts as soon as an open window's inputs call
 * for one, then the final word when the window closes. Its input is the fusion stage's decisions
 * and its {@link FusionDecisionOperator#PROVISIONAL_ALERTS provisional alerts}, in the order the
 * fusion stage made them (a window's provisional decisions come before its decision).
 *
 * <p><b>What reaches the alerts topic, per decision id.</b>
 *
 * <ol>
 *   <li>A provisional alert, the first time one of the window's provisional decisions stops the
 *       line or blocks, and again only when a later one names another label.
 *   <li>The decision itself when it stops the line or blocks, or when a provisional alert went out
 *       for its window and the closed window does not confirm it: then the decision's action
 *       ({@code NONE} or {@code REVIEW}) clears the alert.
 * </ol>
 *
 * <p>So every alert id is a decision id, the last alert record of an id is its decision, and a
 * consumer that stops the line on the first alert of an id learns from the same topic when the full
 * window disagreed. The sink is at-least-once: after a failover, records of this sequence may
 * repeat (the state that suppresses repeats is in checkpoints, so at most what came after the last
 * one).
 *
 * <p><b>State.</b> Per source, the ids with a provisional alert whose decision has not come yet,
 * with the label alerted; removed with the decision, and after {@code stateIdleTimeout} without
 * access (a window that never closes).
 *
 * <p>Metrics: {@code alerts} (decisions that alert), {@code provisionalAlerts}, {@code
 * alertsCleared} (decisions that clear a provisional alert), {@code provisionalRepeats}
 * (provisional alerts held back because they repeat the label already alerted).
 */
public final class AlertFunction extends KeyedProcessFunction<String, Decision, Decision> {
    private static final long serialVersionUID = 1L;

    private final Duration stateIdleTimeout;

    private transient MapState<String, String> alerted;
    private transient Counter alerts;
    private transient Counter provisionalAlerts;
    private transient Counter alertsCleared;
    private transient Counter provisionalRepeats;

    public AlertFunction(Duration stateIdleTimeout) {
        this.stateIdleTimeout = stateIdleTimeout;
    }

    @Override
    public void open(OpenContext context) {
        MapStateDescriptor<String, String> descriptor =
                new MapStateDescriptor<>("provisionally-alerted", Types.STRING, Types.STRING);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(stateIdleTimeout).build());
        alerted = getRuntimeContext().getMapState(descriptor);
        alerts = getRuntimeContext().getMetricGroup().counter("alerts");
        provisionalAlerts = getRuntimeContext().getMetricGroup().counter("provisionalAlerts");
        alertsCleared = getRuntimeContext().getMetricGroup().counter("alertsCleared");
        provisionalRepeats = getRuntimeContext().getMetricGroup().counter("provisionalRepeats");
    }

    @Override
    public void processElement(Decision decision, Context ctx, Collector<Decision> out)
            throws Exception {
        String id = decision.getDecisionId();
        String before = alerted.get(id);
        if (decision.getProvisional()) {
            if (!FusionTranslator.isAlert(decision) || decision.getLabel().equals(before)) {
                provisionalRepeats.inc();
                return;
            }
            alerted.put(id, decision.getLabel());
            provisionalAlerts.inc();
            out.collect(decision);
            return;
        }
        if (FusionTranslator.isAlert(decision)) {
            alerts.inc();
            out.collect(decision);
        } else if (before != null) {
            alertsCleared.inc();
            out.collect(decision);
        }
        if (before != null) {
            alerted.remove(id);
        }
    }
}
