package io.fusionline.multimodal.audio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decides which audio of one 16 kHz stream holds speech, so that silence never reaches the
 * recognizer. Pure Java, one instance per stream, not thread-safe.
 *
 * <p>Each 20 ms frame is speech when its energy is at least {@value #MARGIN_DB} dB above the
 * stream's noise floor and above {@value #MIN_DBFS} dBFS, and its spectrum between 300 and 3 400 Hz
 * is not flat (spectral flatness below {@value #MAX_FLATNESS}): steady noise, hum and hiss raise
 * the floor or stay flat, voices do not. The floor follows quiet frames down at once and rises
 * slowly ({@value #FLOOR_RISE_DB} dB a frame), so a steady noise becomes the floor within seconds.
 *
 * <p>Speech starts after two speech frames in three. Then the {@value #PRE_ROLL_MS} ms before it
 * are fed too (onsets are quiet), and feeding goes on until {@value #HANG_OVER_MS} ms after the
 * last speech frame (word endings and short pauses). When that hang-over runs out, the stream's
 * speech has ended: the caller finishes the utterance at once instead of feeding the silence that
 * would let the recognizer notice. Each piece fed carries its position in the stream, so its event
 * time stays exact across the silence left out.
 */
public final class VoiceActivityGate {

    /** Frame length. */
    public static final int FRAME_MS = 20;

    static final double MARGIN_DB = 9;
    static final double MIN_DBFS = -55;
    static final double MAX_FLATNESS = 0.4;
    static final int FLOOR_WINDOW_MS = 1500;

    /** Audio fed before the first speech frame. */
    public static final int PRE_ROLL_MS = 200;

    static final int HANG_OVER_MS = 300;

    private static final int FFT = 512;

    /**
     * A piece of audio to feed.
     *
     * @param position stream sample where it starts (samples accepted before it, fed or not)
     */
    public record Piece(long position, short[] samples) {}

    /**
     * What to do with one accepted block.
     *
     * @param feed the pieces to feed, in stream order (pre-roll first)
     * @param speechEnded whether the speech fed before ended in this block: finish the utterance
     *     after feeding
     */
    public record Verdict(List<Piece> feed, boolean speechEnded) {}

    private final int rate;
    private final int frame;
    private final int preRollFrames;
    private final int hangOverFrames;
    private final float[] window;
    private final double[] re = new double[FFT];
    private final double[] im = new double[FFT];

    private short[] pending = new short[0];
    private long position;
    private final double[] recentDb;
    private int recentAt;
    private boolean floorKnown;
    private boolean speaking;
    private int sinceSpeech;
    private int recent; // speech flags of the last three frames, bit 0 newest
    private final ArrayList<short[]> preRoll = new ArrayList<>();
    private long speechSamples;
    private long samples;

    /**
     * A gate for a stream that starts now, at {@code rate} samples per second (16 000 for the
     * recognizer): its first frame is taken as the room's noise.
     */
    public VoiceActivityGate(int rate) {
        this(rate, Double.NaN);
    }

    /**
     * A gate that continues a stream whose noise floor was {@code floorDb} ({@link #floorDb()}), so
     * audio replayed after a restore is judged as it was the first time.
     */
    public VoiceActivityGate(int rate, double floorDb) {
        this.rate = rate;
        this.frame = rate * FRAME_MS / 1000;
        this.preRollFrames = PRE_ROLL_MS / FRAME_MS;
        this.hangOverFrames = HANG_OVER_MS / FRAME_MS;
        this.recentDb = new double[FLOOR_WINDOW_MS / FRAME_MS];
        this.floorKnown = !Double.isNaN(floorDb);
        Arrays.fill(recentDb, floorKnown ? floorDb : 0);
        this.window = new float[frame];
        for (int i = 0; i < frame; i++) {
            window[i] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * i / (frame - 1)));
        }
    }

    /**
     * Takes the next block of the stream (any length) and says what of it, and of the pre-roll kept
     * from before, to feed. A partial frame at the end waits for the next block, or for {@link
     * #flush}.
     */
    public Verdict accept(short[] block) {
        short[] all = pending.length == 0 ? block : concat(pending, block);
        List<Piece> feed = new ArrayList<>();
        boolean ended = false;
        int at = 0;
        for (; at + frame <= all.length; at += frame) {
            short[] f = Arrays.copyOfRange(all, at, at + frame);
            long framePosition = position;
            position += frame;
            samples += frame;
            boolean voice = isVoice(f);
            recent = ((recent << 1) | (voice ? 1 : 0)) & 0b111;
            if (!speaking) {
                if (Integer.bitCount(recent) >= 2) {
                    speaking = true;
                    sinceSpeech = 0;
                    long start = framePosition - (long) preRoll.size() * frame;
                    for (short[] p : preRoll) {
                        feed.add(new Piece(start, p));
                        start += p.length;
                    }
                    preRoll.clear();
                    feed.add(new Piece(framePosition, f));
                    speechSamples += frame;
                } else {
                    preRoll.add(f);
                    if (preRoll.size() > preRollFrames) {
                        preRoll.remove(0);
                    }
                }
            } else {
                sinceSpeech = voice ? 0 : sinceSpeech + 1;
                if (sinceSpeech > hangOverFrames) {
                    speaking = false;
                    ended = true;
                    recent = 0;
                    preRoll.add(f);
                } else {
                    feed.add(new Piece(framePosition, f));
                    speechSamples += frame;
                }
            }
        }
        pending = Arrays.copyOfRange(all, at, all.length);
        return new Verdict(merge(feed), ended);
    }

    /** The partial frame left over, fed if speech is going on; the stream ends. */
    public Verdict flush() {
        short[] rest = pending;
        pending = new short[0];
        boolean ended = speaking;
        speaking = false;
        List<Piece> feed = new ArrayList<>();
        if (ended && rest.length > 0) {
            feed.add(new Piece(position, rest));
        }
        position += rest.length;
        samples += rest.length;
        preRoll.clear();
        return new Verdict(feed, ended);
    }

    /** Whether the stream is in speech (or its hang-over) now. */
    public boolean speaking() {
        return speaking;
    }

    /** Share of the audio so far that was fed as speech (0 to 1). */
    public double speechDuty() {
        return samples == 0 ? 0 : speechSamples / (double) samples;
    }

    /** The noise floor now, in dBFS; NaN before the first frame of a new stream. */
    public double floorDb() {
        if (!floorKnown) {
            return Double.NaN;
        }
        double floor = Double.MAX_VALUE;
        for (double d : recentDb) {
            floor = Math.min(floor, d);
        }
        return floor;
    }

    /** Samples accepted so far. */
    public long position() {
        return position + pending.length;
    }

    private boolean isVoice(short[] f) {
        double energy = 0;
        for (short s : f) {
            energy += (double) s * s;
        }
        double db = 10 * Math.log10(energy / f.length / (32768.0 * 32768.0) + 1e-12);
        if (!floorKnown) { // the first frame: a stream starts in its room's noise
            Arrays.fill(recentDb, db);
            floorKnown = true;
        }
        recentDb[recentAt] = db;
        recentAt = (recentAt + 1) % recentDb.length;
        double floorDb = Double.MAX_VALUE;
        for (double d : recentDb) {
            floorDb = Math.min(floorDb, d);
        }
        boolean loud = db > floorDb + MARGIN_DB && db > MIN_DBFS;
        return loud && flatness(f) < MAX_FLATNESS;
    }

    /** Spectral flatness (geometric over arithmetic mean of power) between 300 and 3 400 Hz. */
    private double flatness(short[] f) {
        Arrays.fill(re, 0);
        Arrays.fill(im, 0);
        for (int i = 0; i < f.length; i++) {
            re[i] = f[i] * window[i];
        }
        fft(re, im);
        int lo = (int) Math.ceil(300.0 * FFT / rate);
        int hi = (int) Math.floor(3400.0 * FFT / rate);
        double logSum = 0;
        double sum = 0;
        int n = 0;
        for (int k = lo; k <= hi; k++) {
            double p = re[k] * re[k] + im[k] * im[k] + 1e-9;
            logSum += Math.log(p);
            sum += p;
            n++;
        }
        return Math.exp(logSum / n) / (sum / n);
    }

    /** In-place radix-2 FFT of length {@value #FFT}. */
    private static void fft(double[] re, double[] im) {
        int n = re.length;
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            double angle = -2 * Math.PI / len;
            double wr = Math.cos(angle);
            double wi = Math.sin(angle);
            for (int i = 0; i < n; i += len) {
                double cr = 1;
                double ci = 0;
                for (int k = 0; k < len / 2; k++) {
                    int a = i + k;
                    int b = a + len / 2;
                    double tr = re[b] * cr - im[b] * ci;
                    double ti = re[b] * ci + im[b] * cr;
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                    double next = cr * wr - ci * wi;
                    ci = cr * wi + ci * wr;
                    cr = next;
                }
            }
        }
    }

    /** Adjacent pieces joined, so the recognizer gets few, long pieces. */
    private static List<Piece> merge(List<Piece> pieces) {
        List<Piece> out = new ArrayList<>();
        for (Piece p : pieces) {
            Piece last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.position() + last.samples().length == p.position()) {
                out.set(
                        out.size() - 1,
                        new Piece(last.position(), concat(last.samples(), p.samples())));
            } else {
                out.add(p);
            }
        }
        return out;
    }

    private static short[] concat(short[] a, short[] b) {
        short[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
