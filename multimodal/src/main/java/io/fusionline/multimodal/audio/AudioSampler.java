package io.fusionline.multimodal.audio;

import java.nio.ShortBuffer;
import java.util.Arrays;
import java.util.Locale;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Reads the audio of a file or stream with FFmpeg (JavaCV): WAV, FLAC, MP3, a video's audio track,
 * an RTSP or HTTP stream. FFmpeg converts it to 16 kHz mono signed 16-bit samples, the rate speech
 * recognition runs at, and this yields them in chunks of a fixed length; the last chunk may be
 * shorter. Opened by {@link #open}, closed (grabber stopped and released) by {@link #close}.
 */
public final class AudioSampler implements AutoCloseable {

    /** Sample rate of every chunk. */
    public static final int RATE = 16_000;

    private final FFmpegFrameGrabber grabber;
    private final short[] chunk;
    private int filled;
    private short[] pending = new short[0];
    private int pendingFrom;
    private boolean ended;

    private AudioSampler(FFmpegFrameGrabber grabber, int chunkSamples) {
        this.grabber = grabber;
        this.chunk = new short[chunkSamples];
    }

    /**
     * Opens {@code input}, a file path or a URL.
     *
     * @param chunkSamples samples per chunk (> 0)
     * @throws FrameGrabber.Exception when FFmpeg cannot open it or it has no audio
     */
    public static AudioSampler open(String input, int chunkSamples) throws FrameGrabber.Exception {
        if (chunkSamples <= 0) {
            throw new IllegalArgumentException("chunk samples must be > 0, got " + chunkSamples);
        }
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        FFmpegLogCallback.set();
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(input);
        if (input.toLowerCase(Locale.ROOT).startsWith("rtsp://")) {
            grabber.setOption("rtsp_transport", "tcp");
        }
        grabber.setSampleRate(RATE);
        grabber.setAudioChannels(1);
        grabber.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
        try {
            grabber.start();
            if (grabber.getAudioChannels() <= 0) {
                throw new FrameGrabber.Exception(input + " has no audio stream");
            }
        } catch (FrameGrabber.Exception | RuntimeException e) {
            grabber.release();
            throw e;
        }
        return new AudioSampler(grabber, chunkSamples);
    }

    /** Length of the input in microseconds, or 0 for a live stream. */
    public long lengthMicros() {
        return Math.max(0, grabber.getLengthInTime());
    }

    /** The next chunk of samples, or null at the end of the input. */
    public short[] next() throws FrameGrabber.Exception {
        while (filled < chunk.length) {
            if (pendingFrom < pending.length) {
                int n = Math.min(chunk.length - filled, pending.length - pendingFrom);
                System.arraycopy(pending, pendingFrom, chunk, filled, n);
                filled += n;
                pendingFrom += n;
                continue;
            }
            if (ended || !refill()) {
                ended = true;
                break;
            }
        }
        if (filled == 0) {
            return null;
        }
        short[] out = Arrays.copyOf(chunk, filled);
        filled = 0;
        return out;
    }

    /** Reads the next decoded audio frame into {@code pending}; false at the end. */
    private boolean refill() throws FrameGrabber.Exception {
        Frame frame;
        while ((frame = grabber.grabSamples()) != null) {
            if (frame.samples == null || frame.samples.length == 0) {
                continue;
            }
            ShortBuffer samples = (ShortBuffer) frame.samples[0];
            pending = new short[samples.remaining()];
            samples.get(pending);
            pendingFrom = 0;
            return true;
        }
        return false;
    }

    @Override
    public void close() throws FrameGrabber.Exception {
        try {
            grabber.stop();
        } finally {
            grabber.release();
        }
    }
}
