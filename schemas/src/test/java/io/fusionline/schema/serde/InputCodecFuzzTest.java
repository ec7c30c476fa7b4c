package io.fusionline.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fusionline.schema.media.AudioChunk;
import io.fusionline.schema.media.VideoFrame;
import io.fusionline.schema.text.TextEvent;
import java.io.ByteArrayOutputStream;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;

/**
 * Coverage-guided fuzzing of the single-object codec of each input schema, the bytes any producer
 * may write to an input topic. Property: a decode returns a record that encodes and decodes to
 * itself, or throws {@link RecordDecodingException}; nothing else escapes, an {@code Error} least
 * of all. {@code ./mvnw verify} runs the committed corpus; {@code docs/reliability.md} says how to
 * fuzz.
 */
class InputCodecFuzzTest {

    private static final RecordCodec<TextEvent> TEXT =
            SingleObjectWireFormat.INSTANCE.codec(TextEvent.class);
    private static final RecordCodec<AudioChunk> AUDIO =
            SingleObjectWireFormat.INSTANCE.codec(AudioChunk.class);
    private static final RecordCodec<VideoFrame> FRAME =
            SingleObjectWireFormat.INSTANCE.codec(VideoFrame.class);

    @FuzzTest(maxDuration = "2m")
    void textEvent(FuzzedDataProvider data) throws RecordDecodingException {
        check(TEXT, TextEvent.getClassSchema(), data);
    }

    @FuzzTest(maxDuration = "2m")
    void audioChunk(FuzzedDataProvider data) throws RecordDecodingException {
        check(AUDIO, AudioChunk.getClassSchema(), data);
    }

    @FuzzTest(maxDuration = "2m")
    void videoFrame(FuzzedDataProvider data) throws RecordDecodingException {
        check(FRAME, VideoFrame.getClassSchema(), data);
    }

    /**
     * The first byte picks raw bytes or the schema's own header before them, so that the fuzzer
     * spends its time in the record body rather than finding the fingerprint.
     */
    private static <T extends SpecificRecord> void check(
            RecordCodec<T> codec, org.apache.avro.Schema schema, FuzzedDataProvider data)
            throws RecordDecodingException {
        boolean withHeader = data.consumeBoolean();
        byte[] body = data.consumeRemainingAsBytes();
        byte[] bytes = withHeader ? withHeader(schema, body) : body;
        T record;
        try {
            record = codec.decode(bytes);
        } catch (RecordDecodingException expected) {
            return;
        }
        assertThat(codec.decode(codec.encode(record))).isEqualTo(record);
    }

    static byte[] withHeader(org.apache.avro.Schema schema, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC3);
        out.write(0x01);
        long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        for (int i = 0; i < 8; i++) {
            out.write((int) (fingerprint >>> (8 * i)));
        }
        out.writeBytes(body);
        return out.toByteArray();
    }
}
