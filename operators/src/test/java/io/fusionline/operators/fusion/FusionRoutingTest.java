package io.fusionline.operators.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fusionline.multimodal.fusion.BuiltInModels;
import io.fusionline.multimodal.fusion.FusionInput;
import io.fusionline.multimodal.fusion.ModalityHead;
import io.fusionline.multimodal.text.TextEncoder;
import io.fusionline.operators.DeadLetters;
import io.fusionline.operators.Profile;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.decision.DecisionRoute;
import io.fusionline.schema.decision.WordEvidence;
import io.fusionline.schema.fusion.AlignedWindow;
import io.fusionline.schema.fusion.TextFeatures;
import io.fusionline.schema.serde.WireFormat;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import io.fusionline.schema.vision.VisionFeatures;
import io.fusionline.schema.vision.VisionTensors;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Routing in the fusion operator, fraud profile: a payment alone goes to the payment head (no text
 * encoder, no bridge), a payment with a call goes to the bridge with the payment's text encoded
 * there, and every provisional look is a score at arrival.
 */
class FusionRoutingTest {

    private static final String PAYMENT =
            "amount 1890.00 EUR; merchant electronics; country BR; device new; 5 payments in 10 min";
    private static final String CALL = "i did not make this payment";
    private static final Map<String, Double> FEATURES =
            Map.of("amount", 1890.0, "velocity10m", 5.0);
    private static final Map<String, String> ATTRIBUTES =
            Map.of("merchant", "electronics", "country", "BR", "device", "new");

    private static TextEncoder encoder;
    private static ModalityHead head;

    @BeforeAll
    static void load() {
        encoder = TextEncoder.open(1, 32);
        head = ModalityHead.open(BuiltInModels.resolveHead("builtin:fraud-payment"), 1);
    }

    @AfterAll
    static void close() {
        head.close();
        encoder.close();
    }

    private static FusionOptions fraud(String head) {
        return FusionOptions.profile(Profile.FRAUD).toBuilder()
                .batching(16, Duration.ofSeconds(30))
                .provisionalAlerts(true)
                .head(head)
                .build();
    }

    private static FusionDecisionOperator operator(FusionOptions options) {
        return new FusionDecisionOperator(
                options, WireFormat.named("single-object"), "vision-features", "text-events");
    }

    @Test
    void deferredKindsAreTheHeadsModality() {
        assertThat(fraud("builtin:fraud-payment").deferredKinds())
                .containsExactly(TextKind.TRANSACTION);
        assertThat(fraud(null).deferredKinds()).isEmpty();
    }

    @Test
    void shouldDecideAPaymentAloneWithTheHeadAndScoreItAtArrival() throws Exception {
        FusionDecisionOperator op = operator(fraud("builtin:fraud-payment"));
        try (var h = new OneInputStreamOperatorTestHarness<>(op)) {
            h.open();
            AlignedWindow look = window("account-1", 1_000, true, false, false);
            look.setProvisional(true);
            h.processElement(new StreamRecord<>(look, 1_000));
            h.prepareSnapshotPreBarrier(1L);
            h.processElement(
                    new StreamRecord<>(window("account-1", 1_000, true, false, false), 1_000));
            h.prepareSnapshotPreBarrier(2L);

            float[] expected =
                    head.probabilities(List.of(new FusionInput(null, null, FEATURES, ATTRIBUTES)))
                            .get(0);
            List<Decision> decided = h.extractOutputValues();
            assertThat(decided).hasSize(1);
            Decision d = decided.get(0);
            assertThat(d.getRoute()).isEqualTo(DecisionRoute.HEAD);
            assertThat(d.getModel()).isEqualTo(head.descriptor().modelRef());
            assertThat(d.getModalities()).containsExactly("transaction");
            assertThat(d.getScore()).isCloseTo(expected[1], within(1e-6));
            assertThat(d.getExplanation()).startsWith("transaction head: ");
            assertThat(op.deferredEncodings()).isZero();
            assertThat(op.reusedDecisions()).isEqualTo(1);

            List<Decision> scores = new ArrayList<>();
            h.getSideOutput(FusionDecisionOperator.SCORES).forEach(r -> scores.add(r.getValue()));
            assertThat(scores).hasSize(1);
            assertThat(scores.get(0).getProvisional()).isTrue();
            assertThat(scores.get(0).getDecisionId()).isEqualTo(d.getDecisionId());
            assertThat(scores.get(0).getScore()).isEqualTo(d.getScore());
        }
    }

