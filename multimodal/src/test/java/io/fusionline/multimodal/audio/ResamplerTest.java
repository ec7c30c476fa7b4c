package io.fusionline.multimodal.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResamplerTest {

    @ParameterizedTest(name = "{0} Hz -> 16 kHz")
    @ValueSource(ints = {8_000, 22_050, 44_100, 48_000})
    void shouldKeepToneFrequencyAmplitudeAndDuration(int inRate) {
        double seconds = 1.0;
        short[] tone = tone(1_000, inRate, seconds, 10_000);

        short[] out = concat(new Resampler(inRate, 16_000).process(tone), new short[0]);
        Resampler r = new Resampler(inRate, 16_000);
        out = concat(r.process(tone), r.flush());

        assertThat(out.length).isCloseTo(16_000, within(2));
        short[] middle = Arrays.copyOfRange(out, 2_000, 14_000); // away from the edges
        assertThat(zeroCrossings(middle) / (middle.length / 16_000.0) / 2)
                .isCloseTo(1_000.0, within(5.0));
        assertThat(rms(middle)).isCloseTo(10_000 / Math.sqrt(2), within(10_000 * 0.02));
    }

    @Test
    void shouldRemoveFrequenciesAboveTheNewNyquistWhenDownsampling() {
        short[] high = tone(12_000, 48_000, 1.0, 10_000); // above 8 kHz: must not alias to 4 kHz
        Resampler r = new Resampler(48_000, 16_000);

        short[] out = concat(r.process(high), r.flush());

        assertThat(rms(Arrays.copyOfRange(out, 2_000, 14_000))).isLessThan(10_000 * 0.01);
    }

    @Test
    void shouldGiveTheSameSamplesWhetherFedWholeOrInChunks() {
        short[] tone = tone(440, 44_100, 0.5, 8_000);
        Resampler whole = new Resampler(44_100, 16_000);
        short[] expected = concat(whole.process(tone), whole.flush());

        Resampler chunked = new Resampler(44_100, 16_000);
        short[] actual = new short[0];
        for (int from = 0; from < tone.length; from += 1_234) {
            actual =
                    concat(
                            actual,
                            chunked.process(
                                    Arrays.copyOfRange(
                                            tone, from, Math.min(tone.length, from + 1_234))));
        }
        actual = concat(actual, chunked.flush());

        assertThat(actual).containsExactly(expected);
    }

    @Test
    void shouldPassEqualRatesThrough() {
        short[] in = {1, 2, 3};
        assertThat(new Resampler(16_000, 16_000).process(in)).containsExactly(1, 2, 3);
    }

    static short[] tone(double hz, int rate, double seconds, double amplitude) {
        short[] s = new short[(int) (rate * seconds)];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return s;
    }

    static short[] concat(short[] a, short[] b) {
        short[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static int zeroCrossings(short[] s) {
        int n = 0;
        for (int i = 1; i < s.length; i++) {
            if ((s[i - 1] < 0) != (s[i] < 0)) {
                n++;
            }
        }
        return n;
    }

    private static double rms(short[] s) {
        double sum = 0;
        for (short v : s) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum / s.length);
    }
}
