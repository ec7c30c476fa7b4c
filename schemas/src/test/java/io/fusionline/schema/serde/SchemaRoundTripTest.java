package io.fusionline.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.decision.DecisionAction;
import io.fusionline.schema.media.AudioChunk;
import io.fusionline.schema.media.AudioEncoding;
import io.fusionline.schema.media.FrameFormat;
import io.fusionline.schema.media.RegionOfInterest;
import io.fusionline.schema.media.VideoFrame;
import io.fusionline.schema.ops.DeadLetter;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import io.fusionline.schema.text.Transcript;
import io.fusionline.schema.text.TranscriptKind;
import io.fusionline.schema.text.TranscriptWord;
import io.fusionline.schema.vision.VisionFeatures;
import io.fusionline.schema.world.GroundTruth;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SchemaRoundTripTest {

    private static final Instant T0 = Instant.ofEpochMilli(1_764_000_000_123L);

    static Stream<SpecificRecord> everySchema() {
        return Stream.of(
                AudioChunk.newBuilder()
                        .setSourceId("mic-1")
                        .setSequence(7)
                        .setEventTime(T0)
                        .setSampleRate(16_000)
                        .setChannels(1)
                        .setEncoding(AudioEncoding.PCM_S16LE)
                        .setPayload(ByteBuffer.wrap(new byte[] {1, 0, -1, -1}))
                        .build(),
                VideoFrame.newBuilder()
                        .setSourceId("cam-2")
                        .setSequence(3)
                        .setEventTime(T0)
                        .setWidth(640)
                        .setHeight(480)
                        .setFormat(FrameFormat.JPEG)
                        .setPayload(ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xD8}))
                        .setRegionOfInterest(new RegionOfInterest(10, 20, 100, 50))
                        .build(),
                VideoFrame.newBuilder()
                        .setSourceId("cam-3")
                        .setSequence(4)
                        .setEventTime(T0)
                        .setWidth(2)
                        .setHeight(1)
                        .setFormat(FrameFormat.RAW_BGR)
                        .setPayload(ByteBuffer.wrap(new byte[6]))
                        .build(),
                TextEvent.newBuilder()
                        .setSourceId("call-9")
                        .setEventTime(T0)
                        .setKind(TextKind.TRANSACTION)
                        .setText("amount 1890.00 EUR; merchant electronics")
                        .setAttributes(Map.of("country", "BR", "device", "new"))
                        .setFeatures(Map.of("amount", 1890.0, "velocity10m", 5.0))
                        .build(),
                Transcript.newBuilder()
                        .setSourceId("call-9")
                        .setUtterance(2)
                        .setKind(TranscriptKind.FINAL)
                        .setStartTime(T0)
                        .setEndTime(T0.plusMillis(900))
                        .setText("dispute the payment")
                        .setConfidence(0.87)
                        .setWords(
                                List.of(new TranscriptWord("dispute", T0, T0.plusMillis(400), 0.9)))
                        .setModel("vosk-model-small-en-us-0.15")
                        .build(),
                Decision.newBuilder()
                        .setDecisionId("line-1/5")
                        .setSourceId("line-1")
                        .setSequence(5)
                        .setEventTime(T0)
                        .setLabel("scratch")
                        .setScore(0.91)
                        .setAction(DecisionAction.STOP_LINE)
                        .setClassProbabilities(Map.of("scratch", 0.91, "ok", 0.09))
                        .setModalities(List.of("text", "vision"))
                        .setInputCount(3)
                        .setModel("text-rules/1")
                        .setExplanation("note mentions scratch")
                        .build(),
                VisionFeatures.newBuilder()
                        .setSourceId("cam-2")
                        .setSequence(3)
                        .setEventTime(T0)
                        .setModel("fusionline-random-patch-encoder@1")
                        .setPooled(List.of(0.5f, -0.25f))
                        .setPatchCount(2)
                        .setPatchDim(2)
                        .setPatchTokens(ByteBuffer.wrap(new byte[16]))
                        .setInferenceMillis(1.5f)
                        .build(),
                GroundTruth.newBuilder()
                        .setWorld("inspection")
                        .setSourceId("line-2")
                        .setSequence(9)
                        .setEventTime(T0)
                        .setLabel("scratch")
                        .setSeverity(0.4)
                        .setAttributes(Map.of("noteClaims", "dent"))
                        .build(),
                DeadLetter.newBuilder()
                        .setOriginalTopic("text-events")
                        .setPartition(1)
                        .setOffset(42)
                        .setKey(ByteBuffer.wrap("k".getBytes()))
                        .setPayload(ByteBuffer.wrap(new byte[] {9, 9}))
                        .setStage("decode")
                        .setReason("not Avro single-object encoding")
                        .setTime(T0)
                        .build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everySchema")
    <T extends SpecificRecord> void shouldRoundTripEverySchema(T record) throws Exception {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) record.getClass();
        RecordCodec<T> codec = SingleObjectWireFormat.INSTANCE.codec(type);

        byte[] bytes = codec.encode(record);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(codec.decode(bytes)).isEqualTo(record);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everySchema")
    <T extends SpecificRecord> void shouldRoundTripThroughKafkaSerde(T record) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) record.getClass();
        KafkaRecordSerde<T> serde = new KafkaRecordSerde<>();
        serde.configure(Map.of(KafkaRecordSerde.RECORD_CLASS, type.getName()), false);

        assertThat(serde.deserialize("t", serde.serialize("t", record))).isEqualTo(record);
    }
}
