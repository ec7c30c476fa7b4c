package io.fusionline.schema.serde;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Walks Avro binary data along its writer schema without allocating anything, and refuses it when a
 * declared length or count cannot fit in the bytes that are left.
 *
 * <p>Avro's own decoder allocates a string, byte array or collection of the declared size before it
 * reads it, so 30 bytes that declare a 2 GB string end in {@link OutOfMemoryError}. Running this
 * check first bounds every allocation the decoder makes by the record's own size:
 *
 * <ul>
 *   <li>a string, bytes or fixed value needs its length in bytes;
 *   <li>an array or map block of {@code n} items needs {@code n} times the smallest encoding of an
 *       item; items that encode to nothing ({@code null}, empty records) are capped at {@value
 *       #MAX_EMPTY_ITEMS} per value, since no byte count bounds them;
 *   <li>an enum or union index must name a symbol or branch;
 *   <li>varints end within 5 (int) or 10 (long) bytes;
 *   <li>nesting is at most {@value #MAX_DEPTH} deep.
 * </ul>
 *
 * <p>The work is linear in the record's size. Stateless and thread-safe.
 */
public final class AvroBoundsCheck {

    /** Most items of zero encoded size that one array or map may declare. */
    public static final int MAX_EMPTY_ITEMS = 65_536;

    /** Deepest nesting of records, arrays, maps and unions. */
    public static final int MAX_DEPTH = 64;

    private AvroBoundsCheck() {}

    /**
     * Checks that {@code bytes[offset..]} holds exactly one datum of {@code writer}, every length
     * within the bytes left.
     *
     * @return null when it does, else a one-line reason naming the field path and the byte
     */
    public static String problemWith(Schema writer, byte[] bytes, int offset) {
        Walk walk = new Walk(bytes, offset);
        try {
            walk.datum(writer, writer.getName(), 0);
        } catch (Refused e) {
            return e.getMessage();
        }
        if (walk.pos != bytes.length) {
            return (bytes.length - walk.pos) + " bytes after the end of the record";
        }
        return null;
    }

    /**
     * Where each declared length of a valid datum starts: string, bytes, and the first block count
     * of every array and map, in order. For building hostile variants of a record in tests.
     *
     * @throws IllegalArgumentException when the datum is not valid
     */
    static List<Integer> lengthOffsets(Schema writer, byte[] bytes, int offset) {
        Walk walk = new Walk(bytes, offset);
        walk.lengths = new ArrayList<>();
        try {
            walk.datum(writer, writer.getName(), 0);
        } catch (Refused e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        return walk.lengths;
    }

    /** Fewest bytes a datum of {@code schema} can be encoded in. */
    static int minSize(Schema schema) {
        return minSize(schema, 0);
    }

    private static int minSize(Schema schema, int depth) {
        if (depth > MAX_DEPTH) {
            return 0;
        }
        switch (schema.getType()) {
            case NULL:
                return 0;
            case FLOAT:
                return 4;
            case DOUBLE:
                return 8;
            case FIXED:
                return schema.getFixedSize();
            case RECORD:
                int sum = 0;
                for (Schema.Field f : schema.getFields()) {
                    sum += minSize(f.schema(), depth + 1);
                }
                return sum;
            case UNION:
                int min = Integer.MAX_VALUE;
                for (Schema branch : schema.getTypes()) {
                    min = Math.min(min, minSize(branch, depth + 1));
                }
                return 1 + (min == Integer.MAX_VALUE ? 0 : min);
            default:
                // boolean, int, long, enum, string, bytes, array, map: at least one byte
                return 1;
        }
    }

    /** A refusal; carries its reason only (no stack trace, it is an expected outcome). */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    private static final class Walk {
        final byte[] bytes;
        int pos;
        List<Integer> lengths;

        Walk(byte[] bytes, int pos) {
            this.bytes = bytes;
            this.pos = pos;
        }

        int left() {
            return bytes.length - pos;
        }

        void datum(Schema schema, String path, int depth) throws Refused {
            if (depth > MAX_DEPTH) {
                throw new Refused(path + " nests deeper than " + MAX_DEPTH);
            }
            switch (schema.getType()) {
                case NULL:
                    return;
                case BOOLEAN:
                    skip(1, path);
                    return;
                case INT:
                    varint(5, path);
                    return;
                case LONG:
                    varint(10, path);
                    return;
                case FLOAT:
                    skip(4, path);
                    return;
                case DOUBLE:
                    skip(8, path);
                    return;
                case FIXED:
                    skip(schema.getFixedSize(), path);
                    return;
                case STRING:
                case BYTES:
                    sized(path);
                    return;
                case ENUM:
                    index(schema.getEnumSymbols().size(), path, "enum symbol");
                    return;
                case UNION:
                    List<Schema> branches = schema.getTypes();
                    int branch = index(branches.size(), path, "union branch");
                    datum(branches.get(branch), path, depth + 1);
                    return;
                case RECORD:
                    for (Schema.Field f : schema.getFields()) {
                        datum(f.schema(), path + "." + f.name(), depth + 1);
                    }
                    return;
                case ARRAY:
                    blocks(schema.getElementType(), 0, path, depth);
                    return;
                case MAP:
                    blocks(schema.getValueType(), 1, path, depth);
                    return;
                default:
                    throw new Refused(path + " has unsupported type " + schema.getType());
            }
        }

        /** Array or map blocks; {@code keyBytes} is 1 for a map (each key takes a length). */
        private void blocks(Schema item, int keyBytes, String path, int depth) throws Refused {
            int itemMin = minSize(item) + keyBytes;
            long total = 0;
            if (lengths != null) {
                lengths.add(pos);
            }
            while (true) {
                int at = pos;
                long count = varint(10, path);
                if (count == 0) {
                    return;
                }
                if (count < 0) {
                    if (count == Long.MIN_VALUE) {
                        throw new Refused(
                                path + " declares an impossible item count at byte " + at);
                    }
                    count = -count;
                    long blockBytes = varint(10, path);
                    if (blockBytes < 0 || blockBytes > left()) {
                        throw new Refused(
                                path
                                        + " declares a block of "
                                        + blockBytes
                                        + " bytes at byte "
                                        + at
                                        + ", "
                                        + left()
                                        + " left");
                    }
                }
                total += count;
                boolean fits = itemMin == 0 ? total <= MAX_EMPTY_ITEMS : count <= left() / itemMin;
                if (!fits) {
                    throw new Refused(
                            path
                                    + " declares "
                                    + count
                                    + " items at byte "
                                    + at
                                    + ", more than the "
                                    + left()
                                    + " bytes left can hold");
                }
                for (long i = 0; i < count; i++) {
                    if (keyBytes > 0) {
                        sized(path + " key");
                    }
                    datum(item, path + "[]", depth + 1);
                }
            }
        }

        private void sized(String path) throws Refused {
            int at = pos;
            if (lengths != null) {
                lengths.add(at);
            }
            long length = varint(10, path);
            if (length < 0 || length > left()) {
                throw new Refused(
                        path
                                + " declares "
                                + length
                                + " bytes at byte "
                                + at
                                + ", "
                                + left()
                                + " left");
            }
            pos += (int) length;
        }

        private int index(int size, String path, String what) throws Refused {
            int at = pos;
            long index = varint(5, path);
            if (index < 0 || index >= size) {
                throw new Refused(
                        path
                                + " names "
                                + what
                                + " "
                                + index
                                + " at byte "
                                + at
                                + " (of "
                                + size
                                + ")");
            }
            return (int) index;
        }

        private void skip(int n, String path) throws Refused {
            if (n > left()) {
                throw new Refused(path + " is truncated at byte " + pos);
            }
            pos += n;
        }

        /** A zig-zag varint of at most {@code maxBytes} bytes, decoded. */
        private long varint(int maxBytes, String path) throws Refused {
            long raw = 0;
            for (int i = 0; i < maxBytes; i++) {
                if (pos >= bytes.length) {
                    throw new Refused(path + " is truncated at byte " + pos);
                }
                int b = bytes[pos++] & 0xff;
                raw |= (long) (b & 0x7f) << (7 * i);
                if ((b & 0x80) == 0) {
                    return (raw >>> 1) ^ -(raw & 1);
                }
            }
            throw new Refused(
                    path
                            + " has a varint longer than "
                            + maxBytes
                            + " bytes at byte "
                            + (pos - maxBytes));
        }
    }
}
