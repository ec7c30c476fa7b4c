package io.fusionline.multimodal.vision;

import io.fusionline.simulation.vision.VideoFileWriter;
import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;

/** Short MP4 videos with moving content, for sampling tests. */
public final class TestVideos {

    private TestVideos() {}

    /** {@code frames} frames at {@code fps}; frame {@code i} is a gradient shifted by i. */
    public static void write(Path file, int width, int height, int fps, int frames)
            throws Exception {
        try (VideoFileWriter writer = VideoFileWriter.mp4(file, width, height, fps)) {
            for (int i = 0; i < frames; i++) {
                int shift = i;
                try (Mat mat =
                        TestImages.bgr(
                                width, height, (x, y) -> TestImages.gradient(x + shift, y))) {
                    writer.write(mat);
                }
            }
        }
    }
}
