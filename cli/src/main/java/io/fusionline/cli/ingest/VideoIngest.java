package io.fusionline.cli.ingest;

import io.fusionline.multimodal.vision.SampledFrame;
import io.fusionline.multimodal.vision.VideoSampler;
import io.fusionline.schema.media.FrameFormat;
import java.time.Instant;

/**
 * A video file, stream URL or camera → sampled JPEG frames → Kafka. Event time is {@code start}
 * plus each frame's offset in the video, so a recorded file replays with its own timing.
 */
public final class VideoIngest {

    private VideoIngest() {}

    /** Publishes every sampled frame (or up to {@code maxFrames} when > 0); returns the count. */
    public static long run(
            String input,
            double fps,
            int jpegQuality,
            long maxFrames,
            Instant start,
            FramePublisher publisher,
            Progress.Factory progress)
            throws Exception {
        try (VideoSampler sampler = VideoSampler.open(input, fps, jpegQuality)) {
            long expected = sampler.expectedFrames();
            if (maxFrames > 0) {
                expected = expected == 0 ? maxFrames : Math.min(expected, maxFrames);
            }
            Progress bar = progress.create(expected);
            long count = 0;
            SampledFrame frame;
            while ((maxFrames <= 0 || count < maxFrames) && (frame = sampler.next()) != null) {
                publisher.publish(
                        frame.jpeg(),
                        FrameFormat.JPEG,
                        frame.width(),
                        frame.height(),
                        start.plusNanos(frame.offsetMicros() * 1_000L));
                count++;
                bar.update(count);
            }
            bar.done(count);
            return count;
        }
    }
}
