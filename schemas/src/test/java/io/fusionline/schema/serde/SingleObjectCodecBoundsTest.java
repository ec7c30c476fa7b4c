package io.fusionline.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fusionline.schema.media.AudioChunk;
import io.fusionline.schema.media.AudioEncoding;
import io.fusionline.schema.media.FrameFormat;
import io.fusionline.schema.media.RegionOfInterest;
import io.fusionline.schema.media.VideoFrame;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SingleObjectCodecBoundsTest {

    private static final Instant T0 = Instant.ofEpochMilli(1_764_000_000_123L);

    /** The input schemas, each with every variable-length field filled. */
    static Stream<SpecificRecord> inputs() {
        return Stream.of(
                TextEvent.newBuilder()
                        .setSourceId("line-1")
                        .setEventTime(T0)
                        .setKind(TextKind.TRANSACTION)
                        .setText("payment 12.50 EUR")
                        .setAttributes(Map.of("country", "DE", "device", "d-1"))
                        .setFeatures(Map.of("amount", 12.5, "velocity", 2.0))
                        .build(),
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
                        .build());
    }

    @Test
    void shouldRefuseTheThirtyByteStringBombWithoutAllocatingIt() {
        // The record: a valid header whose first string declares 2 000 000 000 bytes.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC3);
        out.write(0x01);
        long fingerprint = SchemaNormalization.parsingFingerprint64(TextEvent.getClassSchema());
        for (int i = 0; i < 8; i++) {
            out.write((int) (fingerprint >>> (8 * i)));
        }
        out.writeBytes(HostileRecords.zigZag(HostileRecords.BOMB));
        out.writeBytes(new byte[30 - out.size()]);
        byte[] bomb = out.toByteArray();
        assertThat(bomb).hasSize(30);

        assertThatThrownBy(
                        () -> SingleObjectWireFormat.INSTANCE.codec(TextEvent.class).decode(bomb))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessage(
                        "corrupt or truncated TextEvent (string of 2000000000 bytes declared at"
                                + " byte 10, 15 left)");
    }

    @ParameterizedTest
    @MethodSource("inputs")
    <T extends SpecificRecord> void shouldRefuseEveryLengthBombAndTruncationWithAReason(T valid)
            throws Exception {
        @SuppressWarnings("unchecked")
        RecordCodec<T> codec = SingleObjectWireFormat.INSTANCE.codec((Class<T>) valid.getClass());
        assertThat(codec.decode(codec.encode(valid))).isEqualTo(valid);
        List<HostileRecords.Variant> hostile = new ArrayList<>(HostileRecords.lengthBombs(valid));
        hostile.addAll(HostileRecords.truncations(valid));
        assertThat(hostile).hasSizeGreaterThan(20);
        for (HostileRecords.Variant v : hostile) {
            assertThatThrownBy(() -> codec.decode(v.bytes()))
                    .as(v.name())
                    .isInstanceOf(RecordDecodingException.class)
                    .hasMessageStartingWith("corrupt or truncated " + valid.getSchema().getName());
        }
    }

    @Test
    void shouldCapArraysOfEmptyItemsThatNoByteCountBounds() throws Exception {
        byte[] many = HostileRecords.zigZag(BoundedDecoder.MAX_EMPTY_ITEMS + 2L);
        BoundedDecoder tooMany = new BoundedDecoder(many, 0, null);
        assertThatThrownBy(tooMany::readArrayStart)
                .hasMessage(
                        "array of 65538 items declared at byte 0, more than the 0 bytes left can"
                                + " hold");
        byte[] few = HostileRecords.zigZag(3);
        assertThat(new BoundedDecoder(few, 0, null).readArrayStart()).isEqualTo(3);
        // a map's entries each have a key: no more entries than bytes
        assertThatThrownBy(() -> new BoundedDecoder(few, 0, null).readMapStart())
                .hasMessageContaining("map of 3 items");
    }
}
