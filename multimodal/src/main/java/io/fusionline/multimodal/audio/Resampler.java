package io.fusionline.multimodal.audio;

import java.util.Arrays;

/**
 * Pre-processing: streaming sample-rate conversion of 16-bit mono audio by windowed-sinc
 * interpolation (Hann window, 16 zero crossings each side, low-pass at 95 % of the lower Nyquist
 * frequency, so down-sampling does not alias).
 *
 * <p>Output sample {@code n} is the signal at input time {@code n / outRate}: the converter adds no
 * delay, so stream times map back to input samples exactly. Feeding a signal in chunks gives the
 * same samples as feeding it whole; {@link #flush} emits the tail the filter held back. One
 * instance per stream; not thread-safe. Equal rates pass samples through unchanged.
 */
public final class Resampler {

    private static final int ZERO_CROSSINGS = 16;

    private final int inRate;
    private final int outRate;
    private final double step;
    private final double cutoff;
    private final int halfWidth;

    /** Input samples kept for the filter's left context, then the new input. */
    private float[] buffer;

    private int buffered;

    /** Position (in buffer samples) of the next output sample. */
    private double next;

    public Resampler(int inRate, int outRate) {
        if (inRate <= 0 || outRate <= 0) {
            throw new IllegalArgumentException(
                    "rates must be positive: " + inRate + " -> " + outRate);
        }
        this.inRate = inRate;
        this.outRate = outRate;
        this.step = (double) inRate / outRate;
        this.cutoff = 0.95 * Math.min(1.0, (double) outRate / inRate);
        this.halfWidth = (int) Math.ceil(ZERO_CROSSINGS / cutoff);
        this.buffer = new float[halfWidth + 4096];
        this.buffered = halfWidth; // zeros before the first sample
        this.next = halfWidth;
    }

    public int inRate() {
        return inRate;
    }

    public int outRate() {
        return outRate;
    }

    /** Converts the next chunk; returns the output samples that are complete so far. */
    public short[] process(short[] in) {
        if (inRate == outRate) {
            return in;
        }
        append(in);
        return drain(buffered - halfWidth - 1);
    }

    /** Emits the remaining output as if the input were followed by silence. */
    public short[] flush() {
        if (inRate == outRate) {
            return new short[0];
        }
        int end = buffered;
        append(new short[halfWidth + 1]);
        return drain(end - 1);
    }

    private void append(short[] in) {
        if (buffered + in.length > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, buffered + in.length));
        }
        for (short s : in) {
            buffer[buffered++] = s;
        }
    }

    /** Emits outputs at positions up to {@code lastPosition}, then drops unneeded history. */
    private short[] drain(double lastPosition) {
        int count = lastPosition < next ? 0 : (int) Math.floor((lastPosition - next) / step) + 1;
        short[] out = new short[count];
        for (int i = 0; i < count; i++) {
            out[i] = PcmDecoder.clip(interpolate(next));
            next += step;
        }
        int drop = Math.max(0, (int) Math.floor(next) - halfWidth);
        if (drop > 0) {
            System.arraycopy(buffer, drop, buffer, 0, buffered - drop);
            buffered -= drop;
            next -= drop;
        }
        return out;
    }

    private float interpolate(double t) {
        int center = (int) Math.floor(t);
        double sum = 0;
        for (int k = center - halfWidth + 1; k <= center + halfWidth; k++) {
            double d = t - k;
            double x = cutoff * d;
            double sinc = x == 0 ? 1.0 : Math.sin(Math.PI * x) / (Math.PI * x);
            double window = 0.5 * (1 + Math.cos(Math.PI * d / halfWidth));
            sum += buffer[k] * cutoff * sinc * window;
        }
        return (float) sum;
    }
}
