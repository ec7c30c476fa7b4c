package io.fusionline.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.jobs.FusionlineJob;
import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.jobs.KafkaConnectors;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.text.TextEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A test-only operator throws once mid-stream, after a checkpoint has committed the first half of
 * the decisions. The job restarts from that checkpoint: still exactly N decisions, no duplicate
 * ids, and every source's decision sequence is 1..k without gaps, which only holds if the keyed
 * state (sequence numbers) was restored rather than rebuilt.
 */
class FailoverITCase {

    @RegisterExtension
    @Order(1)
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension FLINK = TestJobs.miniCluster();

    private static final String FAIL_MARKER = "part 31 fine";

    /** Times the failing operator threw; static because Flink instantiates it per attempt. */
    static final AtomicInteger FAILURES = new AtomicInteger();

    @Test
    void shouldRestoreStateAndWriteEachDecisionExactlyOnceAfterFailure() throws Exception {
        Configuration conf = TestJobs.jobConf(KAFKA.bootstrapServers(), "failover");
        String in = conf.get(FusionlineJobOptions.TEXT_EVENTS_TOPIC);
        String out = conf.get(FusionlineJobOptions.DECISIONS_TOPIC);
        KAFKA.createTopics(2, in, out, conf.get(FusionlineJobOptions.DEAD_LETTERS_TOPIC));
        KafkaTestClients kafka = new KafkaTestClients(KAFKA.bootstrapServers());

        int n = 40;
        List<String> sources = List.of("line-1", "line-2", "call-1", "call-2");
        List<TextEvent> events = TestJobs.events(n, sources, 0);
        assertThat(events.get(31).getText()).isEqualTo(FAIL_MARKER);
        // Every event goes to partition 0 (first half) or 1 (second half), so the bounded
        // source's stopping offsets are known before the second half is written.
        Map<TopicPartition, Long> stop = new HashMap<>();
        stop.put(new TopicPartition(in, 0), (long) n / 2);
        stop.put(new TopicPartition(in, 1), (long) n / 2);
        kafka.produce(in, 0, events.subList(0, n / 2));

        StreamExecutionEnvironment env = TestJobs.environment(conf);
        FusionlineJob.onKafka(conf)
                .withoutSpeech()
                .textEvents(
                        KafkaConnectors.textEventsSource(conf, OffsetsInitializer.offsets(stop)))
                .interceptTextEvents(
                        s ->
                                s.map(new FailOnceOn(FAIL_MARKER))
                                        .returns(new AvroTypeInfo<>(TextEvent.class))
                                        .uid("test-fail-once")
                                        .name("fail once (test)"))
                .build()
                .addTo(env);
        JobClient job = env.executeAsync("failover-it");

        // The first half is committed only when a checkpoint completes.
        kafka.awaitCommitted(out, Decision.class, n / 2, Duration.ofSeconds(90));
        kafka.produce(in, 1, events.subList(n / 2, n));
        job.getJobExecutionResult().get(3, TimeUnit.MINUTES);

        assertThat(FAILURES).hasValue(1);
        List<Decision> decisions = kafka.readAllCommitted(out, Decision.class);
        assertThat(decisions).hasSize(n);
        assertThat(decisions).extracting(Decision::getDecisionId).doesNotHaveDuplicates();
        TestJobs.sequencesBySource(decisions)
                .forEach(
                        (source, seq) ->
                                assertThat(seq)
                                        .as("sequence of %s", source)
                                        .containsExactlyElementsOf(
                                                LongStream.rangeClosed(1, n / sources.size())
                                                        .boxed()
                                                        .toList()));
        assertThat(
                        decisions.stream()
                                .map(Decision::getDecisionId)
                                .map(id -> id.split("/")[1])
                                .distinct())
                .as("one state epoch per source: state was restored, not rebuilt")
                .hasSize(sources.size());
    }

    /** Throws on the first event whose text is {@code marker}; passes everything else. */
    static final class FailOnceOn implements MapFunction<TextEvent, TextEvent> {
        private final String marker;

        FailOnceOn(String marker) {
            this.marker = marker;
        }

        @Override
        public TextEvent map(TextEvent event) {
            if (marker.equals(event.getText()) && FAILURES.compareAndSet(0, 1)) {
                throw new IllegalStateException("injected failure (test)");
            }
            return event;
        }
    }
}
