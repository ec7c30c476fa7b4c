package io.fusionline.multimodal.audio;

import io.fusionline.multimodal.ModelLoadException;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.vosk.Recognizer;

/**
 * Recognizes one audio stream (one source) with a shared model: feed 16 kHz mono chunks with the
 * event time of their first sample; a finished utterance comes back when Vosk detects its end. Word
 * times are mapped to event time, gaps between chunks included (see {@link StreamTimeline}). Owns a
 * native recognizer: not thread-safe, close it when the stream ends.
 */
public final class SpeechRecognizer implements AutoCloseable {

    /** Sample rate the model expects. */
    public static final int MODEL_RATE = 16_000;

    private final Recognizer recognizer;
    private final StreamTimeline timeline = new StreamTimeline(MODEL_RATE);
    private long utteranceStart = -1;
    private long lastEnd = -1;

    public SpeechRecognizer(SharedSpeechModel model) {
        try {
            this.recognizer = new Recognizer(model.vosk(), MODEL_RATE);
        } catch (IOException e) {
            throw new ModelLoadException("Vosk cannot create a recognizer: " + e.getMessage(), e);
        }
        recognizer.setWords(true);
    }

    /**
     * Feeds one chunk. Returns the utterance Vosk finished with this chunk, if any; silence-only
     * segments finish without an utterance.
     */
    public Optional<Utterance> accept(short[] samples, long eventTimeMs) {
        if (samples.length == 0) {
            return Optional.empty();
        }
        if (utteranceStart < 0) {
            utteranceStart = eventTimeMs;
        }
        timeline.append(eventTimeMs, samples.length);
        lastEnd = eventTimeMs + samples.length * 1000L / MODEL_RATE;
        if (!recognizer.acceptWaveForm(samples, samples.length)) {
            return Optional.empty();
        }
        return finishUtterance(recognizer.getResult());
    }

    /**
     * Feeds the speech {@code gate} finds in {@code samples} (pre-roll included), each piece at its
     * own event time, and finishes the utterance when the gate says the speech ended: the silence
     * is never fed. Adds the utterances finished to {@code done}.
     *
     * @param gate this stream's gate, at {@link #MODEL_RATE}
     * @return samples fed
     */
    public long acceptGated(
            VoiceActivityGate gate, short[] samples, long eventTimeMs, List<Utterance> done) {
        long origin = gate.position();
        VoiceActivityGate.Verdict verdict = gate.accept(samples);
        long fed = 0;
        for (VoiceActivityGate.Piece piece : verdict.feed()) {
            long at = eventTimeMs + (piece.position() - origin) * 1000 / MODEL_RATE;
            accept(piece.samples(), at).ifPresent(done::add);
            fed += piece.samples().length;
        }
        if (verdict.speechEnded() && inUtterance()) {
            finish().ifPresent(done::add);
        }
        return fed;
    }

    /** What is recognized of the utterance in progress (no word times); empty text when none. */
    public Utterance partial() {
        long start = utteranceStart < 0 ? Math.max(lastEnd, 0) : utteranceStart;
        return VoskResultParser.parsePartial(
                recognizer.getPartialResult(), start, Math.max(start, lastEnd));
    }

    /** Ends the stream: the utterance in progress, if it has words. */
    public Optional<Utterance> finish() {
        if (utteranceStart < 0) {
            return Optional.empty();
        }
        return finishUtterance(recognizer.getFinalResult());
    }

    /** True while audio after the last finished utterance has been fed. */
    public boolean inUtterance() {
        return utteranceStart >= 0;
    }

    private Optional<Utterance> finishUtterance(String json) {
        Utterance u = VoskResultParser.parseFinal(json, timeline, utteranceStart);
        utteranceStart = -1;
        timeline.forgetBefore(timeline.samples() / (double) MODEL_RATE);
        return u.isEmpty() ? Optional.empty() : Optional.of(u);
    }

    @Override
    public void close() {
        recognizer.close();
    }
}
