package io.fusionline.operators.vision;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class VideoFramesTest {

    @Test
    void shouldShareAWholeArrayAndCopyASlice() {
        byte[] array = {1, 2, 3, 4, 5};

        assertThat(VideoFrames.bytes(ByteBuffer.wrap(array))).isSameAs(array);
        assertThat(VideoFrames.bytes(ByteBuffer.wrap(array, 1, 3))).containsExactly(2, 3, 4);
        assertThat(VideoFrames.bytes(ByteBuffer.wrap(array, 1, 3).slice()))
                .containsExactly(2, 3, 4);
        assertThat(VideoFrames.bytes(null)).isEmpty();
    }
}
