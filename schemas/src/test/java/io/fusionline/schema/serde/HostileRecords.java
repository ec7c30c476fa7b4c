package io.fusionline.schema.serde;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Hostile variants of a valid single-object record, as a stranger's producer could write them:
 * every declared length (strings, bytes, array and map counts) replaced by a bomb, by one more than
 * the bytes left and by a negative value, and every truncation. A test fixture shared with the
 * integration tests through this module's test jar.
 */
public final class HostileRecords {

    /** The length a bomb declares: close to 2 GB. */
    public static final long BOMB = 2_000_000_000L;

    private static final int HEADER_BYTES = 10;

    private HostileRecords() {}

    /** One hostile variant and what it is, for messages. */
    public record Variant(String name, byte[] bytes) {}

    /** Every length of {@code valid} replaced by {@link #BOMB}, by bytes-left + 1 and by -1. */
    public static <T extends SpecificRecord> List<Variant> lengthBombs(T valid) {
        Schema schema = SpecificData.get().getSchema(valid.getClass());
        byte[] bytes = encode(valid);
        List<Variant> variants = new ArrayList<>();
        for (int at : lengthOffsets(valid, bytes)) {
            int rest = skipVarint(bytes, at);
            long left = bytes.length - rest;
            for (long length : new long[] {BOMB, left + 1, -1}) {
                variants.add(
                        new Variant(
                                schema.getName() + " length " + length + " at byte " + at,
                                splice(bytes, at, rest, zigZag(length))));
            }
        }
        return variants;
    }

    /** Every proper prefix of {@code valid}'s encoding longer than its header. */
    public static <T extends SpecificRecord> List<Variant> truncations(T valid) {
        byte[] bytes = encode(valid);
        List<Variant> variants = new ArrayList<>();
        for (int n = HEADER_BYTES; n < bytes.length; n++) {
            variants.add(
                    new Variant(
                            valid.getSchema().getName() + " cut at " + n, Arrays.copyOf(bytes, n)));
        }
        return variants;
    }

    /** Where each declared length and first block count of {@code valid}'s encoding starts. */
    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> List<Integer> lengthOffsets(T valid, byte[] bytes) {
        List<Integer> lengths = new ArrayList<>();
        SingleObjectCodec<T> codec =
                (SingleObjectCodec<T>)
                        SingleObjectWireFormat.INSTANCE.codec((Class<T>) valid.getClass());
        try {
            codec.decode(bytes, lengths);
        } catch (RecordDecodingException e) {
            throw new IllegalArgumentException("not a valid record: " + e.getMessage(), e);
        }
        return lengths;
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> byte[] encode(T valid) {
        return SingleObjectWireFormat.INSTANCE.codec((Class<T>) valid.getClass()).encode(valid);
    }

    private static byte[] splice(byte[] bytes, int at, int rest, byte[] middle) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, at);
        out.writeBytes(middle);
        out.write(bytes, rest, bytes.length - rest);
        return out.toByteArray();
    }

    private static int skipVarint(byte[] bytes, int at) {
        while ((bytes[at] & 0x80) != 0) {
            at++;
        }
        return at + 1;
    }

    /** Avro's zig-zag varint of {@code n}. */
    public static byte[] zigZag(long n) {
        long v = (n << 1) ^ (n >> 63);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }
}
