package io.fusionline.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The dashboard's per-source state stays bounded in count and age. */
class RecentSourcesTest {

    @Test
    void shouldForgetTheSourceHeardOfLongestAgoBeyondTheMaximum() {
        RecentSources sources = new RecentSources(3, 60_000);
        assertThat(sources.heardOf("a", 0)).isEmpty();
        assertThat(sources.heardOf("b", 1)).isEmpty();
        assertThat(sources.heardOf("c", 2)).isEmpty();
        assertThat(sources.heardOf("a", 3)).isEmpty(); // heard again: now the newest
        assertThat(sources.heardOf("d", 4)).containsExactly("b");
        assertThat(sources.size()).isEqualTo(3);
        assertThat(sources.forgotten()).isEqualTo(1);
    }

    @Test
    void shouldForgetSourcesNotHeardOfWithinTheExpiry() {
        RecentSources sources = new RecentSources(100, 1_000);
        sources.heardOf("quiet", 0);
        sources.heardOf("busy", 500);
        assertThat(sources.heardOf("busy", 1_200)).containsExactly("quiet");
        assertThat(sources.heardOf("busy", 1_400)).isEmpty();
        assertThat(sources.size()).isEqualTo(1);
    }

    @Test
    void shouldStayBoundedUnderAFloodOfNewSources() {
        RecentSources sources = new RecentSources(256, 600_000);
        for (int i = 0; i < 100_000; i++) {
            sources.heardOf("camera-" + i, i);
        }
        assertThat(sources.size()).isEqualTo(256);
        assertThat(sources.forgotten()).isEqualTo(100_000 - 256);
    }
}
