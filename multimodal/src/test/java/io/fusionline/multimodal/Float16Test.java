package io.fusionline.multimodal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class Float16Test {

    @Test
    void knownValues() {
        assertThat(Float16.of(1f)).isEqualTo((short) 0x3c00);
        assertThat(Float16.of(-2f)).isEqualTo((short) 0xc000);
        assertThat(Float16.of(65504f)).isEqualTo((short) 0x7bff);
        assertThat(Float16.of(1e6f)).isEqualTo((short) 0x7c00);
        assertThat(Float16.of(6.103515625e-05f)).isEqualTo((short) 0x0400);
        assertThat(Float16.of(5.960464477539063e-08f)).isEqualTo((short) 0x0001);
        assertThat(Float16.of(1e-9f)).isEqualTo((short) 0);
        assertThat(Float16.toFloat(Float16.of(Float.NaN))).isNaN();
        // halfway between 1 and the next half (1 + 2^-10) rounds to even: 1
        assertThat(Float16.of(1f + 0x1p-11f)).isEqualTo((short) 0x3c00);
        assertThat(Float16.of(1f + 0x1p-11f + 0x1p-20f)).isEqualTo((short) 0x3c01);
    }

    @Test
    void roundTripsWithinHalfAUnitInTheLastPlace() {
        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            float x = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(8) - 4));
            float back = Float16.toFloat(Float16.of(x));
            float ulp = Math.abs(x) < 0x1p-14f ? 0x1p-24f : Math.ulp(x) * 8192f;
            assertThat(Math.abs(back - x)).isLessThanOrEqualTo(ulp / 2 + 1e-12f);
        }
    }
}
