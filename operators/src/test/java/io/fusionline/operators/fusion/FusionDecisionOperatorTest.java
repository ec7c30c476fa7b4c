package io.fusionline.operators.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fusionline.multimodal.fusion.BuiltInModels;
import io.fusionline.multimodal.fusion.FusionInput;
import io.fusionline.multimodal.fusion.FusionModel;
import io.fusionline.multimodal.fusion.FusionModelDescriptor;
import io.fusionline.multimodal.fusion.FusionOutput;
import io.fusionline.multimodal.text.TextEmbedding;
import io.fusionline.multimodal.text.TextEncoder;
import io.fusionline.operators.DeadLetters;
import io.fusionline.operators.Profile;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.decision.DecisionAction;
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
import java.util.Random;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fusion operator against the built-in inspection model called directly: the operator must
 * assemble the same tensors and masks from aligned windows as a hand-built {@link FusionInput}.
 */
class FusionDecisionOperatorTest {

    private static final String LOG = "temperature 78.1 C; vibration 4.2 mm/s; tool wear 0.91";
    private static final String NOTE = "there is a deep scratch on the left edge";

    private static TextEncoder encoder;
    private static FusionModel model;
    private static FusionModelDescriptor descriptor;
    private static float[] patches;
    private static Map<String, Double> logFeatures =
            Map.of("temperature", 78.1, "vibration", 4.2, "toolWear", 0.91);

    @BeforeAll
    static void load() {
        descriptor = BuiltInModels.fusion(BuiltInModels.INSPECTION_FUSION);
        model = FusionModel.open(descriptor, 1);
        encoder = TextEncoder.open(1, descriptor.maxTokens());
        Random random = new Random(7);
        patches = new float[descriptor.patches() * descriptor.visionDim()];
        for (int i = 0; i < patches.length; i++) {
            patches[i] = (float) random.nextGaussian();
        }
    }

    @AfterAll
    static void close() {
        encoder.close();
        model.close();
    }

    private static OneInputStreamOperatorTestHarness<AlignedWindow, Decision> harness(
            FusionOptions options) throws Exception {
        var h =
                new OneInputStreamOperatorTestHarness<>(
                        new FusionDecisionOperator(
                                options,
                                WireFormat.named("single-object"),
                                "vision-features",
                                "text-events"));
        h.open();
        return h;
    }

    private static FusionOptions inspection(EarlyExit earlyExit) {
        return inspection(earlyExit, false);
    }

    private static FusionOptions inspection(EarlyExit earlyExit, boolean modalityScores) {
        return FusionOptions.profile(Profile.INSPECTION).toBuilder()
                .batching(16, Duration.ofSeconds(30))
                .earlyExit(earlyExit)
                .modalityScores(modalityScores)
                .provisionalAlerts(false)
                .build();
    }

    @Test
    void shouldDecideEveryMissingModalityCombinationAsTheModelDoesOnHandBuiltInputs()
            throws Exception {
        decideEveryCombination(false);
    }

    @Test
    void shouldAlsoScoreEachModalityAloneWhenAsked() throws Exception {
        decideEveryCombination(true);
    }

