package io.fusionline.multimodal.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class PcmDecoderTest {

    @Test
    void shouldAverageStereoS16ToMono() throws Exception {
        byte[] bytes =
                ByteBuffer.allocate(8)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putShort((short) 100)
                        .putShort((short) 300)
                        .putShort((short) -1000)
                        .putShort((short) 0)
                        .array();

        assertThat(PcmDecoder.toMono16(bytes, SampleEncoding.PCM_S16LE, 2))
                .containsExactly((short) 200, (short) -500);
    }

    @Test
    void shouldScaleAndClipFloats() throws Exception {
        byte[] bytes =
                ByteBuffer.allocate(12)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putFloat(0.5f)
                        .putFloat(-1.0f)
                        .putFloat(3.0f)
                        .array();

        assertThat(PcmDecoder.toMono16(bytes, SampleEncoding.PCM_F32LE, 1))
                .containsExactly((short) 16384, (short) -32767, Short.MAX_VALUE);
    }

    @Test
    void shouldRejectPartialFramesAndBadChannelCounts() {
        assertThatThrownBy(() -> PcmDecoder.toMono16(new byte[3], SampleEncoding.PCM_S16LE, 1))
                .isInstanceOf(AudioFormatException.class)
                .hasMessage(
                        "3 bytes is not a whole number of 2-byte frames (PCM_S16LE, 1 channel(s))");
        assertThatThrownBy(() -> PcmDecoder.toMono16(new byte[6], SampleEncoding.PCM_S16LE, 2))
                .hasMessageContaining("4-byte frames");
        assertThatThrownBy(() -> PcmDecoder.toMono16(new byte[4], SampleEncoding.PCM_S16LE, 0))
                .hasMessage("unsupported channel count 0 (1..8)");
    }
}
