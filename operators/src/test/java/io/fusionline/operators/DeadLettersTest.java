package io.fusionline.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.operators.kafka.RawRecord;
import io.fusionline.schema.ops.DeadLetter;
import io.fusionline.schema.serde.SingleObjectWireFormat;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    @Test
    void shouldCutAnOversizedDeadLetterToItsFirstBytesWithSizeAndDigest() throws Exception {
        byte[] value = new byte[3_000_000];
        Arrays.fill(value, (byte) 7);
        value[0] = 1;
        DeadLetter big =
                DeadLetters.of(
                        new RawRecord("frames", 2, 41, 0L, new byte[5000], value),
                        "decode",
                        "x".repeat(5000));

        DeadLetter fitted = DeadLetters.fitted(big, 1024);

        assertThat(fitted.getPayload().remaining()).isEqualTo(1024);
        assertThat(fitted.getPayload().get(0)).isEqualTo((byte) 1);
        assertThat(fitted.getOriginalSize()).isEqualTo(3_000_000L);
        assertThat(fitted.getPayloadSha256())
                .isEqualTo(
                        HexFormat.of()
                                .formatHex(MessageDigest.getInstance("SHA-256").digest(value)));
        assertThat(fitted.getKey().remaining()).isEqualTo(DeadLetters.MAX_KEY_BYTES);
        assertThat(fitted.getReason()).hasSize(DeadLetters.MAX_REASON_CHARS + 3);
        assertThat(fitted.getPartition()).isEqualTo(2);
        assertThat(fitted.getOffset()).isEqualTo(41);
        // and it still encodes within what the topic takes
        assertThat(SingleObjectWireFormat.INSTANCE.codec(DeadLetter.class).encode(fitted).length)
                .isLessThan(1024 + DeadLetters.MAX_KEY_BYTES + 4 * DeadLetters.MAX_REASON_CHARS);
    }

    @Test
    void shouldLeaveADeadLetterThatFitsAsItIs() {
        DeadLetter small =
                DeadLetters.of(
                        new RawRecord("text-events", 0, 1, 0L, null, new byte[10]),
                        "decode",
                        "bad");
        assertThat(DeadLetters.fitted(small, 1024)).isSameAs(small);
        assertThat(small.getOriginalSize()).isEqualTo(10);
        assertThat(small.getPayloadSha256()).isNull();
    }
}
