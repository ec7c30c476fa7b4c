package io.fusionline.multimodal.fusion;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.multimodal.text.TextEmbedding;
import io.fusionline.multimodal.text.TextEncoder;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.decision.DecisionAction;
import io.fusionline.schema.decision.DecisionRoute;
import io.fusionline.schema.fusion.AlignedWindow;
import io.fusionline.schema.fusion.TextFeatures;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import io.fusionline.schema.vision.VisionFeatures;
import io.fusionline.schema.vision.VisionTensors;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Windows to model inputs and model outputs to decisions, on the built-in models, no Flink. */
class FusionTranslatorTest {

    private static final FusionTranslator.Policy INSPECTION =
            new FusionTranslator.Policy(
                    Map.of(
                            "log", List.of(TextKind.MACHINE_LOG),
                            "speech", List.of(TextKind.TRANSCRIPT, TextKind.OPERATOR_NOTE)),
                    0.8,
                    0.5,
                    5,
                    5);
    private static final FusionTranslator.Policy FRAUD =
            new FusionTranslator.Policy(
                    Map.of("transaction", List.of(TextKind.TRANSACTION)), 0.7, 0.3, 5, 5);
    private static final Instant START = Instant.parse("2026-11-29T10:00:00Z");

    private static TextEncoder encoder;
    private static FusionModel model;

    @BeforeAll
    static void open() {
        encoder = TextEncoder.open(1, 32);
        model = FusionModel.open(BuiltInModels.fusion(BuiltInModels.INSPECTION_FUSION), 1);
    }

    @AfterAll
    static void close() {
        model.close();
        encoder.close();
    }

    @Test
    void shouldMapScoresToActionsByProfileThresholds() {
        var fraud = new FusionTranslator(BuiltInModels.fusion(BuiltInModels.FRAUD_FUSION), FRAUD);
        assertThat(fraud.action("fraud", 0.71)).isEqualTo(DecisionAction.BLOCK);
        assertThat(fraud.action("legit", 0.70)).isEqualTo(DecisionAction.BLOCK);
        assertThat(fraud.action("legit", 0.5)).isEqualTo(DecisionAction.REVIEW);
        assertThat(fraud.action("legit", 0.29)).isEqualTo(DecisionAction.NONE);

        var inspection = new FusionTranslator(model.descriptor(), INSPECTION);
        assertThat(inspection.action("ok", 0.99)).isEqualTo(DecisionAction.NONE);
        assertThat(inspection.action("scratch", 0.85)).isEqualTo(DecisionAction.STOP_LINE);
        assertThat(inspection.action("scratch", 0.6)).isEqualTo(DecisionAction.REVIEW);
        assertThat(inspection.action("scratch", 0.4)).isEqualTo(DecisionAction.NONE);
    }

    @Test
    void shouldMaskAnUnfitFrameAndFeedEachModalityItsLatestText() {
        var translator = new FusionTranslator(model.descriptor(), INSPECTION);
        AlignedWindow window =
                window(
                        List.of(frame(3, 7)),
                        List.of(
                                text(TextKind.MACHINE_LOG, "spindle temp 70.0 C"),
                                text(TextKind.MACHINE_LOG, "spindle temp 91.0 C"),
                                text(TextKind.TRANSACTION, "not a modality of this model")));

        FusionTranslator.Prepared prepared = translator.input(window);

        assertThat(prepared.input().visionTokens()).isNull();
        assertThat(prepared.unfitFrame().getSequence()).isEqualTo(1L);
        assertThat(prepared.unfitReason())
                .contains("3 x 7 patch tokens")
                .contains("needs " + model.descriptor().patches());
        TextEmbedding[] texts = prepared.input().texts();
        assertThat(texts[0].words()).contains("91").doesNotContain("70");
        assertThat(texts[1]).as("no speech in the window").isNull();
    }

    @Test
    void shouldDecideWithTheModalitiesPresentAndTheirEvidence() {
        var translator = new FusionTranslator(model.descriptor(), INSPECTION);
        var d = model.descriptor();
        float[] patches = new float[d.patches() * d.visionDim()];
        Arrays.fill(patches, 0.5f);
        AlignedWindow window =
                window(
                        List.of(frame(d.patches(), d.visionDim(), patches)),
                        List.of(text(TextKind.OPERATOR_NOTE, "deep scratch near the bore")));
        FusionInput input = translator.input(window).input();

        Decision decision =
                translator.fused(
                        window,
                        input,
                        model.decide(List.of(input)).get(0),
                        null,
                        START.toEpochMilli());

        assertThat(decision.getDecisionId()).isEqualTo("line-1/w" + START.toEpochMilli());
        assertThat(FusionTranslator.id(window)).isEqualTo(decision.getDecisionId());
        assertThat(decision.getRoute()).isEqualTo(DecisionRoute.FUSION);
        assertThat(decision.getModalities()).containsExactly(d.modalities().get(0), "speech");
        assertThat(decision.getAlpha().keySet()).containsExactly(d.modalities().get(0), "speech");
        assertThat(decision.getAlpha().values().stream().mapToDouble(Double::doubleValue).sum())
                .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(decision.getWordEvidence())
                .isNotEmpty()
                .allSatisfy(w -> assertThat(w.getModality()).isEqualTo("speech"));
        assertThat(decision.getAction())
                .isEqualTo(translator.action(decision.getLabel(), decision.getScore()));
        assertThat(decision.getExplanation()).startsWith("fused ");
    }

    private static AlignedWindow window(List<VisionFeatures> frames, List<TextFeatures> texts) {
        return AlignedWindow.newBuilder()
                .setSourceId("line-1")
                .setStart(START)
                .setEnd(START.plusSeconds(6))
                .setSequence(1)
                .setVision(frames)
                .setTexts(texts)
                .build();
    }

    private static VisionFeatures frame(int patchCount, int patchDim) {
        return frame(patchCount, patchDim, new float[patchCount * patchDim]);
    }

    private static VisionFeatures frame(int patchCount, int patchDim, float[] tokens) {
        return VisionFeatures.newBuilder()
                .setSourceId("line-1")
                .setSequence(1)
                .setEventTime(START)
                .setModel("test-encoder@1")
                .setPooled(List.of())
                .setPatchCount(patchCount)
                .setPatchDim(patchDim)
                .setPatchTokens(VisionTensors.pack(tokens))
                .setGridWidth((int) Math.round(Math.sqrt(patchCount)))
                .build();
    }

    private static TextFeatures text(TextKind kind, String text) {
        TextEmbedding e = encoder.encode(text);
        TextEvent event =
                TextEvent.newBuilder()
                        .setSourceId("line-1")
                        .setEventTime(START)
                        .setKind(kind)
                        .setText(text)
                        .build();
        return TextFeatures.newBuilder()
                .setEvent(event)
                .setPieces(List.of(e.pieces()))
                .setWords(List.of(e.words()))
                .setWordOfPiece(Arrays.stream(e.wordOfPiece()).boxed().toList())
                .setDim(e.dim())
                .setTokenVectors(VisionTensors.pack(e.tokenVectors()))
                .setTextEncoder("minilm")
                .build();
    }
}
