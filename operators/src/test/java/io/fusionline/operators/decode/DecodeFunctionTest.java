package io.fusionline.operators.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.operators.DeadLetters;
import io.fusionline.operators.kafka.RawRecord;
import io.fusionline.operators.text.TextEventValidator;
import io.fusionline.schema.ops.DeadLetter;
import io.fusionline.schema.serde.SingleObjectWireFormat;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class DecodeFunctionTest {

    private final byte[] good =
            SingleObjectWireFormat.INSTANCE
                    .codec(TextEvent.class)
                    .encode(
                            TextEvent.newBuilder()
                                    .setSourceId("line-1")
                                    .setEventTime(Instant.ofEpochMilli(1_000))
                                    .setKind(TextKind.MACHINE_LOG)
                                    .setText("ok")
                                    .setAttributes(Map.of())
                                    .setFeatures(Map.of())
                                    .build());

    @Test
    void shouldPassGoodRecordsAndDeadLetterEveryBadOneWithReason() throws Exception {
        OneInputStreamOperatorTestHarness<RawRecord, TextEvent> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new DecodeFunction<>(
                                TextEvent.class,
                                SingleObjectWireFormat.INSTANCE,
                                new TextEventValidator()));

        harness.processElement(raw(0, good), 1);
        harness.processElement(raw(1, "garbage".getBytes(StandardCharsets.UTF_8)), 1);
        harness.processElement(raw(2, Arrays.copyOf(good, 12)), 1);
        harness.processElement(raw(3, null), 1);
        harness.processElement(raw(4, good), 1);

        assertThat(harness.extractOutputValues())
                .extracting(TextEvent::getSourceId)
                .containsExactly("line-1", "line-1");
        ConcurrentLinkedQueue<StreamRecord<DeadLetter>> side =
                harness.getSideOutput(DeadLetters.TAG);
        List<DeadLetter> dead = side.stream().map(StreamRecord::getValue).toList();
        assertThat(dead).extracting(DeadLetter::getOffset).containsExactly(1L, 2L, 3L);
        assertThat(dead).extracting(DeadLetter::getStage).containsOnly("decode");
        assertThat(dead.get(0).getReason()).contains("not Avro single-object encoding");
        assertThat(dead.get(1).getReason()).contains("TextEvent");
        assertThat(dead.get(2).getReason()).isEqualTo("tombstone (null value)");
        assertThat(dead.get(0).getOriginalTopic()).isEqualTo("text-events");
        assertThat(dead.get(0).getPayload().array()).isEqualTo("garbage".getBytes());
        harness.close();
    }

    @Test
    void shouldDeadLetterInvalidContentAtValidateStage() throws Exception {
        byte[] noSource =
                SingleObjectWireFormat.INSTANCE
                        .codec(TextEvent.class)
                        .encode(
                                TextEvent.newBuilder()
                                        .setSourceId(" ")
                                        .setEventTime(Instant.ofEpochMilli(1_000))
                                        .setKind(TextKind.OTHER)
                                        .setText("x")
                                        .build());
        OneInputStreamOperatorTestHarness<RawRecord, TextEvent> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new DecodeFunction<>(
                                TextEvent.class,
                                SingleObjectWireFormat.INSTANCE,
                                new TextEventValidator()));

        harness.processElement(raw(9, noSource), 1);

        assertThat(harness.extractOutputValues()).isEmpty();
        DeadLetter dead = harness.getSideOutput(DeadLetters.TAG).peek().getValue();
        assertThat(dead.getStage()).isEqualTo("validate");
        assertThat(dead.getReason()).isEqualTo("text event without source id");
        harness.close();
    }

    private static RawRecord raw(long offset, byte[] value) {
        return new RawRecord("text-events", 0, offset, 1L, null, value);
    }
}
