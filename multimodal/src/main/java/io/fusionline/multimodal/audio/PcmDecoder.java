package io.fusionline.multimodal.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Pre-processing: interleaved PCM bytes to 16-bit mono samples (channels averaged, floats scaled
 * and clipped). Stateless and thread-safe.
 */
public final class PcmDecoder {

    /** Channel counts accepted. */
    public static final int MAX_CHANNELS = 8;

    private PcmDecoder() {}

    /**
     * Decodes one chunk.
     *
     * @throws AudioFormatException when the byte count is not a whole number of frames or the
     *     channel count is out of range
     */
    public static short[] toMono16(byte[] payload, SampleEncoding encoding, int channels)
            throws AudioFormatException {
        if (channels < 1 || channels > MAX_CHANNELS) {
            throw new AudioFormatException(
                    "unsupported channel count " + channels + " (1.." + MAX_CHANNELS + ")");
        }
        int frameBytes = encoding.bytesPerSample() * channels;
        if (payload.length % frameBytes != 0) {
            throw new AudioFormatException(
                    payload.length
                            + " bytes is not a whole number of "
                            + frameBytes
                            + "-byte frames ("
                            + encoding
                            + ", "
                            + channels
                            + " channel(s))");
        }
        ByteBuffer in = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        short[] out = new short[payload.length / frameBytes];
        for (int i = 0; i < out.length; i++) {
            float sum = 0;
            for (int c = 0; c < channels; c++) {
                sum +=
                        encoding == SampleEncoding.PCM_S16LE
                                ? in.getShort()
                                : in.getFloat() * Short.MAX_VALUE;
            }
            out[i] = clip(sum / channels);
        }
        return out;
    }

    static short clip(float value) {
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(value)));
    }
}
