package io.fusionline.schema.vision;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class VisionTensorsTest {

    @Test
    void shouldPackLittleEndianFloat32AndUnpackIt() {
        float[] values = {1.5f, -0.25f, Float.MIN_VALUE, 3e9f};

        ByteBuffer packed = VisionTensors.pack(values);

        assertThat(packed.remaining()).isEqualTo(16);
        assertThat(packed.get(0)).isEqualTo((byte) 0x00);
        assertThat(packed.get(3)).isEqualTo((byte) 0x3f); // 1.5f = 0x3fc00000, little-endian
        assertThat(VisionTensors.unpack(packed)).containsExactly(values);
    }
}
