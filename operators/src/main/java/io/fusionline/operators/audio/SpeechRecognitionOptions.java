package io.fusionline.operators.audio;

import java.io.Serializable;
import java.time.Duration;
import java.util.Set;

/**
 * Settings of {@link SpeechRecognitionFunction}. Immutable and serializable (travels in the job
 * graph); the model itself is loaded on the task manager.
 *
 * @param modelDir folder of a Vosk model; null for the model bundled with fusionline
 * @param modelId id written into transcripts
 * @param reorderChunks how many out-of-order chunks a source may have waiting before the missing
 *     ones are declared a gap
 * @param maxChunkBytes largest accepted chunk payload
 * @param maxUtterance longest utterance kept for replay; a longer one is finished early
 * @param idleTimeout processing time without audio after which a source's recognizer is finished,
 *     closed and its state cleared
 * @param partialInterval minimum time between partial transcripts of a source; null for none
 * @param maxLiveStreams most sources with a live recognizer per subtask; a new source's audio
 *     beyond that is a dead letter until one finishes
 * @param unverifiedModel whether an external model folder without SHA256SUMS is loaded unchecked
 * @param gate whether a {@code VoiceActivityGate} keeps silence from the recognizer and ends
 *     utterances when speech stops
 */
public record SpeechRecognitionOptions(
        String modelDir,
        String modelId,
        int reorderChunks,
        int maxChunkBytes,
        Duration maxUtterance,
        Duration idleTimeout,
        Duration partialInterval,
        int maxLiveStreams,
        boolean unverifiedModel,
        boolean gate)
        implements Serializable {

    /** Sample rates accepted (resampled to the model's 16 kHz). */
    public static final Set<Integer> SAMPLE_RATES = Set.of(8_000, 16_000, 22_050, 44_100, 48_000);

    public SpeechRecognitionOptions {
        if (reorderChunks < 0) {
            throw new IllegalArgumentException("reorderChunks must be >= 0: " + reorderChunks);
        }
        if (maxChunkBytes <= 0) {
            throw new IllegalArgumentException("maxChunkBytes must be positive: " + maxChunkBytes);
        }
        requirePositive("maxUtterance", maxUtterance);
        requirePositive("idleTimeout", idleTimeout);
        if (partialInterval != null) {
            requirePositive("partialInterval", partialInterval);
        }
        if (maxLiveStreams <= 0) {
            throw new IllegalArgumentException(
                    "maxLiveStreams must be positive: " + maxLiveStreams);
        }
    }

    /**
     * Bundled model, 16 chunks of re-ordering, 1 MiB chunks, 30 s utterances, 30 s idle, no
     * partials, 64 live sources per subtask (far more than one core recognizes in real time),
     * silence gated.
     */
    public static SpeechRecognitionOptions defaults() {
        return new SpeechRecognitionOptions(
                null,
                "vosk-model-small-en-us-0.15",
                16,
                1 << 20,
                Duration.ofSeconds(30),
                Duration.ofSeconds(30),
                null,
                64,
                false,
                true);
    }

    /** An external model folder; its name becomes the model id. */
    public SpeechRecognitionOptions withModelDir(String dir) {
        String id = java.nio.file.Path.of(dir).getFileName().toString();
        return new SpeechRecognitionOptions(
                dir,
                id,
                reorderChunks,
                maxChunkBytes,
                maxUtterance,
                idleTimeout,
                partialInterval,
                maxLiveStreams,
                unverifiedModel,
                gate);
    }

    public SpeechRecognitionOptions withIdleTimeout(Duration timeout) {
        return new SpeechRecognitionOptions(
                modelDir,
                modelId,
                reorderChunks,
                maxChunkBytes,
                maxUtterance,
                timeout,
                partialInterval,
                maxLiveStreams,
                unverifiedModel,
                gate);
    }

    public SpeechRecognitionOptions withReorderChunks(int chunks) {
        return new SpeechRecognitionOptions(
                modelDir,
                modelId,
                chunks,
                maxChunkBytes,
                maxUtterance,
                idleTimeout,
                partialInterval,
                maxLiveStreams,
                unverifiedModel,
                gate);
    }

    public SpeechRecognitionOptions withPartialInterval(Duration interval) {
        return new SpeechRecognitionOptions(
                modelDir,
                modelId,
                reorderChunks,
                maxChunkBytes,
                maxUtterance,
                idleTimeout,
                interval,
                maxLiveStreams,
                unverifiedModel,
                gate);
    }

    /** Lets an external model folder without {@code SHA256SUMS} load unchecked. */
    public SpeechRecognitionOptions withUnverifiedModel(boolean unverified) {
        return new SpeechRecognitionOptions(
                modelDir,
                modelId,
                reorderChunks,
                maxChunkBytes,
                maxUtterance,
                idleTimeout,
                partialInterval,
                maxLiveStreams,
                unverified,
                gate);
    }

    public SpeechRecognitionOptions withMaxLiveStreams(int streams) {
        return new SpeechRecognitionOptions(
                modelDir,
                modelId,
                reorderChunks,
                maxChunkBytes,
                maxUtterance,
                idleTimeout,
                partialInterval,
                streams,
                unverifiedModel,
                gate);
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }

    /** With or without the voice-activity gate. */
    public SpeechRecognitionOptions withGate(boolean on) {
        return new SpeechRecognitionOptions(
                modelDir,
                modelId,
                reorderChunks,
                maxChunkBytes,
                maxUtterance,
                idleTimeout,
                partialInterval,
                maxLiveStreams,
                unverifiedModel,
                on);
    }
}
