package io.fusionline.deploy.kafka;

import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.jobs.KafkaConnectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

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
                    FusionlineJobOptions.ALERTS_TOPIC);

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
     * Waits (at most 30 s) until every partition of {@code topics} has a leader, so that a producer
     * that starts right after creating them does not wait on a partition the broker has not taken
     * up yet.
     */
    private static void awaitLeaders(Admin admin, List<String> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            boolean ready = true;
            try {
                for (var description :
                        admin.describeTopics(topics)
                                .allTopicNames()
                                .get(30, TimeUnit.SECONDS)
                                .values()) {
                    for (var partition : description.partitions()) {
                        ready &= partition.leader() != null && !partition.leader().isEmpty();
                    }
                }
            } catch (ExecutionException e) {
                if (!(e.getCause()
                        instanceof
                        org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                    throw e;
                }
                ready = false; // created, not yet in the broker's metadata
            }
            if (ready) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(
                        "partitions of " + topics + " have no leader after 30 s");
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling the broker's metadata, bounded above
        }
    }

    /**
     * Creates each missing topic with {@code partitions} partitions, replication factor 1, and
     * {@code max.message.bytes} raised to {@link KafkaConnectors#MAX_RECORD_BYTES} (frames, and
     * dead letters that carry them, are larger than Kafka's 1 MB default).
     */
    public static void ensure(String bootstrapServers, List<String> topics, int partitions) {
        try (Admin admin =
                Admin.create(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
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
                awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot create topics " + topics + " at " + bootstrapServers + ": " + e, e);
        }
    }
}