    private void decideEveryCombination(boolean modalityScores) throws Exception {
        List<boolean[]> combinations = new ArrayList<>();
        for (int mask = 0; mask < 8; mask++) {
            combinations.add(new boolean[] {(mask & 1) != 0, (mask & 2) != 0, (mask & 4) != 0});
        }
        List<FusionInput> expectedInputs = new ArrayList<>();
        try (var h = harness(inspection(EarlyExit.NONE, modalityScores))) {
            long start = 100_000;
            for (boolean[] keep : combinations) {
                h.processElement(new StreamRecord<>(window("line-1", start, keep), start));
                TextEmbedding[] texts = {
                    keep[1] ? encoder.encode(LOG) : null, keep[2] ? encoder.encode(NOTE) : null
                };
                expectedInputs.add(
                        new FusionInput(
                                keep[0] ? patches : null,
                                texts,
                                keep[1] ? logFeatures : Map.of(),
                                Map.of()));
                start += 10_000;
            }
            assertThat(h.extractOutputValues()).isEmpty(); // still batched
            h.prepareSnapshotPreBarrier(1L);
            List<Decision> out = h.extractOutputValues();
            List<FusionOutput> expected = model.decide(expectedInputs);
            assertThat(out).hasSize(8);
            for (int i = 0; i < 8; i++) {
                Decision d = out.get(i);
                boolean[] keep = combinations.get(i);
                List<String> present = new ArrayList<>();
                for (int m = 0; m < 3; m++) {
                    if (keep[m]) {
                        present.add(descriptor.modalities().get(m));
                    }
                }
                assertThat(d.getRoute()).isEqualTo(DecisionRoute.FUSION);
                assertThat(d.getModalities()).containsExactlyElementsOf(present);
                assertThat(d.getAlpha().keySet()).containsExactlyElementsOf(present);
                if (!present.isEmpty()) {
                    assertThat(d.getAlpha().values().stream().mapToDouble(x -> x).sum())
                            .isCloseTo(1.0, within(1e-4));
                }
                assertThat(d.getVisionEvidence() != null)
                        .isEqualTo(keep[0] && (keep[1] || keep[2]));
                for (int c = 0; c < descriptor.labels().size(); c++) {
                    assertThat(d.getClassProbabilities().get(descriptor.labels().get(c)))
                            .as("window %d class %d", i, c)
                            .isCloseTo(expected.get(i).probabilities()[c], within(1e-6));
                }
                assertThat(d.getDecisionId()).isEqualTo("line-1/w" + (100_000 + i * 10_000L));
                assertThat(d.getModel()).isEqualTo(descriptor.modelRef());
                if (!modalityScores) {
                    assertThat(d.getAloneProbabilities()).isEmpty();
                    continue;
                }
                assertThat(d.getAloneProbabilities().keySet())
                        .containsExactlyElementsOf(descriptor.modalities());
                for (int m = 0; m < 3; m++) {
                    boolean[] only = new boolean[3];
                    only[m] = true;
                    float[] alone =
                            model.decide(List.of(expectedInputs.get(i).only(only)))
                                    .get(0)
                                    .probabilities();
                    List<Double> got =
                            d.getAloneProbabilities().get(descriptor.modalities().get(m));
                    for (int c = 0; c < alone.length; c++) {
                        assertThat(got.get(c)).isCloseTo(alone[c], within(1e-6));
                    }
                }
            }
        }
    }

    @Test
    void shouldNameTheMostAttendedPatchesAndWordsAndRaiseProvisionalAlertsForConfidentDefects()
            throws Exception {
        try (var h = harness(inspection(EarlyExit.NONE))) {
            AlignedWindow open = window("line-2", 5_000, new boolean[] {true, true, true});
            open.setProvisional(true);
            h.processElement(new StreamRecord<>(open));
            h.processElement(
                    new StreamRecord<>(window("line-2", 5_000, new boolean[] {true, true, true})));
            h.prepareSnapshotPreBarrier(1L);
            assertThat(h.extractOutputValues()).hasSize(1); // the provisional one is no decision
            Decision d = h.extractOutputValues().get(0);
            assertThat(d.getProvisional()).isFalse();
            assertThat(d.getVisionEvidence().getFrameSequence()).isEqualTo(42);
            assertThat(d.getVisionEvidence().getPatches()).hasSize(5).doesNotHaveDuplicates();
            assertThat(d.getVisionEvidence().getHeat()).hasSize(descriptor.patches());
            assertThat(d.getVisionEvidence().getGridWidth() * d.getVisionEvidence().getGridHeight())
                    .isEqualTo(descriptor.patches());
            List<Float> w = d.getVisionEvidence().getWeights();
            for (int i = 1; i < w.size(); i++) {
                assertThat(w.get(i)).isLessThanOrEqualTo(w.get(i - 1));
            }
            assertThat(d.getWordEvidence())
                    .extracting(WordEvidence::getModality)
                    .containsOnly("log", "speech");
            assertThat(d.getWordEvidence())
                    .filteredOn(e -> e.getModality().equals("speech"))
                    .extracting(WordEvidence::getWord)
                    .hasSize(5)
                    .allSatisfy(word -> assertThat(NOTE).contains(word));
            boolean alert = d.getAction() == DecisionAction.STOP_LINE;
            assertThat(alert).isEqualTo(!d.getLabel().equals("ok") && d.getScore() >= 0.8);
            var provisional = h.getSideOutput(FusionDecisionOperator.PROVISIONAL_ALERTS);
            if (alert) {
                Decision p = provisional.poll().getValue();
                assertThat(p.getProvisional()).isTrue();
                assertThat(p.getDecisionId()).isEqualTo(d.getDecisionId());
                assertThat(p.getLabel()).isEqualTo(d.getLabel());
            } else {
                assertThat(provisional == null ? 0 : provisional.size()).isZero();
            }
        }
    }

