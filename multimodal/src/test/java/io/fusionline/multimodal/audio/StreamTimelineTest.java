package io.fusionline.multimodal.audio;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreamTimelineTest {

    @Test
    void shouldMapStreamTimeAcrossGapsBetweenChunks() {
        StreamTimeline t = new StreamTimeline(16_000);
        t.append(10_000, 8_000); // 0.0-0.5 s of stream at 10.0 s event time
        t.append(12_000, 8_000); // 0.5-1.0 s of stream, but 1.5 s later in event time (a gap)

        assertThat(t.eventTimeAt(0.25)).isEqualTo(10_250);
        assertThat(t.eventTimeAt(0.5)).isEqualTo(12_000);
        assertThat(t.eventTimeAt(0.75)).isEqualTo(12_250);

        t.forgetBefore(0.6);
        assertThat(t.eventTimeAt(0.75)).isEqualTo(12_250);
    }
}
