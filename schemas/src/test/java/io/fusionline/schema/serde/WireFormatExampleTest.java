package io.fusionline.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The worked example of {@code docs/wire-format.md}, byte for byte: a producer in another language
 * that writes these bytes is read by the job, and the job writes them.
 */
class WireFormatExampleTest {

    /** As printed in docs/wire-format.md (spaces between the parts). */
    static final String EXAMPLE =
            "c301 FINGERPRINT"
                    + " 0c6c696e652d31 80a4faebc468 02 1274656d702038312043 00"
                    + " 02 1674656d7065726174757265 0000000000405440 00 00";

    @Test
    void shouldEncodeTheDocumentedTextEventByteForByte() throws Exception {
        TextEvent event =
                TextEvent.newBuilder()
                        .setSourceId("line-1")
                        .setEventTime(Instant.parse("2026-11-29T10:00:00Z"))
                        .setKind(TextKind.MACHINE_LOG)
                        .setText("temp 81 C")
                        .setAttributes(Map.of())
                        .setFeatures(Map.of("temperature", 81.0))
                        .build();
        RecordCodec<TextEvent> codec = SingleObjectWireFormat.INSTANCE.codec(TextEvent.class);
        byte[] bytes = codec.encode(event);
        String fingerprint =
                HexFormat.of()
                        .formatHex(
                                java.nio.ByteBuffer.allocate(8)
                                        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                                        .putLong(
                                                org.apache.avro.SchemaNormalization
                                                        .parsingFingerprint64(
                                                                TextEvent.getClassSchema()))
                                        .array());
        String expected = EXAMPLE.replace("FINGERPRINT", fingerprint).replace(" ", "");
        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo(expected);
        assertThat(codec.decode(HexFormat.of().parseHex(expected))).isEqualTo(event);
        assertThat(fingerprint)
                .as("the fingerprint docs/wire-format.md prints")
                .isEqualTo("d5196fcdb469a6fa");
    }
}
