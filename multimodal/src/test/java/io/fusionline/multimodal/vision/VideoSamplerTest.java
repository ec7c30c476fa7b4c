package io.fusionline.multimodal.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoSamplerTest {

    @TempDir Path tmp;

    @Test
    void shouldSampleAGeneratedVideoAtTheRequestedRate() throws Exception {
        Path video = tmp.resolve("line.mp4");
        TestVideos.write(video, 64, 48, 25, 50); // 2 s at 25 fps

        List<SampledFrame> frames = new ArrayList<>();
        try (VideoSampler sampler = VideoSampler.open(video.toString(), 5, 85)) {
            assertThat(sampler.expectedFrames()).isEqualTo(10);
            SampledFrame f;
            while ((f = sampler.next()) != null) {
                frames.add(f);
            }
        }

        assertThat(frames).hasSize(10);
        assertThat(frames)
                .extracting(SampledFrame::index)
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(frames.get(3).offsetMicros()).isEqualTo(600_000L);
        SampledFrame last = frames.get(9);
        assertThat(ImageHeader.read(last.jpeg()))
                .isEqualTo(new ImageHeader(ImageCodec.JPEG, 64, 48));
    }

    @Test
    void shouldFailToOpenWhatIsNotAVideo() {
        assertThatThrownBy(() -> VideoSampler.open(tmp.resolve("none.mp4").toString(), 5, 85))
                .isInstanceOf(Exception.class);
    }
}
