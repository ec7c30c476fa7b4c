package io.fusionline.schema.serde;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * {@link RecordCodec} for Avro single-object encoding. Before Avro decodes a record, {@link
 * AvroBoundsCheck} walks it along its writer schema, so no declared length can make the decoder
 * allocate more than the record's own size. Not thread-safe.
 */
final class SingleObjectCodec<T extends SpecificRecord> implements RecordCodec<T> {

    /** Marker {@code C3 01} and the writer schema's 8-byte little-endian fingerprint. */
    private static final int HEADER_BYTES = 10;

    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    private final Map<Long, Schema> writers = new HashMap<>();

    SingleObjectCodec(Class<T> recordClass) {
        TrustedAvroPackages.install();
        SpecificData model = SpecificData.getForClass(recordClass);
        this.schema = model.getSchema(recordClass);
        SchemaStore.Cache known = new SchemaStore.Cache();
        writers.put(SchemaNormalization.parsingFingerprint64(schema), schema);
        for (Schema older : SchemaHistory.olderVersionsOf(schema)) {
            known.addSchema(older);
            writers.put(SchemaNormalization.parsingFingerprint64(older), older);
        }
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema, known);
    }

    @Override
    public byte[] encode(T record) {
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + schema.getName(), e);
        }
    }

    @Override
    public T decode(byte[] bytes) throws RecordDecodingException {
        String type = schema.getName();
        if (bytes == null || bytes.length == 0) {
            throw new RecordDecodingException("empty payload, expected an Avro " + type);
        }
        String unbounded = boundsProblem(bytes);
        if (unbounded != null) {
            throw new RecordDecodingException(
                    "corrupt or truncated " + type + " (" + unbounded + ")");
        }
        try {
            return decoder.decode(bytes);
        } catch (BadHeaderException e) {
            throw new RecordDecodingException(
                    "not Avro single-object encoding (expected header C3 01) for " + type, e);
        } catch (MissingSchemaException e) {
            throw new RecordDecodingException(
                    "unknown writer schema for " + type + ": " + e.getMessage(), e);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
            throw new RecordDecodingException(
                    "corrupt or truncated " + type + " (" + oneLine(e) + ")", e);
        } catch (RuntimeException e) {
            // Avro's binary decoder reports some corruptions as NegativeArraySize, OutOfMemory
            // guards or UnsupportedOperation; all of them are a bad input, never a bad job.
            throw new RecordDecodingException("undecodable " + type + " (" + oneLine(e) + ")", e);
        }
    }

    /**
     * The bounds problem of a record whose header names a known writer schema; null when there is
     * none, or when the header is not ours (Avro's decoder then refuses it without allocating).
     */
    private String boundsProblem(byte[] bytes) {
        if (bytes.length < HEADER_BYTES || bytes[0] != (byte) 0xC3 || bytes[1] != 0x01) {
            return null;
        }
        long fingerprint = 0;
        for (int i = 9; i >= 2; i--) {
            fingerprint = (fingerprint << 8) | (bytes[i] & 0xffL);
        }
        Schema writer = writers.get(fingerprint);
        return writer == null ? null : AvroBoundsCheck.problemWith(writer, bytes, HEADER_BYTES);
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage();
        String text = e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return text.replace('\n', ' ');
    }
}
