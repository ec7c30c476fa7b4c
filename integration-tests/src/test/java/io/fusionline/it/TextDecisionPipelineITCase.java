package io.fusionline.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.jobs.FusionlineJob;
import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.jobs.KafkaConnectors;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.ops.DeadLetter;
import io.fusionline.schema.serde.SingleObjectWireFormat;
import io.fusionline.schema.text.TextEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The first end-to-end path on a real KRaft broker and a Flink MiniCluster at parallelism 2: text
 * events in, exactly one decision per valid event out, exactly one dead letter (with a reason) per
 * malformed record, read with {@code read_committed}.
 */
class TextDecisionPipelineITCase {

    @RegisterExtension
    @Order(1)
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension FLINK = TestJobs.miniCluster();

    @Test
    void shouldDecideEveryValidEventOnceAndDeadLetterEveryMalformedOne() throws Exception {
        Configuration conf = TestJobs.jobConf(KAFKA.bootstrapServers(), "pipeline");
        String in = conf.get(FusionlineJobOptions.TEXT_EVENTS_TOPIC);
        KAFKA.createTopics(
                2,
                in,
                conf.get(FusionlineJobOptions.DECISIONS_TOPIC),
                conf.get(FusionlineJobOptions.DEAD_LETTERS_TOPIC));
        KafkaTestClients kafka = new KafkaTestClients(KAFKA.bootstrapServers());

        int n = 60;
        List<String> sources = List.of("line-1", "line-2", "call-1", "call-2", "call-3");
        List<TextEvent> events = TestJobs.events(n, sources, 0);
        kafka.produce(in, null, events.subList(0, n / 2));
        List<byte[]> malformed = malformedRecords();
        List<byte[]> keys = new ArrayList<>();
        malformed.forEach(m -> keys.add(null));
        kafka.produceRaw(in, null, keys, malformed);
        kafka.produce(in, null, events.subList(n / 2, n));

        StreamExecutionEnvironment env = TestJobs.environment(conf);
        FusionlineJob.onKafka(conf)
                .withoutSpeech()
                .textEvents(KafkaConnectors.textEventsSource(conf, OffsetsInitializer.latest()))
                .build()
                .addTo(env);
        env.execute("pipeline-it");

        List<Decision> decisions =
                kafka.readAllCommitted(
                        conf.get(FusionlineJobOptions.DECISIONS_TOPIC), Decision.class);
        assertThat(decisions).hasSize(n);
        assertThat(decisions).extracting(Decision::getDecisionId).doesNotHaveDuplicates();
        Map<String, List<Long>> sequences = TestJobs.sequencesBySource(decisions);
        assertThat(sequences.keySet()).containsExactlyInAnyOrderElementsOf(sources);
        sequences.forEach(
                (source, seq) ->
                        assertThat(seq)
                                .as("sequence of %s", source)
                                .containsExactlyElementsOf(
                                        LongStream.rangeClosed(1, n / sources.size())
                                                .boxed()
                                                .toList()));
        assertThat(decisions.stream().filter(d -> d.getLabel().equals("scratch"))).hasSize(n / 3);

        List<DeadLetter> deadLetters =
                kafka.readAllCommitted(
                        conf.get(FusionlineJobOptions.DEAD_LETTERS_TOPIC), DeadLetter.class);
        assertThat(deadLetters).hasSize(malformed.size());
        assertThat(deadLetters)
                .allSatisfy(
                        d -> {
                            assertThat(d.getOriginalTopic()).isEqualTo(in);
                            assertThat(d.getReason()).isNotBlank();
                        });
        assertThat(deadLetters)
                .extracting(
                        d ->
                                d.getPayload() == null
                                        ? null
                                        : new String(
                                                d.getPayload().array(),
                                                StandardCharsets.ISO_8859_1))
                .containsExactlyInAnyOrderElementsOf(
                        malformed.stream()
                                .map(b -> new String(b, StandardCharsets.ISO_8859_1))
                                .toList());
        assertThat(deadLetters)
                .extracting(DeadLetter::getReason)
                .anySatisfy(r -> assertThat(r).startsWith("not Avro single-object encoding"))
                .anySatisfy(r -> assertThat(r).startsWith("unknown writer schema"))
                .anySatisfy(r -> assertThat(r).isEqualTo("text event without source id"));
    }

    /** Garbage, a fingerprint nobody knows, a truncated record, and a record without a source. */
    private static List<byte[]> malformedRecords() {
        byte[] good =
                SingleObjectWireFormat.INSTANCE
                        .codec(TextEvent.class)
                        .encode(TestJobs.events(1, List.of("x"), 0).get(0));
        byte[] unknownFingerprint = good.clone();
        for (int i = 2; i < 10; i++) {
            unknownFingerprint[i] = (byte) ~unknownFingerprint[i];
        }
        TextEvent noSource = TestJobs.events(1, List.of(""), 0).get(0);
        return List.of(
                "definitely not avro".getBytes(StandardCharsets.UTF_8),
                unknownFingerprint,
                Arrays.copyOf(good, 11),
                SingleObjectWireFormat.INSTANCE.codec(TextEvent.class).encode(noSource));
    }
}
