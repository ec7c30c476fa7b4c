package io.fusionline.operators.audio;

import io.fusionline.schema.media.AudioChunk;
import io.fusionline.schema.media.AudioEncoding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds {@link AudioChunk} records from 16-bit mono samples, for producers, demos and tests. */
public final class AudioChunks {

    private AudioChunks() {}

    /** One PCM S16LE mono chunk. */
    public static AudioChunk of(
            String source, long sequence, long eventTimeMs, int sampleRate, short[] samples) {
        return of(source, sequence, eventTimeMs, sampleRate, samples, 0, samples.length);
    }

    /** One PCM S16LE mono chunk of {@code samples[from, to)}. */
    public static AudioChunk of(
            String source,
            long sequence,
            long eventTimeMs,
            int sampleRate,
            short[] samples,
            int from,
            int to) {
        ByteBuffer bytes = ByteBuffer.allocate((to - from) * 2).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asShortBuffer().put(samples, from, to - from);
        return AudioChunk.newBuilder()
                .setSourceId(source)
                .setSequence(sequence)
                .setEventTime(Instant.ofEpochMilli(eventTimeMs))
                .setSampleRate(sampleRate)
                .setChannels(1)
                .setEncoding(AudioEncoding.PCM_S16LE)
                .setPayload(ByteBuffer.wrap(bytes.array()))
                .build();
    }

    /**
     * {@code samples} cut into chunks of {@code chunkMs}, sequence numbers from 0 and contiguous
     * event times from {@code startMs}.
     */
    public static List<AudioChunk> split(
            String source, short[] samples, int sampleRate, int chunkMs, long startMs) {
        List<AudioChunk> chunks = new ArrayList<>();
        int per = sampleRate / 1000 * chunkMs;
        for (int from = 0, seq = 0; from < samples.length; from += per, seq++) {
            chunks.add(
                    of(
                            source,
                            seq,
                            startMs + (long) seq * chunkMs,
                            sampleRate,
                            samples,
                            from,
                            Math.min(samples.length, from + per)));
        }
        return chunks;
    }
}
