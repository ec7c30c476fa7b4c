package io.fusionline.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.jobs.FusionlineJob;
import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.jobs.KafkaAccess;
import io.fusionline.jobs.KafkaConnectors;
import io.fusionline.operators.Profile;
import io.fusionline.runtime.kafka.EmbeddedKafkaBroker;
import io.fusionline.runtime.kafka.FusionlineTopics;
import io.fusionline.runtime.simulate.WorldSimulator;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import io.fusionline.schema.world.GroundTruth;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** Shared set-up of the job integration tests. */
final class TestJobs {

    static final int PARALLELISM = 2;

    private TestJobs() {}

    static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(PARALLELISM)
                        .build());
    }

    /** Job options on fresh topics named after {@code test}. */
    static Configuration jobConf(String bootstrap, String test) {
        Configuration conf = new Configuration();
        conf.set(FusionlineJobOptions.BOOTSTRAP_SERVERS, bootstrap);
        conf.set(FusionlineJobOptions.TEXT_EVENTS_TOPIC, test + "-text-events");
        conf.set(FusionlineJobOptions.DECISIONS_TOPIC, test + "-decisions");
        conf.set(FusionlineJobOptions.DEAD_LETTERS_TOPIC, test + "-dead-letters");
        conf.set(FusionlineJobOptions.CONSUMER_GROUP, test);
        conf.set(FusionlineJobOptions.TRANSACTIONAL_ID_PREFIX, test);
        conf.set(FusionlineJobOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        // The tests replay worlds at fixed past times, so that their records are the same each run.
        conf.set(FusionlineJobOptions.INPUT_MAX_EVENT_LAG, Duration.ofDays(3650));
        WorldSimulator.acceptWorldClock(conf);
        // The built-in encoder and fusion profile are the job's default; tests about vision and
        // fusion name theirs.
        conf.set(FusionlineJobOptions.VISION_MODEL, FusionlineJobOptions.NO_VISION);
        conf.set(FusionlineJobOptions.PROFILE, Profile.TEXT);
        return conf;
    }

    /**
     * Options of a world profile's job (the profile's built-in models) on fresh topics named after
     * {@code test}, all of them created.
     */
    static Configuration worldConf(KafkaBrokerExtension kafka, String test, String profile) {
        return worldConf(
                kafka, kafka.access(EmbeddedKafkaBroker.Listener.PLAINTEXT), test, profile);
    }

    /** As above, with every client of the job reaching Kafka through {@code access}. */
    static Configuration worldConf(
            KafkaBrokerExtension kafka, KafkaAccess access, String test, String profile) {
        Configuration conf = jobConf(access.bootstrapServers(), test);
        if (access.file() != null) {
            conf.set(FusionlineJobOptions.KAFKA_CLIENT_CONFIG, access.file().toString());
        }
        conf.set(FusionlineJobOptions.PROFILE, Profile.named(profile));
        conf.removeConfig(FusionlineJobOptions.VISION_MODEL);
        FusionlineTopics.namedAfter(conf, test);
        FusionlineJobOptions.validate(conf);
        kafka.createTopics(2, FusionlineTopics.names(conf).toArray(String[]::new));
        return conf;
    }

    /**
     * Runs the job of {@code conf} in {@code env} over what its input topics hold now, until it has
     * read all of it (bounded sources), at most 5 minutes.
     */
    static void runOverWhatIsThere(StreamExecutionEnvironment env, Configuration conf, String name)
            throws Exception {
        FusionlineJob.onKafka(conf)
                .textEvents(KafkaConnectors.textEventsSource(conf, OffsetsInitializer.latest()))
                .audio(KafkaConnectors.audioSource(conf, OffsetsInitializer.latest()))
                .frames(KafkaConnectors.framesSource(conf, OffsetsInitializer.latest()))
                .build()
                .addTo(env);
        env.executeAsync(name).getJobExecutionResult().get(5, TimeUnit.MINUTES);
    }

    /** Flink settings: a bounded restart strategy, so a broken job fails the test. */
    static Configuration flinkConf() {
        Configuration flink = new Configuration();
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        flink.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        return flink;
    }

    /** A MiniCluster environment at {@link #PARALLELISM} with the job's checkpointing. */
    static StreamExecutionEnvironment environment(Configuration jobConf) {
        return environment(jobConf, flinkConf());
    }

    /**
     * As {@link #environment(Configuration)}, but with no restart strategy: a job that would
     * restart fails, so a finished job had 0 restarts.
     */
    static StreamExecutionEnvironment environmentWithoutRestarts(Configuration jobConf) {
        Configuration flink = flinkConf();
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return environment(jobConf, flink);
    }

    private static StreamExecutionEnvironment environment(
            Configuration jobConf, Configuration flinkConf) {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(flinkConf);
        env.setParallelism(PARALLELISM);
        FusionlineJob.enableCheckpointing(env, jobConf);
        return env;
    }

    /** {@code count} events spread round-robin over {@code sources}, one second apart. */
    static List<TextEvent> events(int count, List<String> sources, int firstIndex) {
        List<TextEvent> events = new ArrayList<>();
        for (int i = firstIndex; i < firstIndex + count; i++) {
            events.add(
                    TextEvent.newBuilder()
                            .setSourceId(sources.get(i % sources.size()))
                            .setEventTime(Instant.ofEpochMilli(1_764_000_000_000L + i * 1_000L))
                            .setKind(TextKind.OPERATOR_NOTE)
                            .setText(i % 3 == 0 ? "scratch on part " + i : "part " + i + " fine")
                            .setAttributes(Map.of())
                            .setFeatures(Map.of())
                            .build());
        }
        return events;
    }

    /** Sequence numbers of the decisions, per source, sorted. */
    static Map<String, List<Long>> sequencesBySource(List<Decision> decisions) {
        return decisions.stream()
                .collect(
                        Collectors.groupingBy(
                                Decision::getSourceId,
                                TreeMap::new,
                                Collectors.mapping(
                                        Decision::getSequence,
                                        Collectors.collectingAndThen(
                                                Collectors.toList(),
                                                l -> l.stream().sorted().toList()))));
    }

    /**
     * Checks that each of the {@code items} world items has exactly one decision, and nothing else
     * was decided; returns the decisions by item key.
     */
    static Map<String, Decision> decidedOncePerItem(
            List<Decision> decisions, List<GroundTruth> truth, int items) {
        assertThat(truth).hasSize(items);
        assertThat(decisions).hasSize(items);
        assertThat(decisions).extracting(Decision::getDecisionId).doesNotHaveDuplicates();
        Map<String, Decision> byItem =
                decisions.stream()
                        .collect(Collectors.toMap(TestJobs::itemKey, Function.identity()));
        assertThat(byItem.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        truth.stream().map(TestJobs::itemKey).toList());
        return byItem;
    }

    /** A world item's key: its source and event time, shared by its ground truth and decision. */
    static String itemKey(GroundTruth truth) {
        return truth.getSourceId() + "@" + truth.getEventTime();
    }

    /** The key of the world item a fusion decision is about (see {@link #itemKey(GroundTruth)}). */
    static String itemKey(Decision decision) {
        return decision.getSourceId() + "@" + decision.getEventTime();
    }

    /**
     * At least 80 % of the items with a spoken note have "speech" among their decision's
     * modalities: the note was recognized and aligned with its item (Vosk itself misses a few).
     */
    static void assertMostSpokenNotesHeard(
            List<GroundTruth> truth, Map<String, Decision> decisionsByItem) {
        List<GroundTruth> noted =
                truth.stream().filter(t -> t.getAttributes().containsKey("note")).toList();
        assertThat(noted).isNotEmpty();
        long heard =
                noted.stream()
                        .filter(
                                t ->
                                        decisionsByItem
                                                .get(itemKey(t))
                                                .getModalities()
                                                .contains("speech"))
                        .count();
        assertThat(heard).isGreaterThanOrEqualTo(Math.round(noted.size() * 0.8));
    }
}
