package io.fusionline.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.operators.kafka.RawRecord;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.ops.DeadLetter;
import io.fusionline.schema.serde.SingleObjectWireFormat;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job graph with swapped-in sources and sinks on a MiniCluster at parallelism 2: what goes in
 * comes out once, as a decision or a dead letter, in any order.
 */
class FusionlineJobTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @Test
    void shouldDecideValidEventsAndDeadLetterTheRestWithSwappedConnectors() throws Exception {
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            values.add(
                    SingleObjectWireFormat.INSTANCE
                            .codec(TextEvent.class)
                            .encode(
                                    TextEvent.newBuilder()
                                            .setSourceId("line-" + (i % 3))
                                            .setEventTime(Instant.ofEpochMilli(1_000L + i))
                                            .setKind(TextKind.OPERATOR_NOTE)
                                            .setText(i == 4 ? "cracked housing" : "fine")
                                            .setAttributes(Map.of())
                                            .setFeatures(Map.of())
                                            .build()));
        }
        values.add("junk".getBytes(StandardCharsets.UTF_8));
        CollectingSink<Decision> decisions = new CollectingSink<>("decisions");
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>("dead-letters");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        FusionlineJob.builder()
                .textEvents(
                        new DataGeneratorSource<>(
                                new RawRecords(values),
                                values.size(),
                                TypeInformation.of(RawRecord.class)))
                .decisions(decisions)
                .deadLetters(deadLetters)
                .build()
                .addTo(env);
        env.execute("job-test");

        // Events of one source arrive over two source readers here, so their order (and the
        // epoch in the ids) varies; in production a source's events share one Kafka partition.
        List<Decision> out = decisions.collected();
        assertThat(out).hasSize(9);
        assertThat(out).extracting(Decision::getDecisionId).doesNotHaveDuplicates();
        for (String source : List.of("line-0", "line-1", "line-2")) {
            List<Decision> ofSource =
                    out.stream().filter(d -> d.getSourceId().equals(source)).toList();
            assertThat(ofSource)
                    .extracting(Decision::getSequence)
                    .containsExactlyInAnyOrder(1L, 2L, 3L);
            assertThat(ofSource.stream().map(d -> d.getDecisionId().split("/")[1]).distinct())
                    .hasSize(1);
        }
        assertThat(out)
                .filteredOn(d -> d.getLabel().equals("crack"))
                .singleElement()
                .satisfies(d -> assertThat(d.getSourceId()).isEqualTo("line-1"));
        assertThat(deadLetters.collected())
                .singleElement()
                .satisfies(d -> assertThat(d.getOffset()).isEqualTo(9));
    }

    /** Record i of a fixed list, as if read from partition 0 at offset i. */
    private static final class RawRecords implements GeneratorFunction<Long, RawRecord> {
        private static final long serialVersionUID = 1L;
        private final ArrayList<byte[]> values;

        RawRecords(List<byte[]> values) {
            this.values = new ArrayList<>(values);
        }

        @Override
        public RawRecord map(Long index) {
            int i = index.intValue();
            return new RawRecord("memory", 0, i, 0L, null, values.get(i));
        }
    }
}