    @Test
    void shouldReuseALookInTheSameBatchForItsClosedWindow() throws Exception {
        FusionDecisionOperator op = operator(fraud("builtin:fraud-payment"));
        try (var h = new OneInputStreamOperatorTestHarness<>(op)) {
            h.open();
            AlignedWindow look = window("account-4", 3_000, true, true, false);
            look.setProvisional(true);
            h.processElement(new StreamRecord<>(look, 3_000));
            h.processElement(
                    new StreamRecord<>(window("account-4", 3_000, true, true, false), 3_000));
            h.prepareSnapshotPreBarrier(1L);
            assertThat(op.reusedDecisions()).isEqualTo(1);
            Decision decided = h.extractOutputValues().get(0);
            Decision scored = h.getSideOutput(FusionDecisionOperator.SCORES).peek().getValue();
            assertThat(decided.getRoute()).isEqualTo(DecisionRoute.FUSION);
            assertThat(decided.getClassProbabilities()).isEqualTo(scored.getClassProbabilities());
        }
    }

    @Test
    void shouldEncodeAPaymentOnlyWhenACallJoinsAndDecideAsIfEncodedUpFront() throws Exception {
        Decision lazy;
        FusionDecisionOperator op = operator(fraud("builtin:fraud-payment"));
        try (var h = new OneInputStreamOperatorTestHarness<>(op)) {
            h.open();
            AlignedWindow look = window("account-2", 5_000, true, true, false);
            look.setProvisional(true);
            h.processElement(new StreamRecord<>(look, 5_000));
            h.processElement(
                    new StreamRecord<>(window("account-2", 5_000, true, true, false), 5_000));
            h.prepareSnapshotPreBarrier(1L);
            lazy = h.extractOutputValues().get(0);
            assertThat(op.deferredEncodings()).as("encoded once, for both looks").isEqualTo(1);
        }
        Decision upFront;
        try (var h = new OneInputStreamOperatorTestHarness<>(operator(fraud(null)))) {
            h.open();
            h.processElement(
                    new StreamRecord<>(window("account-2", 5_000, true, true, true), 5_000));
            h.prepareSnapshotPreBarrier(1L);
            upFront = h.extractOutputValues().get(0);
        }
        assertThat(lazy.getRoute()).isEqualTo(DecisionRoute.FUSION);
        assertThat(lazy.getModalities()).containsExactly("transaction", "speech");
        assertThat(lazy.getScore()).isCloseTo(upFront.getScore(), within(1e-5));
        assertThat(lazy.getWordEvidence())
                .extracting(WordEvidence::getModality)
                .contains("transaction", "speech");
        assertThat(lazy.getWordEvidence()).isEqualTo(upFront.getWordEvidence());
    }

