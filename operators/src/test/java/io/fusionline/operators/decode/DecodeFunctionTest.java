package io.fusionline.operators.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.operators.DeadLetters;
import io.fusionline.operators.kafka.RawRecord;
import io.fusionline.operators.text.TextEventValidator;
import io.fusionline.schema.ops.DeadLetter;
import io.fusionline.schema.ops.KafkaOrigin;
import io.fusionline.schema.serde.RecordCodec;
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

    private static final Instant NOW = Instant.now();

    private final byte[] good =
            SingleObjectWireFormat.INSTANCE
                    .codec(TextEvent.class)
                    .encode(
                            TextEvent.newBuilder()
                                    .setSourceId("line-1")
                                    .setEventTime(NOW)
                                    .setKind(TextKind.MACHINE_LOG)
                                    .setText("ok")
                                    .setAttributes(Map.of())
                                    .setFeatures(Map.of())
                                    .build());

    @Test
    void shouldPassGoodRecordsAndDeadLetterEveryBadOneWithReason() throws Exception {
        OneInputStreamOperatorTestHarness<RawRecord, TextEvent> harness = textEvents();

        harness.processElement(raw(0, good), 1);
        harness.processElement(raw(1, "garbage".getBytes(StandardCharsets.UTF_8)), 1);
        harness.processElement(raw(2, Arrays.copyOf(good, 12)), 1);
        harness.processElement(raw(3, null), 1);
        harness.processElement(raw(4, good), 1);

        assertThat(harness.extractOutputValues())
                .extracting(TextEvent::getSourceId)
                .containsExactly("line-1", "line-1");
        // each leaves with where it was read, for later stages' dead letters
        assertThat(harness.extractOutputValues())
                .extracting(TextEvent::getOrigin)
                .containsExactly(
                        new KafkaOrigin("text-events", 0, 0L),
                        new KafkaOrigin("text-events", 0, 4L));
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
                                        .setEventTime(NOW)
                                        .setKind(TextKind.OTHER)
                                        .setText("x")
                                        .build());
        OneInputStreamOperatorTestHarness<RawRecord, TextEvent> harness = textEvents();

        harness.processElement(raw(9, noSource), 1);

        assertThat(harness.extractOutputValues()).isEmpty();
        DeadLetter dead = harness.getSideOutput(DeadLetters.TAG).peek().getValue();
        assertThat(dead.getStage()).isEqualTo("validate");
        assertThat(dead.getReason()).isEqualTo("text event without source id");
        harness.close();
    }

    @Test
    void shouldDeadLetterEveryFieldOutsideTheInputLimitsWithAOneLineReason() throws Exception {
        OneInputStreamOperatorTestHarness<RawRecord, TextEvent> harness = textEvents();
        Map<String, String> tooMany = new java.util.HashMap<>();
        for (int i = 0; i < 65; i++) {
            tooMany.put("a" + i, "v");
        }
        List<TextEvent> bad =
                List.of(
                        event("line\u001b[2J-1", NOW, Map.of(), Map.of()),
                        event("x".repeat(129), NOW, Map.of(), Map.of()),
                        event(
                                "line-1",
                                NOW.plus(java.time.Duration.ofHours(1)),
                                Map.of(),
                                Map.of()),
                        event(
                                "line-1",
                                NOW.minus(java.time.Duration.ofDays(8)),
                                Map.of(),
                                Map.of()),
                        event("line-1", NOW, tooMany, Map.of()),
                        event("line-1", NOW, Map.of("k", "v".repeat(1025)), Map.of()),
                        event("line-1", NOW, Map.of(), Map.of("amount", Double.NaN)),
                        event("line-1", NOW, Map.of(), Map.of("amount", Double.NEGATIVE_INFINITY)));
        for (int i = 0; i < bad.size(); i++) {
            harness.processElement(raw(i, CODEC.encode(bad.get(i))), 1);
        }
        harness.processElement(raw(99, CODEC.encode(event("line-1", NOW, Map.of(), Map.of()))), 1);

        assertThat(harness.extractOutputValues()).hasSize(1);
        List<String> reasons =
                harness.getSideOutput(DeadLetters.TAG).stream()
                        .map(r -> r.getValue().getReason())
                        .toList();
        assertThat(reasons)
                .hasSize(bad.size())
                .allSatisfy(r -> assertThat(r).doesNotContain("\u001b").doesNotContain("\n"));
        assertThat(reasons.get(0))
                .isEqualTo("source id has a control character: U+001B at 4 in 'line\\u001B[2J-1'");
        assertThat(reasons.get(1)).startsWith("source id too long: 129 characters (limit 128)");
        assertThat(reasons.get(2)).startsWith("event time ahead of the clock: ");
        assertThat(reasons.get(3)).startsWith("event time too old: ");
        assertThat(reasons.get(4)).isEqualTo("too many attributes: 65 (limit 64)");
        assertThat(reasons.get(5))
                .isEqualTo("attribute value too long: 'k' has 1025 characters (limit 1024)");
        assertThat(reasons.get(6)).isEqualTo("feature not finite: 'amount' = NaN");
        assertThat(reasons.get(7)).isEqualTo("feature not finite: 'amount' = -Infinity");
        harness.close();
    }

    private static final RecordCodec<TextEvent> CODEC =
            SingleObjectWireFormat.INSTANCE.codec(TextEvent.class);

    private static TextEvent event(
            String source, Instant time, Map<String, String> attributes, Map<String, Double> f) {
        return TextEvent.newBuilder()
                .setSourceId(source)
                .setEventTime(time)
                .setKind(TextKind.TRANSACTION)
                .setText("payment")
                .setAttributes(attributes)
                .setFeatures(f)
                .build();
    }

    /** A harness around the text events' decode stage with the default limits. */
    private static OneInputStreamOperatorTestHarness<RawRecord, TextEvent> textEvents()
            throws Exception {
        return ProcessFunctionTestHarnesses.forProcessFunction(
                new DecodeFunction<>(
                        TextEvent.class,
                        SingleObjectWireFormat.INSTANCE,
                        new TextEventValidator(),
                        InputLimits.DEFAULT));
    }

    private static RawRecord raw(long offset, byte[] value) {
        return new RawRecord("text-events", 0, offset, 1L, null, value);
    }
}
