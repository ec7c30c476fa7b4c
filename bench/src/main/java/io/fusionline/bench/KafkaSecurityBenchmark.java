package io.fusionline.bench;

import io.fusionline.jobs.KafkaAccess;
import io.fusionline.runtime.Stats;
import io.fusionline.runtime.kafka.CommittedConsumers;
import io.fusionline.runtime.kafka.EmbeddedKafkaBroker;
import io.fusionline.runtime.kafka.EmbeddedKafkaBroker.Listener;
import io.fusionline.runtime.kafka.FusionlineTopics;
import io.fusionline.runtime.kafka.InputProducers;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code fusionline bench kafka-security}: what TLS and SCRAM cost fusionline's Kafka traffic. One
 * secured embedded broker; the same records (text-event sized and frame sized) are produced with
 * fusionline's input producer and read back with its committed-read consumer over the PLAINTEXT,
 * SASL_SSL (SCRAM-SHA-512) and mutual-TLS listeners in turn, round after round, on fresh topics.
 * Reports the median MB/s of produce-and-read per listener and its ratio to PLAINTEXT.
 */
public final class KafkaSecurityBenchmark {

    private KafkaSecurityBenchmark() {}

    /** Runs one warm-up and {@code rounds} timed rounds; prints the table to {@code out}. */
    public static void run(int rounds, PrintStream out) throws Exception {
        record Load(String name, byte[] value, int count) {}
        List<Load> loads =
                List.of(
                        new Load("text event (300 B)", bytes(300), 40_000),
                        new Load("frame (60 KB)", bytes(60_000), 1_500));
        out.printf(
                "kafka-security: produce (acks=all, idempotent) then read (read_committed) on one"
                        + " embedded broker; median of %d rounds, MB/s (ratio to PLAINTEXT)%n",
                rounds);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startSecured()) {
            int topic = 0;
            for (Load p : loads) {
                Map<Listener, List<Double>> rates = new EnumMap<>(Listener.class);
                for (int round = 0; round <= rounds; round++) {
                    for (Listener listener : Listener.values()) {
                        KafkaAccess access = broker.access(listener);
                        String name = "bench-security-" + topic++;
                        FusionlineTopics.ensure(
                                broker.access(Listener.PLAINTEXT), List.of(name), 1);
                        double mbps = roundTrip(access, name, p.value(), p.count());
                        if (round > 0) {
                            rates.computeIfAbsent(listener, l -> new ArrayList<>()).add(mbps);
                        }
                    }
                }
                double plain = median(rates.get(Listener.PLAINTEXT));
                out.printf("  %-20s", p.name());
                for (Listener listener : Listener.values()) {
                    double m = median(rates.get(listener));
                    out.printf("  %-9s %7.1f (%.2f)", listener, m, m / plain);
                }
                out.println();
            }
        }
    }

    /** Produces {@code count} records and reads them back; MB/s over both. */
    private static double roundTrip(KafkaAccess access, String topic, byte[] value, int count)
            throws Exception {
        long started = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer =
                InputProducers.create(access, "bench-security")) {
            List<Future<RecordMetadata>> sent = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, null, value)));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        }
        long read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                CommittedConsumers.create(access, "bench-security")) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (read < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("read " + read + " of " + count + " records");
                }
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return 2.0 * count * value.length / seconds / 1e6;
    }

    private static double median(List<Double> values) {
        return Stats.median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }
}