    /**
     * Inspection: a frame alone (the look as a part's frame arrives) is decided by the parts
     * encoder's own class probabilities; once the log line joins, the bridge decides.
     */
    @Test
    void shouldDecideAFrameAloneByItsEncodersLogits() throws Exception {
        FusionOptions inspection =
                FusionOptions.profile(Profile.INSPECTION).toBuilder()
                        .batching(16, Duration.ofSeconds(30))
                        .earlyExit(EarlyExit.NONE)
                        .head(FusionOptions.ENCODER_HEAD)
                        .build();
        assertThat(inspection.deferredKinds()).isEmpty();
        var descriptor = BuiltInModels.fusion(BuiltInModels.INSPECTION_FUSION);
        float[] patches = new float[descriptor.patches() * descriptor.visionDim()];
        java.util.Arrays.fill(patches, 0.1f);
        VisionFeatures frame =
                VisionFeatures.newBuilder()
                        .setSourceId("line-1")
                        .setSequence(7)
                        .setEventTime(Instant.ofEpochMilli(1_000))
                        .setModel("fusionline-inspection-vision@1.0-seed1")
                        .setPooled(List.of())
                        .setPatchCount(descriptor.patches())
                        .setPatchDim(descriptor.visionDim())
                        .setPatchTokens(VisionTensors.pack(patches))
                        .setGridWidth(8)
                        .setLogits(VisionTensors.list(new float[] {0, 0, 4, 0, 0, 0}))
                        .setLogitLabels(descriptor.labels())
                        .build();
        AlignedWindow alone =
                AlignedWindow.newBuilder()
                        .setSourceId("line-1")
                        .setStart(Instant.ofEpochMilli(1_000))
                        .setEnd(Instant.ofEpochMilli(7_000))
                        .setSequence(1)
                        .setVision(List.of(frame))
                        .setTexts(List.of())
                        .build();
        AlignedWindow withLog = AlignedWindow.newBuilder(alone).setSourceId("line-2").build();
        TextEvent log =
                TextEvent.newBuilder()
                        .setSourceId("line-2")
                        .setEventTime(Instant.ofEpochMilli(1_100))
                        .setKind(TextKind.MACHINE_LOG)
                        .setText("temperature 78.1 C; vibration 4.2 mm/s; tool wear 0.91")
                        .setAttributes(Map.of())
                        .setFeatures(Map.of("temperature", 78.1))
                        .build();
        withLog.setTexts(
                List.of(TextEncodeFunction.features(log, encoder.encode(log.getText()), 0f)));
        try (var h = new OneInputStreamOperatorTestHarness<>(operator(inspection))) {
            h.open();
            h.processElement(new StreamRecord<>(alone, 1_000));
            h.processElement(new StreamRecord<>(withLog, 1_000));
            h.prepareSnapshotPreBarrier(1L);
            List<Decision> out = h.extractOutputValues();
            assertThat(out)
                    .extracting(Decision::getRoute)
                    .containsExactly(DecisionRoute.HEAD, DecisionRoute.FUSION);
            Decision head = out.get(0);
            assertThat(head.getModel()).isEqualTo("fusionline-inspection-vision@1.0-seed1");
            assertThat(head.getModalities()).containsExactly("vision");
            assertThat(head.getLabel()).isEqualTo(descriptor.labels().get(2));
            double e4 = Math.exp(4);
            assertThat(head.getScore()).isCloseTo(e4 / (e4 + 5), within(1e-6));
        }
    }

    @Test
    void shouldDeadLetterADeferredTextWhenNoHeadEncodesIt() throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<>(operator(fraud(null)))) {
            h.open();
            h.processElement(
                    new StreamRecord<>(window("account-3", 9_000, true, true, false), 9_000));
            h.prepareSnapshotPreBarrier(1L);
            assertThat(h.extractOutputValues()).isEmpty();
            var letters = new ArrayList<>(h.getSideOutput(DeadLetters.TAG));
            assertThat(letters).hasSize(2);
            assertThat(letters.get(0).getValue().getReason()).contains("arrived unencoded");
        }
    }

    /**
     * A window of {@code source}: a payment (encoded when {@code encoded}, else deferred) and, with
     * {@code call}, a call transcript.
     */
    private static AlignedWindow window(
            String source, long start, boolean payment, boolean call, boolean encoded) {
        List<TextFeatures> texts = new ArrayList<>();
        if (payment) {
            TextEvent event = event(source, start, TextKind.TRANSACTION, PAYMENT, FEATURES);
            texts.add(
                    encoded
                            ? TextEncodeFunction.features(event, encoder.encode(PAYMENT), 0f)
                            : TextEncodeFunction.deferred(event));
        }
        if (call) {
            TextEvent event = event(source, start + 1_500, TextKind.TRANSCRIPT, CALL, Map.of());
            texts.add(TextEncodeFunction.features(event, encoder.encode(CALL), 0f));
        }
        return AlignedWindow.newBuilder()
                .setSourceId(source)
                .setStart(Instant.ofEpochMilli(start))
                .setEnd(Instant.ofEpochMilli(start + 6_000))
                .setSequence(1)
                .setVision(List.of())
                .setTexts(texts)
                .build();
    }

    private static TextEvent event(
            String source, long time, TextKind kind, String text, Map<String, Double> features) {
        return TextEvent.newBuilder()
                .setSourceId(source)
                .setEventTime(Instant.ofEpochMilli(time))
                .setKind(kind)
                .setText(text)
                .setAttributes(kind == TextKind.TRANSACTION ? ATTRIBUTES : Map.of())
                .setFeatures(features)
                .build();
    }
}