    @Test
    void shouldSendProvisionalDecisionsOnlyToTheProvisionalAlertsAndOnlyWhenTheyStopTheLine()
            throws Exception {
        try (var h = harness(inspection(EarlyExit.visionConfidence(0.99)))) {
            AlignedWindow dent = window("line-4", 1_000, new boolean[] {true, false, false});
            dent.getVision().set(0, withLogits(dent.getVision().get(0), 0, 0, 9, 0, 0, 0));
            dent.setProvisional(true);
            AlignedWindow ok = window("line-4", 11_000, new boolean[] {true, false, false});
            ok.getVision().set(0, withLogits(ok.getVision().get(0), 9, 0, 0, 0, 0, 0));
            ok.setProvisional(true);
            h.processElement(new StreamRecord<>(dent));
            h.processElement(new StreamRecord<>(ok));
            h.prepareSnapshotPreBarrier(1L);

            assertThat(h.extractOutputValues()).isEmpty();
            var provisional = h.getSideOutput(FusionDecisionOperator.PROVISIONAL_ALERTS);
            assertThat(provisional).hasSize(1);
            Decision alert = provisional.poll().getValue();
            assertThat(alert.getDecisionId()).isEqualTo("line-4/w1000");
            assertThat(alert.getProvisional()).isTrue();
            assertThat(alert.getLabel()).isEqualTo("dent");
            assertThat(alert.getAction()).isEqualTo(DecisionAction.STOP_LINE);
            assertThat(alert.getRoute()).isEqualTo(DecisionRoute.EARLY_EXIT);
            assertThat(h.getSideOutput(DeadLetters.TAG)).isNull();
        }
    }

    @Test
    void shouldDecideAClosedWindowFromItsLastProvisionalLookWhenNothingChanged() throws Exception {
        boolean[] all = {true, true, true};
        boolean[] frameOnly = {true, false, false};
        Decision fresh;
        Decision frameAlone;
        try (var h = harness(inspection(EarlyExit.NONE, true))) {
            // the same batch as the looks below: ONNX Runtime's float sums depend on the batch
            h.processElement(new StreamRecord<>(window("line-5", 2_000, all)));
            h.processElement(new StreamRecord<>(window("line-5", 20_000, frameOnly)));
            h.prepareSnapshotPreBarrier(1L);
            fresh = h.extractOutputValues().get(0);
            frameAlone = h.extractOutputValues().get(1);
        }
        try (var h = harness(inspection(EarlyExit.NONE, true))) {
            FusionDecisionOperator op = (FusionDecisionOperator) h.getOperator();
            AlignedWindow look = window("line-5", 2_000, all);
            look.setProvisional(true);
            AlignedWindow early = window("line-5", 20_000, frameOnly);
            early.setProvisional(true);
            h.processElement(new StreamRecord<>(look));
            h.processElement(new StreamRecord<>(early));
            h.prepareSnapshotPreBarrier(1L);
            // closed: the first as it was looked at, the second with more inputs since its look
            h.processElement(new StreamRecord<>(window("line-5", 2_000, all)));
            h.processElement(new StreamRecord<>(window("line-5", 20_000, all)));
            h.prepareSnapshotPreBarrier(2L);

            assertThat(op.reusedDecisions()).isEqualTo(1);
            List<Decision> out = h.extractOutputValues();
            assertThat(out)
                    .extracting(Decision::getDecisionId)
                    .containsExactly("line-5/w2000", "line-5/w20000");
            Decision reused = out.get(0);
            assertThat(reused.getProvisional()).isFalse();
            assertThat(reused.getLabel()).isEqualTo(fresh.getLabel());
            assertThat(reused.getScore()).isEqualTo(fresh.getScore());
            assertThat(reused.getClassProbabilities()).isEqualTo(fresh.getClassProbabilities());
            assertThat(reused.getAlpha()).isEqualTo(fresh.getAlpha());
            assertThat(reused.getAloneProbabilities()).isEqualTo(fresh.getAloneProbabilities());
            assertThat(reused.getVisionEvidence()).isEqualTo(fresh.getVisionEvidence());
            assertThat(reused.getWordEvidence()).isEqualTo(fresh.getWordEvidence());
            // the changed window was decided anew: on all three modalities, not its frame look
            Decision changed = out.get(1);
            assertThat(changed.getModalities()).containsExactly("vision", "log", "speech");
            fresh.getClassProbabilities()
                    .forEach(
                            (label, p) ->
                                    assertThat(changed.getClassProbabilities().get(label))
                                            .isCloseTo(p, within(1e-5)));
            assertThat(changed.getScore()).isNotCloseTo(frameAlone.getScore(), within(1e-3));
        }
    }

