package io.fusionline.multimodal.vision;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/** Writes short MPEG-4 videos with moving content, for sampling and ingestion tests. */
public final class TestVideos {

    private TestVideos() {}

    /** {@code frames} frames at {@code fps}; frame {@code i} is a gradient shifted by i. */
    public static void write(Path file, int width, int height, int fps, int frames)
            throws Exception {
        try (FFmpegFrameRecorder recorder =
                        new FFmpegFrameRecorder(file.toString(), width, height);
                OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
            recorder.setFormat("mp4");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            recorder.setFrameRate(fps);
            recorder.setVideoQuality(2);
            recorder.start();
            for (int i = 0; i < frames; i++) {
                int shift = i;
                try (Mat mat =
                        TestImages.bgr(
                                width, height, (x, y) -> TestImages.gradient(x + shift, y))) {
                    recorder.record(converter.convert(mat));
                }
            }
            recorder.stop();
        }
    }
}
