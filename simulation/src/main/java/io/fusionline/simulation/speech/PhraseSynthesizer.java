package io.fusionline.simulation.speech;

import com.sun.speech.freetts.Voice;
import com.sun.speech.freetts.VoiceManager;
import com.sun.speech.freetts.audio.AudioPlayer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/**
 * Speech for tests, demos and the simulator, synthesized in pure Java with FreeTTS (voice {@code
 * kevin16}, 16 kHz mono), captured in memory. Vosk hears this voice with realistic errors (see
 * {@link SpeechPhrases}). One instance holds an allocated voice: not thread-safe; close it.
 */
public final class PhraseSynthesizer implements AutoCloseable {

    /** Sample rate of the synthesized audio. */
    public static final int RATE = 16_000;

    private static final String VOICES =
            "com.sun.speech.freetts.en.us.cmu_us_kal.KevinVoiceDirectory";

    private final Voice voice;
    private final CapturingPlayer player = new CapturingPlayer();

    public PhraseSynthesizer() {
        if (System.getProperty("freetts.voices") == null) {
            System.setProperty("freetts.voices", VOICES);
        }
        voice = VoiceManager.getInstance().getVoice("kevin16");
        if (voice == null) {
            throw new IllegalStateException("FreeTTS voice kevin16 is not on the classpath");
        }
        voice.allocate();
        voice.setAudioPlayer(player);
    }

    /** {@code text} spoken at 16 kHz, 16-bit mono samples. */
    public short[] speak(String text) {
        player.bytes.reset();
        voice.speak(text);
        AudioFormat spoken = player.format;
        byte[] raw = player.bytes.toByteArray();
        AudioFormat target = new AudioFormat(RATE, 16, 1, true, false);
        try (AudioInputStream in =
                        new AudioInputStream(
                                new ByteArrayInputStream(raw),
                                spoken,
                                raw.length / spoken.getFrameSize());
                AudioInputStream pcm = AudioSystem.getAudioInputStream(target, in)) {
            byte[] bytes = pcm.readAllBytes();
            short[] samples = new short[bytes.length / 2];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
            return samples;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        voice.deallocate();
    }

    /** FreeTTS output sink that keeps the samples in memory and plays nothing. */
    private static final class CapturingPlayer implements AudioPlayer {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AudioFormat format = new AudioFormat(RATE, 16, 1, true, true);
        float volume = 1f;

        @Override
        public void setAudioFormat(AudioFormat format) {
            this.format = format;
        }

        @Override
        public AudioFormat getAudioFormat() {
            return format;
        }

        @Override
        public boolean write(byte[] audio) {
            return write(audio, 0, audio.length);
        }

        @Override
        public boolean write(byte[] audio, int offset, int length) {
            bytes.write(audio, offset, length);
            return true;
        }

        @Override
        public float getVolume() {
            return volume;
        }

        @Override
        public void setVolume(float volume) {
            this.volume = volume;
        }

        @Override
        public void begin(int size) {}

        @Override
        public boolean end() {
            return true;
        }

        @Override
        public boolean drain() {
            return true;
        }

        @Override
        public void pause() {}

        @Override
        public void resume() {}

        @Override
        public void reset() {}

        @Override
        public void cancel() {}

        @Override
        public void close() {}

        @Override
        public long getTime() {
            return 0;
        }

        @Override
        public void resetTime() {}

        @Override
        public void startFirstSampleTimer() {}

        @Override
        public void showMetrics() {}
    }
}
