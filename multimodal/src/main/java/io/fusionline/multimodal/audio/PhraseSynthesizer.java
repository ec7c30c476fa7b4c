package io.fusionline.multimodal.audio;

import com.sun.speech.freetts.Voice;
import com.sun.speech.freetts.VoiceManager;
import com.sun.speech.freetts.audio.SingleFileAudioPlayer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * Speech for tests, demos and the simulator, synthesized in pure Java with FreeTTS (voice {@code
 * kevin16}, 16 kHz mono). Vosk hears this voice with realistic errors (about 20 % word error rate
 * on short domain phrases). One instance holds an allocated voice: not thread-safe; close it.
 */
public final class PhraseSynthesizer implements AutoCloseable {

    /** Sample rate of the synthesized audio. */
    public static final int RATE = 16_000;

    private static final String VOICES =
            "com.sun.speech.freetts.en.us.cmu_us_kal.KevinVoiceDirectory";

    private final Voice voice;
    private final Path workDir;

    public PhraseSynthesizer() {
        if (System.getProperty("freetts.voices") == null) {
            System.setProperty("freetts.voices", VOICES);
        }
        voice = VoiceManager.getInstance().getVoice("kevin16");
        if (voice == null) {
            throw new IllegalStateException("FreeTTS voice kevin16 is not on the classpath");
        }
        voice.allocate();
        try {
            workDir = Files.createTempDirectory("fusionline-tts-");
        } catch (IOException e) {
            voice.deallocate();
            throw new UncheckedIOException(e);
        }
    }

    /** {@code text} spoken at 16 kHz, 16-bit mono samples. */
    public short[] speak(String text) {
        Path base = workDir.resolve("phrase");
        SingleFileAudioPlayer player =
                new SingleFileAudioPlayer(base.toString(), AudioFileFormat.Type.WAVE);
        voice.setAudioPlayer(player);
        voice.speak(text);
        player.close();
        Path wav = workDir.resolve("phrase.wav");
        try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile());
                AudioInputStream pcm =
                        AudioSystem.getAudioInputStream(
                                new AudioFormat(RATE, 16, 1, true, false), in)) {
            byte[] bytes = pcm.readAllBytes();
            short[] samples = new short[bytes.length / 2];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
            return samples;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (UnsupportedAudioFileException e) {
            throw new IllegalStateException("FreeTTS wrote an unreadable WAV file", e);
        } finally {
            try {
                Files.deleteIfExists(wav);
            } catch (IOException ignored) {
                // temp file; removed with its folder below at close
            }
        }
    }

    @Override
    public void close() {
        voice.deallocate();
        try {
            Files.deleteIfExists(workDir.resolve("phrase.wav"));
            Files.deleteIfExists(workDir);
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}
