package io.fusionline.schema.serde;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/** {@link RecordCodec} for Avro single-object encoding. Not thread-safe. */
final class SingleObjectCodec<T extends SpecificRecord> implements RecordCodec<T> {

    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    SingleObjectCodec(Class<T> recordClass) {
        TrustedAvroPackages.install();
        SpecificData model = SpecificData.getForClass(recordClass);
        this.schema = model.getSchema(recordClass);
        SchemaStore.Cache known = new SchemaStore.Cache();
        for (Schema older : SchemaHistory.olderVersionsOf(schema)) {
            known.addSchema(older);
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

    private static String oneLine(Throwable e) {
        String message = e.getMessage();
        String text = e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return text.replace('\n', ' ');
    }
}
