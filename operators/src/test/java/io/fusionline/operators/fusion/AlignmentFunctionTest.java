package io.fusionline.operators.fusion;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.operators.DeadLetters;
import io.fusionline.schema.fusion.AlignedWindow;
import io.fusionline.schema.fusion.AlignmentInput;
import io.fusionline.schema.fusion.TextFeatures;
import io.fusionline.schema.ops.DeadLetter;
import io.fusionline.schema.ops.KafkaOrigin;
import io.fusionline.schema.serde.WireFormat;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import io.fusionline.schema.vision.VisionFeatures;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AlignmentFunctionTest {

    private static final long SPAN = 5_000;
    private static final long IDLE_CLOSE = 10_000;
    private static final long OUT_OF_ORDERNESS = 2_000;

    /**
     * Processing time after which a source without new inputs is quiet: span + out-of-orderness.
     */
    private static final long QUIET = SPAN + OUT_OF_ORDERNESS;

    private KeyedOneInputStreamOperatorTestHarness<String, AlignmentInput, AlignedWindow> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = open(null, false);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static AlignmentOptions options(boolean provisional) {
        return new AlignmentOptions(
                Duration.ofMillis(SPAN),
                Duration.ofMillis(OUT_OF_ORDERNESS),
                Duration.ofMillis(IDLE_CLOSE),
                Duration.ofHours(1),
                provisional,
                null,
                AlignmentOptions.DEFAULT_MAX_INPUTS,
                AlignmentOptions.DEFAULT_MAX_BYTES);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AlignmentInput, AlignedWindow>
            open(
                    org.apache.flink.runtime.checkpoint.OperatorSubtaskState restore,
                    boolean provisional)
                    throws Exception {
        return open(restore, provisional, null);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AlignmentInput, AlignedWindow>
            open(
                    org.apache.flink.runtime.checkpoint.OperatorSubtaskState restore,
                    boolean provisional,
                    Duration maxHold)
                    throws Exception {
        return open(restore, provisional, maxHold, o -> o);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AlignmentInput, AlignedWindow>
            open(
                    org.apache.flink.runtime.checkpoint.OperatorSubtaskState restore,
                    boolean provisional,
                    Duration maxHold,
                    java.util.function.UnaryOperator<AlignmentOptions> options)
                    throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new AlignmentFunction(
                                        options.apply(options(provisional).withMaxHold(maxHold)),
                                        WireFormat.named("single-object"),
                                        "vision-features",
                                        "text-events")),
                        AlignmentFunction::sourceId,
                        Types.STRING);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    @Test
    void shouldDecideASourcesOldestWindowEarlyWhenItsBufferIsFull() throws Exception {
        try (var h = open(null, false, null, o -> o.withBufferLimits(4, 1L << 20))) {
            for (int i = 0; i < 6; i++) { // one frame every 2 s, no watermark: nothing would close
                h.processElement(frame("line-1", 10_000 + i * 2_000L, i), 10_000 + i * 2_000L);
            }
            List<AlignedWindow> out = h.extractOutputValues();
            assertThat(out).as("windows closed by the limit, not by time").isNotEmpty();
            assertThat(out.get(0).getStart()).isEqualTo(Instant.ofEpochMilli(10_000));
            long waiting = 6 - out.stream().mapToLong(w -> w.getVision().size()).sum();
            assertThat(waiting).isLessThanOrEqualTo(4);
            // a frame for a window the limit closed is late: a dead letter, not lost
            h.processElement(frame("line-1", 10_500, 9), 16_000);
            assertThat(h.getSideOutput(DeadLetters.TAG))
                    .singleElement()
                    .satisfies(r -> assertThat(r.getValue().getReason()).startsWith("late"));
        }
    }

    @Test
    void shouldGatherAnItemsFrameLogAndLaterTranscriptIntoOneWindowPerSource() throws Exception {
        harness.processElement(frame("line-1", 10_000, 0), 10_000);
        harness.processElement(text("line-1", 10_000, TextKind.MACHINE_LOG, "temp 71"), 10_000);
        harness.processElement(frame("line-2", 12_000, 0), 12_000);
        harness.processElement(text("line-1", 13_500, TextKind.TRANSCRIPT, "deep scratch"), 13_500);
        harness.processElement(frame("line-1", 20_000, 1), 20_000);

        assertThat(harness.numEventTimeTimers()).isEqualTo(4); // 15 000, 17 000, 18 500, 25 000
        harness.processWatermark(new Watermark(14_999));
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.setProcessingTime(QUIET); // no new inputs: the watermark alone closes windows
        harness.processWatermark(new Watermark(18_500));
        List<AlignedWindow> out = harness.extractOutputValues();
        assertThat(out).hasSize(2);
        AlignedWindow first = out.get(0);
        assertThat(first.getSourceId()).isEqualTo("line-1");
        assertThat(first.getStart()).isEqualTo(Instant.ofEpochMilli(10_000));
        assertThat(first.getEnd()).isEqualTo(Instant.ofEpochMilli(15_000));
        assertThat(first.getSequence()).isEqualTo(1);
        assertThat(first.getVision()).extracting(VisionFeatures::getSequence).containsExactly(0L);
        assertThat(first.getTexts())
                .extracting(t -> t.getEvent().getKind())
                .containsExactly(TextKind.MACHINE_LOG, TextKind.TRANSCRIPT);
        assertThat(out.get(1).getSourceId()).isEqualTo("line-2");
        assertThat(out.get(1).getTexts()).isEmpty(); // a window without text is still a window
        // line-1's next frame waits for its own window; line-2's state is empty
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        // per source: window counter, end of the last closed window, latest event time, idle
        // mark (until its processing-time check); and line-1's waiting frame, its arrival and the
        // count and bytes of what it has waiting (line-2's are gone with its last window)
        assertThat(harness.numKeyedStateEntries()).isEqualTo(12);
    }

    @Test
    void shouldOrderOutOfOrderInputsByEventTime() throws Exception {
        harness.processElement(
                text("call-1", 31_000, TextKind.TRANSCRIPT, "my card was stolen"), 31_000);
        harness.processElement(
                text("call-1", 30_000, TextKind.TRANSACTION, "amount 90 EUR"), 30_000);
        harness.processElement(frame("call-1", 30_000, 4), 30_000);
        harness.processElement(
                text("call-1", 36_000, TextKind.TRANSACTION, "amount 5 EUR"), 36_000);

        harness.setProcessingTime(QUIET);
        harness.processWatermark(new Watermark(41_000));
        List<AlignedWindow> out = harness.extractOutputValues();
        assertThat(out)
                .extracting(w -> w.getStart().toEpochMilli())
                .containsExactly(30_000L, 36_000L);
        assertThat(out.get(0).getVision()).hasSize(1);
        assertThat(out.get(0).getTexts())
                .extracting(t -> t.getEvent().getText())
                .containsExactly("amount 90 EUR", "my card was stolen");
        assertThat(out).extracting(AlignedWindow::getSequence).containsExactly(1L, 2L);
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void shouldShowEachOpenWindowAsInputsArriveAndKeepItsStartWhenAnEarlierInputComesLater()
            throws Exception {
        try (var h = open(null, true)) {
            h.processElement(frame("line-1", 10_000, 7), 10_000);
            h.processElement(text("line-1", 10_000, TextKind.MACHINE_LOG, "temp 71"), 10_000);
            // stamped before the frame but arriving after its provisional window: a window of its
            // own, ending before the frame's, so the frame's window keeps the id it was shown with
            h.processElement(text("line-1", 9_500, TextKind.MACHINE_LOG, "door open"), 9_500);
            h.processElement(text("line-1", 12_000, TextKind.TRANSCRIPT, "a dent"), 12_000);

            List<AlignedWindow> shown = h.extractOutputValues();
            assertThat(shown).allMatch(AlignedWindow::getProvisional);
            assertThat(shown)
                    .extracting(w -> w.getStart().toEpochMilli() + "-" + w.getEnd().toEpochMilli())
                    .containsExactly("10000-15000", "10000-15000", "9500-9999", "10000-15000");
            assertThat(shown)
                    .extracting(w -> w.getVision().size() + w.getTexts().size())
                    .containsExactly(1, 2, 1, 3);
            assertThat(shown)
                    .extracting(AlignedWindow::getSequence)
                    .containsExactly(1L, 1L, 1L, 2L);

            h.setProcessingTime(QUIET);
            h.processWatermark(new Watermark(15_000));
            List<AlignedWindow> closed =
                    h.extractOutputValues().stream().filter(w -> !w.getProvisional()).toList();
            assertThat(closed)
                    .extracting(w -> w.getStart().toEpochMilli() + "-" + w.getEnd().toEpochMilli())
                    .containsExactly("9500-9999", "10000-15000");
            assertThat(closed).extracting(AlignedWindow::getSequence).containsExactly(1L, 2L);
            assertThat(closed.get(1).getTexts())
                    .extracting(t -> t.getEvent().getText())
                    .containsExactly("temp 71", "a dent");

            // the fixed start went with its window: the next item's window is cut by nothing
            h.processElement(text("line-1", 16_000, TextKind.MACHINE_LOG, "temp 70"), 16_000);
            h.setProcessingTime(2 * QUIET);
            h.processWatermark(new Watermark(40_000));
            List<AlignedWindow> all = h.extractOutputValues();
            AlignedWindow last = all.get(all.size() - 1);
            assertThat(last.getProvisional()).isFalse();
            assertThat(last.getEnd().toEpochMilli() - last.getStart().toEpochMilli())
                    .isEqualTo(SPAN);
            // windows, closed-until, clock, idle-mark
            assertThat(h.numKeyedStateEntries()).isEqualTo(4);
        }
    }

    @Test
    void shouldSendLateInputsToDeadLettersWithReasonAndCountNothingElse() throws Exception {
        harness.processElement(frame("line-1", 10_000, 0), 10_000);
        harness.setProcessingTime(QUIET);
        harness.processWatermark(new Watermark(16_000));
        assertThat(harness.extractOutputValues()).hasSize(1);

        AlignmentInput crack = text("line-1", 14_000, TextKind.TRANSCRIPT, "crack");
        crack.getText().getEvent().setOrigin(new KafkaOrigin("text-events", 1, 77L));
        harness.processElement(crack, 14_000);

        assertThat(harness.extractOutputValues()).hasSize(1);
        List<DeadLetter> late =
                harness.getSideOutput(DeadLetters.TAG).stream()
                        .map(StreamRecord::getValue)
                        .toList();
        assertThat(late).hasSize(1);
        assertThat(late.get(0).getStage()).isEqualTo(AlignmentFunction.STAGE);
        assertThat(late.get(0).getOriginalTopic()).isEqualTo("text-events");
        assertThat(late.get(0).getPartition()).isEqualTo(1); // where the decode stage read it
        assertThat(late.get(0).getOffset()).isEqualTo(77L);
        assertThat(late.get(0).getReason()).startsWith("late: ").contains("1000 ms behind");
        assertThat(
                        WireFormat.named("single-object")
                                .codec(TextEvent.class)
                                .decode(late.get(0).getPayload().array())
                                .getText())
                .isEqualTo("crack");
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void shouldKeepWaitingInputsAndTheWindowCounterAcrossSnapshotAndRestore() throws Exception {
        harness.processElement(frame("line-5", 1_000, 0), 1_000);
        harness.setProcessingTime(QUIET);
        harness.processWatermark(new Watermark(7_000));
        harness.processElement(frame("line-5", 8_000, 1), 8_000);
        harness.processElement(text("line-5", 8_000, TextKind.MACHINE_LOG, "wear 0.9"), 8_000);
        var snapshot = harness.snapshot(1L, 1L);
        harness.close();

        harness = open(snapshot, false);
        harness.processElement(
                new StreamRecord<>(text("line-5", 9_000, TextKind.TRANSCRIPT, "dent"), 9_000));
        harness.setProcessingTime(3 * QUIET);
        harness.processWatermark(new Watermark(13_000));

        List<AlignedWindow> out = harness.extractOutputValues();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getSequence()).isEqualTo(2);
        assertThat(out.get(0).getVision())
                .extracting(VisionFeatures::getSequence)
                .containsExactly(1L);
        assertThat(out.get(0).getTexts()).hasSize(2);
    }

    @Test
    void shouldCloseWaitingWindowsWhenTheWatermarkStopsMovingAndRefuseTheirLateInputs()
            throws Exception {
        harness.setProcessingTime(0);
        harness.processWatermark(new Watermark(1_000));
        harness.processElement(frame("line-6", 10_000, 7), 10_000);
        harness.processElement(text("line-6", 10_000, TextKind.MACHINE_LOG, "wear 0.2"), 10_000);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        harness.processWatermark(new Watermark(2_000)); // still moving: no early close
        harness.setProcessingTime(IDLE_CLOSE);
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        // another source's input arrives: the watermark is stuck, but inputs still flow
        harness.setProcessingTime(IDLE_CLOSE + 5_000);
        harness.processElement(frame("line-7", 3_000, 0), 3_000);
        harness.setProcessingTime(2 * IDLE_CLOSE);
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.setProcessingTime(4 * IDLE_CLOSE); // quiet for IDLE_CLOSE: the windows close
        List<AlignedWindow> out = harness.extractOutputValues();
        assertThat(out).hasSize(2);
        assertThat(out)
                .filteredOn(w -> w.getSourceId().equals("line-6"))
                .singleElement()
                .satisfies(w -> assertThat(w.getTexts()).hasSize(1));
        assertThat(harness.numProcessingTimeTimers()).isZero();

        // its transcript comes after all: late, not a second window
        harness.processElement(text("line-6", 13_000, TextKind.TRANSCRIPT, "dent"), 13_000);
        assertThat(harness.getSideOutput(DeadLetters.TAG)).hasSize(1);
        harness.processWatermark(new Watermark(40_000));
        assertThat(harness.extractOutputValues()).hasSize(2);
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void shouldDecideEveryItemOfASourceFarBehindTheWatermarkByItsOwnClock() throws Exception {
        harness.setProcessingTime(0);
        harness.processElement(frame("line-1", 600_000, 0), 600_000);
        harness.processWatermark(new Watermark(598_000)); // the other sources' time
        // line-9 replays ten minutes of backlog: items 3 s apart, each a frame and a log line
        for (int i = 0; i < 6; i++) {
            long t = 10_000 + i * 3_000L;
            harness.processElement(frame("line-9", t, i), t);
            harness.processElement(text("line-9", t + 100, TextKind.MACHINE_LOG, "log " + i), t);
        }
        assertThat(harness.getSideOutput(DeadLetters.TAG)).isNull();
        // closed by its own progress: every window ending 2 s before its latest input
        assertThat(harness.extractOutputValues())
                .extracting(w -> w.getSourceId() + "@" + w.getStart().toEpochMilli())
                .containsExactly("line-9@10000", "line-9@16000");

        harness.setProcessingTime(QUIET); // the replay ends: quiet, the watermark closes the rest
        assertThat(harness.extractOutputValues())
                .filteredOn(w -> w.getSourceId().equals("line-9"))
                .extracting(w -> w.getVision().size() + "+" + w.getTexts().size())
                .containsExactly("2+2", "2+2", "2+2");
        assertThat(harness.getSideOutput(DeadLetters.TAG)).isNull();
    }

    @Test
    void shouldNotLetASourceWithAFastClockCloseOtherSourcesWindowsEarly() throws Exception {
        harness.setProcessingTime(0);
        harness.processElement(frame("line-2", 10_000, 0), 10_000);
        // line-3's clock runs 4 minutes ahead and drags the watermark with it
        harness.processElement(frame("line-3", 250_000, 0), 250_000);
        harness.processWatermark(new Watermark(248_000));
        assertThat(harness.extractOutputValues()).isEmpty();

        // line-2's log line arrives after the jump: it still joins the part's window
        harness.setProcessingTime(1_000);
        harness.processElement(text("line-2", 10_200, TextKind.MACHINE_LOG, "temp 70"), 10_200);
        harness.processElement(frame("line-2", 18_000, 1), 18_000);
        assertThat(harness.getSideOutput(DeadLetters.TAG)).isNull();
        List<AlignedWindow> out = harness.extractOutputValues();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getSourceId()).isEqualTo("line-2");
        assertThat(out.get(0).getVision().size() + out.get(0).getTexts().size()).isEqualTo(2);
    }

    @Test
    void shouldHoldAnActiveSourceBackNoLongerThanTheMaxHoldWhenTheWatermarkIsStuck()
            throws Exception {
        // A source lagging alone on another decode subtask keeps the watermark at 10 s while
        // line-1 sends parts up to 60 s.
        for (Duration maxHold : new Duration[] {null, Duration.ofMillis(OUT_OF_ORDERNESS)}) {
            try (var h = open(null, false, maxHold)) {
                h.setProcessingTime(0);
                h.processWatermark(new Watermark(10_000));
                for (long t = 20_000; t <= 60_000; t += 10_000) {
                    h.processElement(frame("line-1", t, t / 10_000), t);
                }
                List<Long> closed =
                        h.extractOutputValues().stream()
                                .map(w -> w.getStart().toEpochMilli())
                                .toList();
                if (maxHold == null) {
                    assertThat(closed).as("held by the watermark").isEmpty();
                } else {
                    // own clock 60 s - 2 s out-of-orderness - 2 s hold = 56 s: windows to there
                    assertThat(closed).containsExactly(20_000L, 30_000L, 40_000L, 50_000L);
                    // and once quiet for span + out-of-orderness + hold, the last one closes too
                    h.setProcessingTime(QUIET + OUT_OF_ORDERNESS + IDLE_CLOSE);
                    assertThat(h.extractOutputValues()).hasSize(5);
                }
            }
        }
    }

    static AlignmentInput frame(String source, long time, long sequence) {
        return AlignmentFunction.of(
                VisionFeatures.newBuilder()
                        .setSourceId(source)
                        .setSequence(sequence)
                        .setEventTime(Instant.ofEpochMilli(time))
                        .setModel("test@1")
                        .setPooled(List.of(1f, 2f))
                        .setPatchCount(1)
                        .setPatchDim(2)
                        .setPatchTokens(ByteBuffer.allocate(8))
                        .build());
    }

    static AlignmentInput text(String source, long time, TextKind kind, String text) {
        TextEvent event =
                TextEvent.newBuilder()
                        .setSourceId(source)
                        .setEventTime(Instant.ofEpochMilli(time))
                        .setKind(kind)
                        .setText(text)
                        .setAttributes(Map.of())
                        .setFeatures(Map.of())
                        .build();
        return AlignmentFunction.of(
                TextFeatures.newBuilder()
                        .setEvent(event)
                        .setPieces(List.of("[CLS]", "[SEP]"))
                        .setWords(List.of())
                        .setWordOfPiece(List.of(-1, -1))
                        .setDim(1)
                        .setTokenVectors(ByteBuffer.allocate(8))
                        .setTextEncoder("test")
                        .build());
    }
}
