package io.fusionline.simulation.speech;

import java.util.Random;

/**
 * Room and line noise for simulated microphones, on 16-bit mono samples in place: a factory's mains
 * hum, white noise at a given signal-to-noise ratio, and the 300-3 400 Hz band of a telephone line.
 * Deterministic for a seed.
 */
public final class Noise {

    private Noise() {}

    /** Adds 50 Hz mains hum with its 2nd to 5th harmonics at {@code dbfs} (RMS) in place. */
    public static void hum(short[] samples, int rate, double dbfs, double phase) {
        double amplitude =
                32768
                        * Math.pow(10, dbfs / 20)
                        * Math.sqrt(2)
                        / Math.sqrt(1 + 0.25 + 0.11 + 0.06 + 0.04);
        double[] harmonics = {1, 0.5, 0.33, 0.25, 0.2};
        for (int i = 0; i < samples.length; i++) {
            double t = (double) i / rate;
            double v = 0;
            for (int h = 0; h < harmonics.length; h++) {
                v += harmonics[h] * Math.sin(2 * Math.PI * 50 * (h + 1) * t + phase * (h + 1));
            }
            samples[i] = clip(samples[i] + amplitude * v);
        }
    }

    /**
     * Adds white noise {@code snrDb} below the RMS of {@code speech} (the clean voice it is mixed
     * with; a silent stream gets noise relative to -20 dBFS speech).
     */
    public static void white(short[] samples, short[] speech, double snrDb, long seed) {
        double rms = rms(speech);
        if (rms == 0) {
            rms = 32768 * Math.pow(10, -20 / 20.0);
        }
        double sigma = rms / Math.pow(10, snrDb / 20);
        Random random = new Random(seed);
        for (int i = 0; i < samples.length; i++) {
            samples[i] = clip(samples[i] + sigma * random.nextGaussian());
        }
    }

    /** Keeps 300-3 400 Hz in place: second-order high-pass then low-pass (Butterworth). */
    public static void telephone(short[] samples, int rate) {
        double[] x = new double[samples.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = samples[i];
        }
        biquad(x, rate, 300, true);
        biquad(x, rate, 3400, false);
        for (int i = 0; i < x.length; i++) {
            samples[i] = clip(x[i]);
        }
    }

    /** RMS of the non-silent samples. */
    static double rms(short[] samples) {
        double sum = 0;
        int n = 0;
        for (short s : samples) {
            if (s != 0) {
                sum += (double) s * s;
                n++;
            }
        }
        return n == 0 ? 0 : Math.sqrt(sum / n);
    }

    private static void biquad(double[] x, int rate, double cutoff, boolean highPass) {
        double w = 2 * Math.PI * cutoff / rate;
        double alpha = Math.sin(w) / (2 * Math.sqrt(0.5));
        double cos = Math.cos(w);
        double b0 = highPass ? (1 + cos) / 2 : (1 - cos) / 2;
        double b1 = highPass ? -(1 + cos) : 1 - cos;
        double b2 = b0;
        double a0 = 1 + alpha;
        double a1 = -2 * cos;
        double a2 = 1 - alpha;
        double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
        for (int i = 0; i < x.length; i++) {
            double y = (b0 * x[i] + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2) / a0;
            x2 = x1;
            x1 = x[i];
            y2 = y1;
            y1 = y;
            x[i] = y;
        }
    }

    private static short clip(double v) {
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v)));
    }
}
