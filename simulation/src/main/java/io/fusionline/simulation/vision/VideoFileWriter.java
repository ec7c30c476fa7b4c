package io.fusionline.simulation.vision;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Writes BGR frames to an MP4 file (MPEG-4 Part 2, which the LGPL FFmpeg build encodes) at a fixed
 * frame rate: synthetic camera footage for simulations, tests and demos. Opened by {@link #mp4},
 * finished and released by {@link #close}.
 */
public final class VideoFileWriter implements AutoCloseable {

    private final FFmpegFrameRecorder recorder;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();

    private VideoFileWriter(FFmpegFrameRecorder recorder) {
        this.recorder = recorder;
    }

    /** Starts {@code file}; every frame must be {@code width × height}. */
    public static VideoFileWriter mp4(Path file, int width, int height, double fps)
            throws FrameRecorder.Exception {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toString(), width, height);
        recorder.setFormat("mp4");
        recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
        recorder.setFrameRate(fps);
        recorder.setVideoQuality(2);
        try {
            recorder.start();
        } catch (FrameRecorder.Exception | RuntimeException e) {
            recorder.release();
            throw e;
        }
        return new VideoFileWriter(recorder);
    }

    /** Appends one BGR frame. */
    public void write(Mat bgr) throws FrameRecorder.Exception {
        recorder.record(converter.convert(bgr));
    }

    @Override
    public void close() throws FrameRecorder.Exception {
        try {
            recorder.stop();
        } finally {
            converter.close();
            recorder.release();
        }
    }
}
