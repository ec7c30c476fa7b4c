package io.fusionline.cli.ingest;

import io.fusionline.jobs.KafkaAccess;
import io.fusionline.multimodal.audio.AudioSampler;
import io.fusionline.operators.audio.AudioChunks;
import io.fusionline.runtime.kafka.InputProducers;
import io.fusionline.schema.media.AudioChunk;
import io.fusionline.schema.serde.RecordCodec;
import io.fusionline.schema.serde.SingleObjectWireFormat;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes an input's audio as {@link AudioChunk}s of one source: 16 kHz mono PCM, contiguous
 * sequence numbers from the first, event time = the start time plus the chunk's offset in the
 * audio. Real-time pacing sends each chunk when its audio would have ended on a live microphone.
 */
public final class AudioIngest {

    /** Where the chunks go and how they are numbered. */
    public record Target(
            KafkaAccess kafka, String topic, String source, long firstSequence, Instant start) {}

    /** Chunks published and the seconds of audio they hold. */
    public record Result(long chunks, double seconds) {}

    private AudioIngest() {}

    /**
     * Reads all of {@code input} and publishes it; returns once every chunk is acknowledged.
     *
     * @param progress where a live progress line goes, or null for none
     * @throws IllegalStateException with the reason when the input cannot be read or Kafka refuses
     *     a chunk
     */
    public static Result run(
            String input, Target target, int chunkMillis, boolean realTime, PrintStream progress)
            throws Exception {
        int samples = AudioSampler.RATE * chunkMillis / 1000;
        RecordCodec<AudioChunk> codec = SingleObjectWireFormat.INSTANCE.codec(AudioChunk.class);
        byte[] key = target.source().getBytes(StandardCharsets.UTF_8);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long sent = 0;
        long offsetSamples = 0;
        long began = System.nanoTime();
        try (AudioSampler sampler = openOrExplain(input, samples);
                KafkaProducer<byte[], byte[]> producer =
                        InputProducers.create(
                                target.kafka(), "fusionline-ingest-" + target.source())) {
            short[] chunk;
            while ((chunk = sampler.next()) != null) {
                long offsetMillis = offsetSamples * 1000 / AudioSampler.RATE;
                AudioChunk record =
                        AudioChunks.of(
                                target.source(),
                                target.firstSequence() + sent,
                                target.start().toEpochMilli() + offsetMillis,
                                AudioSampler.RATE,
                                chunk);
                offsetSamples += chunk.length;
                if (realTime) { // a live microphone delivers a chunk when its audio has ended
                    long due = began + TimeUnit.SECONDS.toNanos(offsetSamples) / AudioSampler.RATE;
                    for (long wait; (wait = due - System.nanoTime()) > 0; ) {
                        LockSupport.parkNanos(wait);
                    }
                }
                producer.send(
                        new ProducerRecord<>(target.topic(), key, codec.encode(record)),
                        (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
                sent++;
                if (failure.get() != null) {
                    break;
                }
                if (progress != null) {
                    progress.printf(
                            "\r%d chunks, %.1f s of audio",
                            sent, offsetSamples / (double) AudioSampler.RATE);
                }
            }
            producer.flush();
        }
        if (progress != null) {
            progress.println();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(
                    "Kafka refused an audio chunk: " + failure.get().getMessage(), failure.get());
        }
        return new Result(sent, offsetSamples / (double) AudioSampler.RATE);
    }

    private static AudioSampler openOrExplain(String input, int samples) {
        try {
            return AudioSampler.open(input, samples);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot read audio from " + input + ": " + e.getMessage(), e);
        }
    }
}
