package io.fusionline.multimodal.vision;

import java.util.Locale;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Reads a video file, an RTSP/HTTP stream or a V4L2 camera with FFmpeg (JavaCV) and yields frames
 * at a fixed sampling rate, JPEG-encoded.
 *
 * <p>Sampling follows the video's own timestamps: a frame is taken when its timestamp reaches the
 * next multiple of {@code 1/fps}, so a 30 fps file sampled at 5 fps yields every sixth frame and a
 * variable-rate stream yields at most {@code fps} frames per second of video. Opened by {@link
 * #open}, closed (grabber stopped and released) by {@link #close}.
 */
public final class VideoSampler implements AutoCloseable {

    private final FFmpegFrameGrabber grabber;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private final long stepMicros;
    private final int quality;
    private long nextMicros = Long.MIN_VALUE;
    private long index;

    private VideoSampler(FFmpegFrameGrabber grabber, double fps, int quality) {
        this.grabber = grabber;
        this.stepMicros = Math.max(1, Math.round(1_000_000 / fps));
        this.quality = quality;
    }

    /**
     * Opens {@code input}: a file path, a URL ({@code rtsp://}, {@code http://}), or a V4L2 device
     * ({@code /dev/videoN}).
     *
     * @param fps frames per second to sample (> 0)
     * @param jpegQuality JPEG quality of the published frames (1..100)
     */
    public static VideoSampler open(String input, double fps, int jpegQuality)
            throws FrameGrabber.Exception {
        if (!(fps > 0)) {
            throw new IllegalArgumentException("sampling fps must be > 0, got " + fps);
        }
        if (jpegQuality < 1 || jpegQuality > 100) {
            throw new IllegalArgumentException("JPEG quality must be 1..100, got " + jpegQuality);
        }
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        FFmpegLogCallback.set();
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(input);
        String lower = input.toLowerCase(Locale.ROOT);
        if (lower.startsWith("/dev/video")) {
            grabber.setFormat("video4linux2");
        } else if (lower.startsWith("rtsp://")) {
            grabber.setOption("rtsp_transport", "tcp");
        }
        try {
            grabber.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            grabber.release();
            throw e;
        }
        return new VideoSampler(grabber, fps, jpegQuality);
    }

    /** Length of the input in microseconds, or 0 for a live stream or camera. */
    public long lengthMicros() {
        return Math.max(0, grabber.getLengthInTime());
    }

    /** How many frames sampling the whole input should yield, or 0 when unknown (live). */
    public long expectedFrames() {
        long length = lengthMicros();
        return length == 0 ? 0 : (length + stepMicros - 1) / stepMicros;
    }

    /** Frame rate the input declares (0 when unknown). */
    public double sourceFps() {
        return grabber.getFrameRate();
    }

    /** The next sampled frame, or null at the end of the input. */
    public SampledFrame next() throws FrameGrabber.Exception {
        Frame frame;
        while ((frame = grabber.grabImage()) != null) {
            long t = frame.timestamp;
            if (nextMicros == Long.MIN_VALUE) {
                nextMicros = t;
            }
            if (t < nextMicros) {
                continue;
            }
            while (nextMicros <= t) {
                nextMicros += stepMicros;
            }
            Mat bgr = converter.convert(frame);
            byte[] jpeg = ImageEncoder.jpeg(bgr, quality);
            return new SampledFrame(jpeg, bgr.cols(), bgr.rows(), t, index++);
        }
        return null;
    }

    @Override
    public void close() throws FrameGrabber.Exception {
        try {
            grabber.stop();
        } finally {
            converter.close();
            grabber.release();
        }
    }
}
