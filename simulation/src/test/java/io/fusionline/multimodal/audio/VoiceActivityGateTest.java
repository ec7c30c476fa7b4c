package io.fusionline.multimodal.audio;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.simulation.speech.Noise;
import io.fusionline.simulation.speech.PhraseSynthesizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gate on a spoken phrase between silences, under the noises the simulator adds. */
class VoiceActivityGateTest {

    private static final int RATE = 16_000;
    private static short[] phrase;

    @BeforeAll
    static void speak() {
        try (PhraseSynthesizer tts = new PhraseSynthesizer()) {
            phrase = tts.speak("deep scratch on the left flange");
        }
    }

    @AfterAll
    static void release() {
        phrase = null;
    }

    /** 3 s of silence, the phrase, 3 s of silence. */
    private static short[] padded() {
        short[] a = new short[RATE * 6 + phrase.length];
        System.arraycopy(phrase, 0, a, RATE * 3, phrase.length);
        return a;
    }

    @Test
    void shouldFeedThePhraseWithItsOnsetAndEndItOnce() {
        for (String noise : List.of("quiet", "hum", "white 20 dB", "telephone + white 20 dB")) {
            short[] audio = padded();
            switch (noise) {
                case "hum" -> Noise.hum(audio, RATE, -40, 0.3);
                case "white 20 dB" -> Noise.white(audio, phrase, 20, 7);
                case "telephone + white 20 dB" -> {
                    Noise.telephone(audio, RATE);
                    Noise.white(audio, phrase, 20, 8);
                }
                default -> {}
            }
            VoiceActivityGate gate = new VoiceActivityGate(RATE);
            List<VoiceActivityGate.Piece> fed = new ArrayList<>();
            int ended = 0;
            for (int at = 0; at < audio.length; at += RATE / 4) {
                var v =
                        gate.accept(
                                Arrays.copyOfRange(
                                        audio, at, Math.min(audio.length, at + RATE / 4)));
                fed.addAll(v.feed());
                ended += v.speechEnded() ? 1 : 0;
            }
            ended += gate.flush().speechEnded() ? 1 : 0;

            long first = fed.get(0).position();
            long last =
                    fed.get(fed.size() - 1).position() + fed.get(fed.size() - 1).samples().length;
            int onset = RATE * 3 + firstLoud(phrase);
            assertThat(first)
                    .as("%s: feeding starts before the onset", noise)
                    .isLessThanOrEqualTo(onset);
            assertThat(last)
                    .as("%s: feeding covers the phrase", noise)
                    .isGreaterThanOrEqualTo(RATE * 3 + lastLoud(phrase));
            assertThat(ended).as("%s: the speech ends once", noise).isEqualTo(1);
            assertThat(gate.speechDuty())
                    .as("%s: silence is not fed", noise)
                    .isLessThan((phrase.length + RATE * 0.8) / audio.length);
        }
    }

    @Test
    void shouldFeedNothingOfSteadyNoiseOnceItIsTheFloor() {
        short[] audio = new short[RATE * 10];
        Noise.hum(audio, RATE, -30, 0);
        Noise.white(audio, new short[0], 15, 3);
        VoiceActivityGate gate = new VoiceActivityGate(RATE);
        long fedAfterTwoSeconds = 0;
        for (int at = 0; at < audio.length; at += RATE / 4) {
            for (var p : gate.accept(Arrays.copyOfRange(audio, at, at + RATE / 4)).feed()) {
                if (p.position() >= RATE * 2) {
                    fedAfterTwoSeconds += p.samples().length;
                }
            }
        }
        assertThat(fedAfterTwoSeconds).isZero();
    }

    private static int firstLoud(short[] a) {
        for (int i = 0; i < a.length; i++) {
            if (Math.abs(a[i]) > 2000) {
                return i;
            }
        }
        return 0;
    }

    private static int lastLoud(short[] a) {
        for (int i = a.length - 1; i >= 0; i--) {
            if (Math.abs(a[i]) > 2000) {
                return i;
            }
        }
        return a.length;
    }
}
