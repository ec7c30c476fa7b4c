package io.fusionline.operators.fusion;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.decision.DecisionAction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class AlertFunctionTest {

    private static KeyedOneInputStreamOperatorTestHarness<String, Decision, Decision> open(
            OperatorSubtaskState restore) throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new AlertFunction(Duration.ofHours(1))),
                        Decision::getSourceId,
                        Types.STRING);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    @Test
    void shouldAlertOnceProvisionallyAgainOnANewLabelAndEndWithTheDecision() throws Exception {
        try (var h = open(null)) {
            h.processElement(decision("line-1", 10_000, "dent", DecisionAction.STOP_LINE, true), 0);
            h.processElement(decision("line-1", 10_000, "dent", DecisionAction.STOP_LINE, true), 0);
            h.processElement(
                    decision("line-1", 10_000, "crack", DecisionAction.STOP_LINE, true), 0);
            h.processElement(
                    decision("line-1", 10_000, "crack", DecisionAction.STOP_LINE, false), 0);
            // a decision that alerts without a provisional alert before it
            h.processElement(
                    decision("line-2", 12_000, "scratch", DecisionAction.STOP_LINE, false), 0);
            // decisions that do not alert and had no provisional alert: not on the alerts topic
            h.processElement(decision("line-2", 22_000, "ok", DecisionAction.NONE, false), 0);

            assertThat(h.extractOutputValues())
                    .extracting(d -> d.getDecisionId() + " " + d.getLabel() + " " + kind(d))
                    .containsExactly(
                            "line-1/w10000 dent provisional",
                            "line-1/w10000 crack provisional",
                            "line-1/w10000 crack final",
                            "line-2/w12000 scratch final");
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void shouldClearAProvisionalAlertThatTheClosedWindowDoesNotConfirmAcrossARestore()
            throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = open(null)) {
            h.processElement(decision("id-desk", 5_000, "fraud", DecisionAction.BLOCK, true), 0);
            assertThat(h.extractOutputValues()).hasSize(1);
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            snapshot = h.snapshot(1L, 1L);
        }
        try (var h = open(snapshot)) {
            // the same provisional alert replayed after the restore is not repeated
            h.processElement(decision("id-desk", 5_000, "fraud", DecisionAction.BLOCK, true), 0);
            h.processElement(decision("id-desk", 5_000, "fraud", DecisionAction.REVIEW, false), 0);
            List<Decision> out = h.extractOutputValues();
            assertThat(out).hasSize(1);
            assertThat(out.get(0).getProvisional()).isFalse();
            assertThat(out.get(0).getAction()).isEqualTo(DecisionAction.REVIEW);
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    private static String kind(Decision d) {
        return d.getProvisional() ? "provisional" : "final";
    }

    private static Decision decision(
            String source, long start, String label, DecisionAction action, boolean provisional) {
        return Decision.newBuilder()
                .setDecisionId(source + "/w" + start)
                .setSourceId(source)
                .setSequence(1)
                .setEventTime(Instant.ofEpochMilli(start))
                .setLabel(label)
                .setScore(0.9)
                .setAction(action)
                .setModel("test@1")
                .setProvisional(provisional)
                .build();
    }
}
