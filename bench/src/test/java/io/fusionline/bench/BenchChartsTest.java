package io.fusionline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The charts are real PNGs of the configured size with something drawn on them. */
class BenchChartsTest {

    @TempDir Path dir;

    @Test
    void shouldDrawThroughputAgainstParallelismAsAPng() throws Exception {
        Path file =
                BenchCharts.throughputVsParallelism(
                        dir.resolve("t.png"),
                        "t",
                        List.of(1, 2, 4),
                        List.of(100.0, 190.0, 350.0),
                        120);
        assertDrawn(file);
    }

    @Test
    void shouldDrawALatencyCdfAsAPng() throws Exception {
        double[] latencies = new double[500];
        for (int i = 0; i < latencies.length; i++) {
            latencies[i] = 20 + (i % 50) * 0.7;
        }
        assertDrawn(BenchCharts.latencyCdf(dir.resolve("cdf"), "cdf", "p99 55 ms", latencies));
    }

    private static void assertDrawn(Path file) throws Exception {
        assertThat(file).exists().hasExtension("png");
        BufferedImage image = ImageIO.read(file.toFile());
        assertThat(image.getWidth()).isEqualTo(800);
        assertThat(image.getHeight()).isEqualTo(500);
        long distinct =
                java.util.stream.IntStream.range(0, 800 * 500)
                        .map(i -> image.getRGB(i % 800, i / 800))
                        .distinct()
                        .limit(10)
                        .count();
        assertThat(distinct).as("colours in the image").isGreaterThan(3);
    }
}
