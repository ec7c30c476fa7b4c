package io.fusionline.operators.audio;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.schema.media.AudioChunk;
import io.fusionline.schema.media.AudioEncoding;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AudioChunkValidatorTest {

    private final AudioChunkValidator validator = new AudioChunkValidator(1_000);

    @Test
    void shouldAcceptWholeFramesOfASupportedFormat() {
        assertThat(validator.problemWith(chunk(AudioEncoding.PCM_S16LE, 16_000, 2, 400))).isNull();
        assertThat(validator.problemWith(chunk(AudioEncoding.PCM_F32LE, 48_000, 1, 400))).isNull();
    }

    @Test
    void shouldNameEveryKindOfBadAudio() {
        assertThat(validator.problemWith(chunk(AudioEncoding.PCM_S16LE, 16_000, 1, 3)))
                .isEqualTo("audio chunk mic-1#4 has 3 bytes, not a whole number of 2-byte frames");
        assertThat(validator.problemWith(chunk(AudioEncoding.PCM_F32LE, 16_000, 2, 12)))
                .isEqualTo("audio chunk mic-1#4 has 12 bytes, not a whole number of 8-byte frames");
        assertThat(validator.problemWith(chunk(AudioEncoding.UNKNOWN, 16_000, 1, 2)))
                .isEqualTo("audio chunk mic-1#4 has an unsupported encoding");
        assertThat(validator.problemWith(chunk(AudioEncoding.PCM_S16LE, 11_025, 1, 2)))
                .isEqualTo(
                        "audio chunk mic-1#4 has unsupported sample rate 11025 Hz (supported: 8000, 16000, 22050, 44100, 48000)");
        assertThat(validator.problemWith(chunk(AudioEncoding.PCM_S16LE, 16_000, 9, 18)))
                .isEqualTo("audio chunk mic-1#4 has 9 channels (1..8)");
        assertThat(validator.problemWith(chunk(AudioEncoding.PCM_S16LE, 16_000, 1, 0)))
                .isEqualTo("audio chunk mic-1#4 is empty");
        assertThat(validator.problemWith(chunk(AudioEncoding.PCM_S16LE, 16_000, 1, 1_002)))
                .isEqualTo("audio chunk mic-1#4 has 1002 bytes (limit 1000)");
    }

    @Test
    void shouldRequireSourceAndTime() {
        AudioChunk noSource = chunk(AudioEncoding.PCM_S16LE, 16_000, 1, 2);
        noSource.setSourceId("");
        assertThat(validator.problemWith(noSource)).isEqualTo("audio chunk without source id");
        AudioChunk noTime = chunk(AudioEncoding.PCM_S16LE, 16_000, 1, 2);
        noTime.setEventTime(Instant.ofEpochMilli(0));
        assertThat(validator.problemWith(noTime))
                .isEqualTo("audio chunk mic-1#4 without a positive event time");
    }

    private static AudioChunk chunk(AudioEncoding encoding, int rate, int channels, int bytes) {
        return AudioChunk.newBuilder()
                .setSourceId("mic-1")
                .setSequence(4)
                .setEventTime(Instant.ofEpochMilli(1_000))
                .setSampleRate(rate)
                .setChannels(channels)
                .setEncoding(encoding)
                .setPayload(ByteBuffer.wrap(new byte[bytes]))
                .build();
    }
}
