package io.fusionline.cli.ingest;

import io.fusionline.jobs.KafkaAccess;
import io.fusionline.runtime.kafka.InputProducers;
import io.fusionline.schema.serde.RecordCodec;
import io.fusionline.schema.serde.SingleObjectWireFormat;
import io.fusionline.schema.text.TextEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Publishes JSON lines ({@link TextLines}) as text events, keyed by source id, in line order. */
public final class TextIngest {

    private TextIngest() {}

    /**
     * Reads {@code in} to its end (it is closed) and publishes each non-blank line; returns how
     * many were published, once all are acknowledged.
     *
     * @param name the input's name in messages
     * @param progress where a live count goes (about once a second), or null for none
     * @throws IllegalArgumentException naming the line and why when a line does not parse; the
     *     lines before it are published
     * @throws IllegalStateException when Kafka refuses a record
     */
    public static long run(
            BufferedReader in,
            String name,
            TextLines lines,
            KafkaAccess kafka,
            String topic,
            java.io.PrintStream progress)
            throws IOException {
        long shown = System.nanoTime();
        RecordCodec<TextEvent> codec = SingleObjectWireFormat.INSTANCE.codec(TextEvent.class);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long published = 0;
        RuntimeException bad = null;
        try (in;
                KafkaProducer<byte[], byte[]> producer =
                        InputProducers.create(kafka, "fusionline-ingest-text")) {
            String line;
            for (long number = 1;
                    (line = in.readLine()) != null && failure.get() == null;
                    number++) {
                if (line.isBlank()) {
                    continue;
                }
                TextEvent event;
                try {
                    event = lines.parse(line, Instant.now());
                } catch (IllegalArgumentException e) {
                    bad =
                            new IllegalArgumentException(
                                    name
                                            + " line "
                                            + number
                                            + ": "
                                            + e.getMessage()
                                            + " ("
                                            + published
                                            + " events before it published)");
                    break;
                }
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                event.getSourceId().getBytes(StandardCharsets.UTF_8),
                                codec.encode(event)),
                        (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
                published++;
                if (progress != null && System.nanoTime() - shown > 1_000_000_000L) {
                    progress.printf("\r%d text events", published);
                    shown = System.nanoTime();
                }
            }
            producer.flush();
        }
        if (progress != null) {
            progress.printf("\r%d text events%n", published);
        }
        if (failure.get() != null) {
            throw new IllegalStateException(
                    "Kafka refused a text event: " + failure.get().getMessage(), failure.get());
        }
        if (bad != null) {
            throw bad;
        }
        return published;
    }
}
