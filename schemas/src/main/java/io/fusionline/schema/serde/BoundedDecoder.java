package io.fusionline.schema.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Avro's binary encoding read from one byte array, every declared size checked against the bytes
 * left <b>before</b> anything of that size is allocated.
 *
 * <p>Avro's own {@code BinaryDecoder} allocates a string, byte array or collection of the declared
 * size before reading it, so 30 bytes that declare a 2 GB string end in {@link OutOfMemoryError}.
 * Here:
 *
 * <ul>
 *   <li>a string, bytes or fixed value needs its length in bytes;
 *   <li>a map block of {@code n} entries needs at least {@code n} bytes (each key has a length); an
 *       array block of {@code n} items needs {@code n} bytes, plus at most {@value
 *       #MAX_EMPTY_ITEMS} items that may encode to nothing ({@code null}, empty records);
 *   <li>varints end within 5 (int) or 10 (long) bytes; nothing reads past the end.
 * </ul>
 *
 * A refusal is an {@link IOException} with a one-line reason. Schema resolution (older writers)
 * works as with any decoder: Avro's {@code ResolvingDecoder} wraps this one. Not thread-safe.
 */
final class BoundedDecoder extends Decoder {

    /** Most items of zero encoded size one array block may declare beyond its bytes. */
    static final int MAX_EMPTY_ITEMS = 65_536;

    private final byte[] bytes;
    private int pos;

    /** When set, the position of every declared length and first block count, in order. */
    private final List<Integer> lengths;

    BoundedDecoder(byte[] bytes, int pos, List<Integer> lengths) {
        this.bytes = bytes;
        this.pos = pos;
        this.lengths = lengths;
    }

    /** Bytes not read yet. */
    int remaining() {
        return bytes.length - pos;
    }

    @Override
    public void readNull() {}

    @Override
    public boolean readBoolean() throws IOException {
        need(1);
        return bytes[pos++] != 0;
    }

    @Override
    public int readInt() throws IOException {
        long value = varint(5);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IOException("int out of range at byte " + pos);
        }
        return (int) value;
    }

    @Override
    public long readLong() throws IOException {
        return varint(10);
    }

    @Override
    public float readFloat() throws IOException {
        need(4);
        int bits =
                (bytes[pos] & 0xff)
                        | (bytes[pos + 1] & 0xff) << 8
                        | (bytes[pos + 2] & 0xff) << 16
                        | (bytes[pos + 3] & 0xff) << 24;
        pos += 4;
        return Float.intBitsToFloat(bits);
    }

    @Override
    public double readDouble() throws IOException {
        need(8);
        long bits = 0;
        for (int i = 7; i >= 0; i--) {
            bits = (bits << 8) | (bytes[pos + i] & 0xffL);
        }
        pos += 8;
        return Double.longBitsToDouble(bits);
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = length("string");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        System.arraycopy(bytes, pos, result.getBytes(), 0, length);
        pos += length;
        return result;
    }

    @Override
    public String readString() throws IOException {
        int length = length("string");
        String result = new String(bytes, pos, length, StandardCharsets.UTF_8);
        pos += length;
        return result;
    }

    @Override
    public void skipString() throws IOException {
        pos += length("string");
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = length("bytes");
        ByteBuffer result;
        if (old != null && old.capacity() >= length) {
            result = old;
            result.clear();
        } else {
            result = ByteBuffer.allocate(length);
        }
        result.put(bytes, pos, length);
        result.flip();
        pos += length;
        return result;
    }

    @Override
    public void skipBytes() throws IOException {
        pos += length("bytes");
    }

    @Override
    public void readFixed(byte[] out, int start, int length) throws IOException {
        need(length);
        System.arraycopy(bytes, pos, out, start, length);
        pos += length;
    }

    @Override
    public void skipFixed(int length) throws IOException {
        need(length);
        pos += length;
    }

    @Override
    public int readEnum() throws IOException {
        return readInt();
    }

    @Override
    public long readArrayStart() throws IOException {
        record();
        return items(false);
    }

    @Override
    public long arrayNext() throws IOException {
        return items(false);
    }

    @Override
    public long skipArray() throws IOException {
        return skipBlocks();
    }

    @Override
    public long readMapStart() throws IOException {
        record();
        return items(true);
    }

    @Override
    public long mapNext() throws IOException {
        return items(true);
    }

    @Override
    public long skipMap() throws IOException {
        return skipBlocks();
    }

    @Override
    public int readIndex() throws IOException {
        return readInt();
    }

    /** The item count of the next block, checked against the bytes left. */
    private long items(boolean keyed) throws IOException {
        int at = pos;
        long count = varint(10);
        if (count < 0) {
            if (count == Long.MIN_VALUE) {
                throw new IOException("impossible item count at byte " + at);
            }
            count = -count;
            blockBytes(at); // checked; the items are read one by one
        }
        long most = keyed ? remaining() : (long) remaining() + MAX_EMPTY_ITEMS;
        if (count > most) {
            throw new IOException(
                    (keyed ? "map" : "array")
                            + " of "
                            + count
                            + " items declared at byte "
                            + at
                            + ", more than the "
                            + remaining()
                            + " bytes left can hold");
        }
        return count;
    }

    /** Skips blocks that carry their byte size; returns the item count of one that does not. */
    private long skipBlocks() throws IOException {
        while (true) {
            int at = pos;
            long count = varint(10);
            if (count >= 0) {
                return count;
            }
            pos += (int) blockBytes(at);
        }
    }

    /**
     * The byte size of a block that declares one (after a negative count), at most the bytes left.
     */
    private long blockBytes(int at) throws IOException {
        long blockBytes = varint(10);
        if (blockBytes < 0 || blockBytes > remaining()) {
            throw new IOException(
                    "block of "
                            + blockBytes
                            + " bytes at byte "
                            + at
                            + ", "
                            + remaining()
                            + " left");
        }
        return blockBytes;
    }

    /** A declared length of {@code what}, at most the bytes left. */
    private int length(String what) throws IOException {
        record();
        int at = pos;
        long length = varint(10);
        if (length < 0 || length > remaining()) {
            throw new IOException(
                    what
                            + " of "
                            + length
                            + " bytes declared at byte "
                            + at
                            + ", "
                            + remaining()
                            + " left");
        }
        return (int) length;
    }

    private void record() {
        if (lengths != null) {
            lengths.add(pos);
        }
    }

    private void need(int n) throws IOException {
        if (n < 0 || n > remaining()) {
            throw new IOException("truncated at byte " + pos + " (" + n + " more bytes needed)");
        }
    }

    /** A zig-zag varint of at most {@code maxBytes} bytes. */
    private long varint(int maxBytes) throws IOException {
        if (pos < bytes.length && bytes[pos] >= 0) { // one byte: most lengths and counts
            int b = bytes[pos++];
            return (b >>> 1) ^ -(b & 1);
        }
        long raw = 0;
        for (int i = 0; i < maxBytes; i++) {
            if (pos >= bytes.length) {
                throw new IOException("truncated at byte " + pos);
            }
            int b = bytes[pos++] & 0xff;
            raw |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new IOException(
                "varint longer than " + maxBytes + " bytes at byte " + (pos - maxBytes));
    }
}
