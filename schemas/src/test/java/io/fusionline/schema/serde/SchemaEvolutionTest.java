package io.fusionline.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class SchemaEvolutionTest {

    private final RecordCodec<TextEvent> codec =
            SingleObjectWireFormat.INSTANCE.codec(TextEvent.class);

    @Test
    void shouldReadRecordWrittenWithV1AsCurrentVersion() throws Exception {
        Schema v1 = historyResource("io.fusionline.schema.text.TextEvent.v2.avsc");
        GenericRecord old = new GenericData.Record(v1);
        old.put("sourceId", "line-4");
        old.put("eventTime", 1_764_000_000_000L);
        old.put("kind", new GenericData.EnumSymbol(v1.getField("kind").schema(), "MACHINE_LOG"));
        old.put("text", "spindle temperature 81C");
        byte[] bytes = encode(v1, old);

        TextEvent current = codec.decode(bytes);

        assertThat(current.getSourceId()).isEqualTo("line-4");
        assertThat(current.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_764_000_000_000L));
        assertThat(current.getKind()).isEqualTo(TextKind.MACHINE_LOG);
        assertThat(current.getText()).isEqualTo("spindle temperature 81C");
        assertThat(current.getAttributes()).isEmpty();
        assertThat(current.getFeatures()).isEmpty();
    }

    @Test
    void shouldFindEveryHistoricalVersionOnTheClasspath() {
        assertThat(SchemaHistory.olderVersionsOf(TextEvent.getClassSchema()))
                .extracting(Schema::getFullName)
                .containsExactly(
                        "io.fusionline.schema.text.TextEvent",
                        "io.fusionline.schema.text.TextEvent");
    }

    @Test
    void shouldRejectUnknownWriterSchemaWithReason() {
        Schema stranger =
                SchemaBuilder.record("TextEvent")
                        .namespace("io.fusionline.schema.text")
                        .fields()
                        .requiredString("somethingElse")
                        .endRecord();
        GenericRecord record = new GenericData.Record(stranger);
        record.put("somethingElse", "x");
        byte[] bytes = encode(stranger, record);

        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageStartingWith("unknown writer schema for TextEvent");
    }

    @Test
    void shouldRejectBytesWithoutHeader() {
        assertThatThrownBy(() -> codec.decode("hello, not avro".getBytes()))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("not Avro single-object encoding");
    }

    @Test
    void shouldRejectTruncatedRecord() {
        TextEvent event =
                TextEvent.newBuilder()
                        .setSourceId("line-1")
                        .setEventTime(Instant.ofEpochMilli(1))
                        .setKind(TextKind.OPERATOR_NOTE)
                        .setText("a long enough note to cut in half")
                        .build();
        byte[] whole = codec.encode(event);
        byte[] cut = Arrays.copyOf(whole, whole.length - 12);

        assertThatThrownBy(() -> codec.decode(cut))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("TextEvent");
    }

    @Test
    void shouldRejectEmptyPayload() {
        assertThatThrownBy(() -> codec.decode(new byte[0]))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessage("empty payload, expected an Avro TextEvent");
    }

    @Test
    void shouldNameKnownFormatsForUnknownName() {
        assertThat(WireFormat.named("Single-Object")).isSameAs(SingleObjectWireFormat.INSTANCE);
        assertThatThrownBy(() -> WireFormat.named("confluent"))
                .hasMessage("unknown wire format 'confluent' (known: single-object)");
    }

    private static byte[] encode(Schema schema, GenericRecord record) {
        try {
            ByteBuffer buffer =
                    new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema)
                            .encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Schema historyResource(String name) throws IOException {
        try (InputStream in =
                SchemaEvolutionTest.class
                        .getClassLoader()
                        .getResourceAsStream(SchemaHistory.RESOURCE_FOLDER + name)) {
            return new Schema.Parser().parse(in);
        }
    }
}
