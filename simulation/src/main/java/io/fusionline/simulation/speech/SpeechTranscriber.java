package io.fusionline.simulation.speech;

import io.fusionline.multimodal.audio.SharedSpeechModel;
import io.fusionline.multimodal.audio.SpeechRecognizer;
import io.fusionline.multimodal.audio.Utterance;
import io.fusionline.multimodal.audio.VoskModelLocator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the pipeline's speech stage would hear of a spoken phrase: FreeTTS speaks it at 16 kHz and
 * the bundled Vosk model recognizes it, fed in 250 ms chunks as the stage is. The training kit
 * trains on these transcripts, recognition errors included, not on the phrases as written.
 *
 * <p>Speech synthesis and recognition are deterministic, so a phrase's transcript is computed once
 * and remembered. One thread at a time.
 */
public final class SpeechTranscriber implements AutoCloseable {

    private final PhraseSynthesizer voice = new PhraseSynthesizer();
    private final SharedSpeechModel model = SharedSpeechModel.acquire(VoskModelLocator.bundled());

    private final Map<String, String> transcripts = new HashMap<>();

    /** The recognized text of {@code phrase} (empty when nothing was recognized). */
    public String transcribe(String phrase) {
        return transcripts.computeIfAbsent(phrase, this::recognize);
    }

    private String recognize(String phrase) {
        short[] speech = voice.speak(phrase);
        short[] samples =
                java.util.Arrays.copyOf(speech, speech.length + PhraseSynthesizer.RATE / 2);
        int chunk = PhraseSynthesizer.RATE / 4;
        List<String> parts = new ArrayList<>();
        try (SpeechRecognizer recognizer = new SpeechRecognizer(model)) {
            for (int from = 0; from < samples.length; from += chunk) {
                short[] part =
                        java.util.Arrays.copyOfRange(
                                samples, from, Math.min(samples.length, from + chunk));
                recognizer
                        .accept(part, from * 1000L / PhraseSynthesizer.RATE)
                        .ifPresent(u -> add(parts, u));
            }
            Optional<Utterance> last = recognizer.finish();
            last.ifPresent(u -> add(parts, u));
        }
        return String.join(" ", parts);
    }

    private static void add(List<String> parts, Utterance u) {
        if (!u.isEmpty()) {
            parts.add(u.text());
        }
    }

    @Override
    public void close() {
        try {
            model.close();
        } finally {
            voice.close();
        }
    }
}
