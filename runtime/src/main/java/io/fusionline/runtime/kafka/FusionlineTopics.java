package io.fusionline.runtime.kafka;

import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.jobs.KafkaAccess;
import io.fusionline.jobs.KafkaConnectors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;

/** Creates the topics a fusionline job reads and writes, when they do not exist yet. */
public final class FusionlineTopics {

    /** Default partition count of topics created by the local runtime. */
    public static final int DEFAULT_PARTITIONS = 2;

    private FusionlineTopics() {}

    /** Every topic option of the job. */
    public static final List<ConfigOption<String>> OPTIONS =
            List.of(
                    FusionlineJobOptions.TEXT_EVENTS_TOPIC,
                    FusionlineJobOptions.AUDIO_TOPIC,
                    FusionlineJobOptions.TRANSCRIPTS_TOPIC,
                    FusionlineJobOptions.DECISIONS_TOPIC,
                    FusionlineJobOptions.DEAD_LETTERS_TOPIC,
                    FusionlineJobOptions.FRAMES_TOPIC,
                    FusionlineJobOptions.VISION_FEATURES_TOPIC,
                    FusionlineJobOptions.GROUND_TRUTH_TOPIC,
                    FusionlineJobOptions.ALERTS_TOPIC,
                    FusionlineJobOptions.SCORES_TOPIC);

    /** The topic names configured in {@code conf}. */
    public static List<String> names(Configuration conf) {
        return OPTIONS.stream().map(conf::get).toList();
    }

    /**
     * Names every topic of {@code conf} after {@code prefix}: {@code <prefix>-<the option's last
     * key part>}, e.g. {@code run-7-decisions}, so runs that share a broker do not share topics.
     */
    public static Configuration namedAfter(Configuration conf, String prefix) {
        for (ConfigOption<String> option : OPTIONS) {
            String key = option.key();
            conf.set(option, prefix + "-" + key.substring(key.lastIndexOf('.') + 1));
        }
        return conf;
    }

    /**
     * Waits (at most 30 s) until the broker serves every partition of {@code topics} as leader:
     * until a {@code ListOffsets} for each is answered, which only the partition's leader replica
     * does. A leader in the metadata is not enough: a KRaft broker publishes a new topic to its
     * metadata cache before its replica manager takes the partition up. A producer that starts in
     * between has its first request refused ({@code NOT_LEADER_OR_FOLLOWER}) while a later one in
     * flight is appended; the idempotent producer's retry of the first is then refused as out of
     * order until {@code delivery.timeout.ms} expires it (KAFKA-15591; the 4.2.0 broker this
     * project runs has it). The admin client retries the lookup until the partition is served.
     */
    private static void awaitServed(Admin admin, List<NewTopic> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        for (NewTopic topic : topics) {
            for (int p = 0; p < topic.numPartitions(); p++) {
                partitions.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                admin.listOffsets(partitions).all().get(30, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                // created, not yet in the broker's metadata cache: the lookup is not retried
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling the broker, bounded by the deadline
        }
    }

    /**
     * Whether {@code topic} exists at {@code kafka}.
     *
     * @throws IllegalStateException when the topics cannot be listed
     */
    public static boolean exists(KafkaAccess kafka, String topic) {
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list the topics at " + kafka + ": " + e, e);
        }
    }

    /**
     * Creates each missing topic with {@code partitions} partitions, replication factor 1, and
     * {@code max.message.bytes} raised to {@link KafkaConnectors#MAX_RECORD_BYTES} (frames, and
     * dead letters that carry them, are larger than Kafka's 1 MB default).
     */
    public static void ensure(KafkaAccess kafka, List<String> topics, int partitions) {
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : topics) {
                if (!existing.contains(topic)) {
                    missing.add(
                            new NewTopic(topic, partitions, (short) 1)
                                    .configs(
                                            Map.of(
                                                    "max.message.bytes",
                                                    String.valueOf(
                                                            KafkaConnectors.MAX_RECORD_BYTES))));
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                awaitServed(admin, missing);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot create topics " + topics + " at " + kafka + ": " + e, e);
        }
    }
}
