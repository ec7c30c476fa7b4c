package io.fusionline.operators.fusion;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fusionline.operators.DeadLetters;
import io.fusionline.operators.Profile;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.fusion.AlignedWindow;
import io.fusionline.schema.fusion.TextFeatures;
import io.fusionline.schema.serde.WireFormat;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import io.fusionline.schema.vision.VisionFeatures;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

/**
 * Coverage-guided fuzzing of the fusion stage's input assembly on windows of inconsistent parts:
 * patch tokens that do not match their declared count, token vectors and piece-to-word maps of any
 * length and values, NaN features, any text kinds. Property: the operator never throws; the window
 * becomes one decision, or each of its inputs one dead letter. {@code ./mvnw verify} runs the
 * committed corpus.
 */
class FusionAssemblyFuzzTest {

    private static OneInputStreamOperatorTestHarness<AlignedWindow, Decision> harness;
    private static long checkpoint;

    private static OneInputStreamOperatorTestHarness<AlignedWindow, Decision> harness()
            throws Exception {
        if (harness == null) {
            harness =
                    new OneInputStreamOperatorTestHarness<>(
                            new FusionDecisionOperator(
                                    FusionOptions.profile(Profile.INSPECTION),
                                    WireFormat.named("single-object"),
                                    "vision-features",
                                    "text-events"));
            harness.open();
        }
        return harness;
    }

    @FuzzTest(maxDuration = "2m")
    void assemble(FuzzedDataProvider data) throws Exception {
        AlignedWindow window = randomWindow(data);
        var h = harness();
        int decisionsBefore = h.extractOutputValues().size();
        int deadBefore = dead(h);

        h.processElement(new StreamRecord<>(window));
        h.prepareSnapshotPreBarrier(++checkpoint); // flushes the micro-batch

        int decisions = h.extractOutputValues().size() - decisionsBefore;
        int dead = dead(h) - deadBefore;
        int inputs = window.getVision().size() + window.getTexts().size();
        assertThat(decisions == 1 || (decisions == 0 && dead >= inputs))
                .as("%d decisions and %d dead letters for %d inputs", decisions, dead, inputs)
                .isTrue();
    }

    private static int dead(OneInputStreamOperatorTestHarness<AlignedWindow, Decision> h) {
        var side = h.getSideOutput(DeadLetters.TAG);
        return side == null ? 0 : side.size();
    }

    private static AlignedWindow randomWindow(FuzzedDataProvider data) {
        List<VisionFeatures> vision = new ArrayList<>();
        if (data.consumeBoolean()) {
            vision.add(
                    VisionFeatures.newBuilder()
                            .setSourceId("line-1")
                            .setSequence(data.consumeLong())
                            .setEventTime(Instant.ofEpochMilli(1_000))
                            .setModel("fuzz")
                            .setPooled(List.of())
                            .setPatchCount(
                                    data.pickValue(new int[] {0, 49, 196, data.consumeInt()}))
                            .setPatchDim(data.pickValue(new int[] {0, 64, 128, data.consumeInt()}))
                            .setPatchTokens(
                                    ByteBuffer.wrap(data.consumeBytes(data.consumeInt(0, 200_000))))
                            .setGridWidth(data.consumeInt(-1, 20))
                            .setLogits(floats(data, data.consumeInt(0, 8)))
                            .setLogitLabels(List.of())
                            .build());
        }
        List<TextFeatures> texts = new ArrayList<>();
        int count = data.consumeInt(0, 3);
        for (int t = 0; t < count; t++) {
            int pieces = data.consumeInt(0, 40);
            List<String> pieceList = new ArrayList<>();
            List<Integer> wordOfPiece = new ArrayList<>();
            for (int i = 0; i < pieces; i++) {
                pieceList.add(data.consumeString(8));
                wordOfPiece.add(data.consumeInt(-2, 40));
            }
            List<String> words = new ArrayList<>();
            int wordCount = data.consumeInt(0, 40);
            for (int i = 0; i < wordCount; i++) {
                words.add(data.consumeString(8));
            }
            Map<String, Double> features = new HashMap<>();
            for (String name : new String[] {"temperature", "vibration", "toolWear", "amount"}) {
                if (data.consumeBoolean()) {
                    features.put(name, data.consumeDouble());
                }
            }
            TextEvent event =
                    TextEvent.newBuilder()
                            .setSourceId("line-1")
                            .setEventTime(Instant.ofEpochMilli(1_000 + t))
                            .setKind(data.pickValue(TextKind.values()))
                            .setText(data.consumeString(40))
                            .setAttributes(Map.of())
                            .setFeatures(features)
                            .build();
            texts.add(
                    TextFeatures.newBuilder()
                            .setEvent(event)
                            .setPieces(pieceList)
                            .setWords(words)
                            .setWordOfPiece(wordOfPiece)
                            .setDim(data.pickValue(new int[] {0, 384, data.consumeInt()}))
                            .setTokenVectors(
                                    ByteBuffer.wrap(data.consumeBytes(data.consumeInt(0, 100_000))))
                            .setTextEncoder("fuzz")
                            .build());
        }
        return AlignedWindow.newBuilder()
                .setSourceId("line-1")
                .setStart(Instant.ofEpochMilli(1_000))
                .setEnd(Instant.ofEpochMilli(7_000))
                .setSequence(1)
                .setVision(vision)
                .setTexts(texts)
                .build();
    }

    private static List<Float> floats(FuzzedDataProvider data, int n) {
        List<Float> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(data.consumeFloat());
        }
        return out;
    }
}
