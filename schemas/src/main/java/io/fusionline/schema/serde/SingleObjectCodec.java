package io.fusionline.schema.serde;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * {@link RecordCodec} for Avro single-object encoding. Records are read with a {@link
 * BoundedDecoder}, which checks every declared length against the bytes left before allocating, so
 * no record can make the decoder allocate more than its own size. A record written with an older
 * schema of {@link SchemaHistory} is resolved into the current class. Not thread-safe.
 */
final class SingleObjectCodec<T extends SpecificRecord> implements RecordCodec<T> {

    /** Marker {@code C3 01} and the writer schema's 8-byte little-endian fingerprint. */
    private static final int HEADER_BYTES = 10;

    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final long currentFingerprint;
    private final SpecificDatumReader<T> currentReader;
    private final Map<Long, SpecificDatumReader<T>> olderReaders = new HashMap<>();

    SingleObjectCodec(Class<T> recordClass) {
        TrustedAvroPackages.install();
        SpecificData model = SpecificData.getForClass(recordClass);
        this.schema = model.getSchema(recordClass);
        this.currentFingerprint = SchemaNormalization.parsingFingerprint64(schema);
        this.currentReader = new SpecificDatumReader<>(schema, schema, model);
        for (Schema older : SchemaHistory.olderVersionsOf(schema)) {
            olderReaders.put(
                    SchemaNormalization.parsingFingerprint64(older),
                    new SpecificDatumReader<>(older, schema, model));
        }
        this.encoder = new BinaryMessageEncoder<>(model, schema);
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
        return decode(bytes, null);
    }

    /**
     * Decodes {@code bytes}; when {@code lengths} is given, adds the position of every declared
     * length and first block count to it (for building hostile variants in tests).
     */
    T decode(byte[] bytes, List<Integer> lengths) throws RecordDecodingException {
        String type = schema.getName();
        if (bytes == null || bytes.length == 0) {
            throw new RecordDecodingException("empty payload, expected an Avro " + type);
        }
        if (bytes.length < HEADER_BYTES || bytes[0] != (byte) 0xC3 || bytes[1] != 0x01) {
            throw new RecordDecodingException(
                    "not Avro single-object encoding (expected header C3 01) for " + type);
        }
        long fingerprint = 0;
        for (int i = 9; i >= 2; i--) {
            fingerprint = (fingerprint << 8) | (bytes[i] & 0xffL);
        }
        SpecificDatumReader<T> reader =
                fingerprint == currentFingerprint ? currentReader : olderReaders.get(fingerprint);
        if (reader == null) {
            throw new RecordDecodingException(
                    "unknown writer schema for "
                            + type
                            + ": fingerprint "
                            + HexFormat.of().formatHex(bytes, 2, HEADER_BYTES));
        }
        BoundedDecoder in = new BoundedDecoder(bytes, HEADER_BYTES, lengths);
        T record;
        try {
            record = reader.read(null, in);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
            throw new RecordDecodingException(
                    "corrupt or truncated " + type + " (" + oneLine(e) + ")", e);
        } catch (RuntimeException e) {
            // Avro's readers report some corruptions as ClassCast or UnsupportedOperation; all of
            // them are a bad input, never a bad job.
            throw new RecordDecodingException("undecodable " + type + " (" + oneLine(e) + ")", e);
        }
        if (in.remaining() > 0) {
            throw new RecordDecodingException(
                    "corrupt or truncated "
                            + type
                            + " ("
                            + in.remaining()
                            + " bytes after the end of the record)");
        }
        return record;
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage();
        if (e instanceof IOException && message != null) {
            return message.replace('\n', ' ');
        }
        String text = e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return text.replace('\n', ' ');
    }
}