    @Test
    void shouldExitEarlyWhenTheVisionEncoderIsSureAndKeepOrder() throws Exception {
        try (var h = harness(inspection(EarlyExit.visionConfidence(0.99)))) {
            AlignedWindow sure = window("line-3", 1_000, new boolean[] {true, true, false});
            sure.getVision().set(0, withLogits(sure.getVision().get(0), 0, 0, 9, 0, 0, 0));
            AlignedWindow unsure = window("line-3", 11_000, new boolean[] {true, true, false});
            unsure.getVision().set(0, withLogits(unsure.getVision().get(0), 1, 1, 1, 0, 0, 0));
            h.processElement(new StreamRecord<>(sure));
            h.processElement(new StreamRecord<>(unsure));
            h.prepareSnapshotPreBarrier(1L);

            List<Decision> out = h.extractOutputValues();
            assertThat(out)
                    .extracting(Decision::getRoute)
                    .containsExactly(DecisionRoute.EARLY_EXIT, DecisionRoute.FUSION);
            assertThat(out.get(0).getLabel()).isEqualTo("dent");
            assertThat(out.get(0).getScore()).isGreaterThan(0.99);
            assertThat(out.get(0).getModalities()).containsExactly("vision", "log");
            assertThat(out.get(0).getExplanation()).startsWith("vision encoder alone: dent");
            assertThat(out.get(0).getAction()).isEqualTo(DecisionAction.STOP_LINE);
        }
    }

    private static VisionFeatures withLogits(VisionFeatures f, float... logits) {
        return VisionFeatures.newBuilder(f)
                .setLogits(VisionTensors.list(logits))
                .setLogitLabels(descriptor.labels())
                .build();
    }

    /**
     * A window of {@code source} with the frame, the log line and the note as {@code keep} says.
     */
    private static AlignedWindow window(String source, long start, boolean[] keep) {
        List<VisionFeatures> vision = new ArrayList<>();
        if (keep[0]) {
            vision.add(
                    VisionFeatures.newBuilder()
                            .setSourceId(source)
                            .setSequence(42)
                            .setEventTime(Instant.ofEpochMilli(start))
                            .setModel("fusionline-inspection-vision@test")
                            .setPooled(List.of())
                            .setPatchCount(descriptor.patches())
                            .setPatchDim(descriptor.visionDim())
                            .setPatchTokens(VisionTensors.pack(patches))
                            .setGridWidth(8)
                            .build());
        }
        List<TextFeatures> texts = new ArrayList<>();
        if (keep[1]) {
            texts.add(text(source, start, TextKind.MACHINE_LOG, LOG, logFeatures));
        }
        if (keep[2]) {
            texts.add(text(source, start + 2_500, TextKind.TRANSCRIPT, NOTE, Map.of()));
        } else {
            // an empty transcript (silence) is no language
            texts.add(text(source, start + 2_500, TextKind.TRANSCRIPT, "", Map.of()));
        }
        return AlignedWindow.newBuilder()
                .setSourceId(source)
                .setStart(Instant.ofEpochMilli(start))
                .setEnd(Instant.ofEpochMilli(start + 6_000))
                .setSequence(1)
                .setVision(vision)
                .setTexts(texts)
                .build();
    }

    private static TextFeatures text(
            String source, long time, TextKind kind, String text, Map<String, Double> features) {
        TextEvent event =
                TextEvent.newBuilder()
                        .setSourceId(source)
                        .setEventTime(Instant.ofEpochMilli(time))
                        .setKind(kind)
                        .setText(text)
                        .setAttributes(Map.of())
                        .setFeatures(features)
                        .build();
        return TextEncodeFunction.features(event, encoder.encode(text), 0f);
    }
}
