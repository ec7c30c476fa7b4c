package io.fusionline.multimodal.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
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
    void shouldSampleAVideoServedOverHttp() throws Exception {
        Path video = tmp.resolve("served.mp4");
        TestVideos.write(video, 64, 48, 25, 25); // 1 s
        byte[] bytes = Files.readAllBytes(video);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/line.mp4",
                exchange -> {
                    exchange.getResponseHeaders().add("Content-Type", "video/mp4");
                    exchange.sendResponseHeaders(200, bytes.length);
                    try (var body = exchange.getResponseBody()) {
                        body.write(bytes);
                    }
                });
        server.start();
        try (VideoSampler sampler =
                VideoSampler.open(
                        "http://127.0.0.1:" + server.getAddress().getPort() + "/line.mp4", 5, 85)) {
            int count = 0;
            while (sampler.next() != null) {
                count++;
            }
            assertThat(count).isEqualTo(5);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void shouldFailToOpenWhatIsNotAVideo() {
        assertThatThrownBy(() -> VideoSampler.open(tmp.resolve("none.mp4").toString(), 5, 85))
                .isInstanceOf(Exception.class);
    }
}
