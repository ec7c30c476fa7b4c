package io.fusionline.multimodal.vision;

/**
 * The codec and pixel size an encoded image declares in its header, read without decoding any pixel
 * data.
 *
 * <p>This is the guard against decompression bombs: a 40-byte PNG can declare 100 000 × 100 000
 * pixels, and a full decode would try to allocate 30 GB. {@link #read} costs microseconds and
 * {@link ImageLimits#check} rejects such an image before any decoder sees it.
 */
public record ImageHeader(ImageCodec codec, int width, int height) {

    private static final byte[] PNG_SIGNATURE = {
        (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
    };

    /** Pixel count, as a long (no overflow). */
    public long pixels() {
        return (long) width * height;
    }

    /** Reads the header of a JPEG or PNG payload; the codec is sniffed from the magic bytes. */
    public static ImageHeader read(byte[] payload) throws ImageFormatException {
        if (payload == null || payload.length == 0) {
            throw new ImageFormatException("empty image payload");
        }
        if (startsWith(payload, PNG_SIGNATURE)) {
            return png(payload);
        }
        if (payload.length >= 3
                && (payload[0] & 0xff) == 0xff
                && (payload[1] & 0xff) == 0xd8
                && (payload[2] & 0xff) == 0xff) {
            return jpeg(payload);
        }
        throw new ImageFormatException(
                "image payload is neither JPEG nor PNG (unknown magic bytes)");
    }

    private static ImageHeader png(byte[] b) throws ImageFormatException {
        // signature(8) length(4) "IHDR"(4) width(4) height(4)
        if (b.length < 24 || b[12] != 'I' || b[13] != 'H' || b[14] != 'D' || b[15] != 'R') {
            throw new ImageFormatException("PNG without an IHDR header chunk");
        }
        long width = u32(b, 16);
        long height = u32(b, 20);
        return checked(ImageCodec.PNG, width, height);
    }

    private static ImageHeader jpeg(byte[] b) throws ImageFormatException {
        int i = 2;
        while (i + 3 < b.length) {
            if ((b[i] & 0xff) != 0xff) {
                throw new ImageFormatException("JPEG marker expected at byte " + i);
            }
            int marker = b[i + 1] & 0xff;
            if (marker == 0xff) { // fill byte
                i++;
                continue;
            }
            if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { // no length
                i += 2;
                continue;
            }
            if (marker == 0xd9 || marker == 0xda) {
                throw new ImageFormatException("JPEG without a frame header before its scan data");
            }
            int length = u16(b, i + 2);
            if (length < 2 || i + 2 + length > b.length) {
                throw new ImageFormatException("JPEG segment at byte " + i + " runs past the end");
            }
            boolean startOfFrame =
                    marker >= 0xc0
                            && marker <= 0xcf
                            && marker != 0xc4
                            && marker != 0xc8
                            && marker != 0xcc;
            if (startOfFrame) {
                if (length < 7) {
                    throw new ImageFormatException("JPEG frame header too short");
                }
                int height = u16(b, i + 5);
                int width = u16(b, i + 7);
                return checked(ImageCodec.JPEG, width, height);
            }
            i += 2 + length;
        }
        throw new ImageFormatException("JPEG without a frame header (truncated)");
    }

    private static ImageHeader checked(ImageCodec codec, long width, long height)
            throws ImageFormatException {
        if (width <= 0 || height <= 0 || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            throw new ImageFormatException(
                    codec + " header declares an impossible size " + width + "x" + height);
        }
        return new ImageHeader(codec, (int) width, (int) height);
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    private static long u32(byte[] b, int at) {
        return ((long) u16(b, at) << 16) | u16(b, at + 2);
    }
}
