package io.fusionline.jobs;

import io.fusionline.operators.DeadLetters;
import io.fusionline.operators.decode.DecodeFunction;
import io.fusionline.operators.kafka.RawRecord;
import io.fusionline.operators.text.TextDecisionFunction;
import io.fusionline.operators.text.TextEventValidator;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.ops.DeadLetter;
import io.fusionline.schema.serde.WireFormat;
import io.fusionline.schema.text.TextEvent;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The fusionline job graph. It takes its sources and sinks, so tests and the local runtime can swap
 * them; {@link KafkaConnectors} makes the production ones.
 *
 * <pre>
 * text-events ─▶ decode+validate ─▶ event time ─▶ keyBy(sourceId) ─▶ decide ─▶ decisions
 *                       └──────────────── dead letters (every stage) ──────────▶ dead-letters
 * </pre>
 *
 * <p>Guarantees: with checkpointing on and exactly-once sinks, each input produces exactly one
 * decision or exactly one dead letter, also across failures. Every operator has a stable {@code
 * uid} so savepoints survive graph changes; new stages (speech, vision, fusion) join between
 * decoding and deciding, and add their rejects to the same dead-letter union.
 */
public final class FusionlineJob {

    private final Source<RawRecord, ?, ?> textEvents;
    private final Sink<Decision> decisions;
    private final Sink<DeadLetter> deadLetters;
    private final WireFormat wireFormat;
    private final Duration maxOutOfOrderness;
    private final Duration sourceIdleTimeout;
    private final Duration stateIdleTimeout;
    private final UnaryOperator<DataStream<TextEvent>> textInterceptor;

    private FusionlineJob(Builder b) {
        this.textEvents = b.textEvents;
        this.decisions = b.decisions;
        this.deadLetters = b.deadLetters;
        this.wireFormat = b.wireFormat;
        this.maxOutOfOrderness = b.maxOutOfOrderness;
        this.sourceIdleTimeout = b.sourceIdleTimeout;
        this.stateIdleTimeout = b.stateIdleTimeout;
        this.textInterceptor = b.textInterceptor;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder with the production Kafka source and exactly-once sinks of {@code conf} and its
     * options already set; callers may still replace any of them (a bounded source in tests).
     */
    public static Builder onKafka(Configuration conf) {
        return builder()
                .options(conf)
                .textEvents(KafkaConnectors.textEventsSource(conf))
                .decisions(KafkaConnectors.decisionsSink(conf))
                .deadLetters(KafkaConnectors.deadLettersSink(conf));
    }

    /**
     * Turns on exactly-once checkpointing at {@code interval}; sinks commit their Kafka
     * transactions when a checkpoint completes.
     */
    public static void enableCheckpointing(StreamExecutionEnvironment env, Duration interval) {
        env.enableCheckpointing(interval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
    }

    /** Adds the job's operators to {@code env}; run it with {@code env.execute(...)}. */
    public void addTo(StreamExecutionEnvironment env) {
        DataStream<RawRecord> raw =
                env.fromSource(textEvents, WatermarkStrategy.noWatermarks(), "text-events")
                        .uid("source-text-events")
                        .name("text-events source");

        SingleOutputStreamOperator<TextEvent> decoded =
                raw.process(
                                new DecodeFunction<>(
                                        TextEvent.class, wireFormat, new TextEventValidator()),
                                new AvroTypeInfo<>(TextEvent.class))
                        .uid("decode-text-events")
                        .name("decode text events");

        DataStream<TextEvent> timed =
                decoded.assignTimestampsAndWatermarks(
                                WatermarkStrategy.<TextEvent>forBoundedOutOfOrderness(
                                                maxOutOfOrderness)
                                        .withTimestampAssigner(
                                                (event, ts) -> event.getEventTime().toEpochMilli())
                                        .withIdleness(sourceIdleTimeout))
                        .uid("event-time-text-events")
                        .name("event time (text)");

        DataStream<Decision> decided =
                textInterceptor
                        .apply(timed)
                        .keyBy(TextEvent::getSourceId)
                        .process(
                                new TextDecisionFunction(stateIdleTimeout),
                                new AvroTypeInfo<>(Decision.class))
                        .uid("decide-text")
                        .name("decide (text)");

        decided.sinkTo(decisions).uid("sink-decisions").name("decisions sink");

        decoded.getSideOutput(DeadLetters.TAG)
                .sinkTo(deadLetters)
                .uid("sink-dead-letters")
                .name("dead-letters sink");
    }

    /** Builder of {@link FusionlineJob}; {@link #build()} checks that every part is set. */
    public static final class Builder {
        private Source<RawRecord, ?, ?> textEvents;
        private Sink<Decision> decisions;
        private Sink<DeadLetter> deadLetters;
        private WireFormat wireFormat;
        private Duration maxOutOfOrderness;
        private Duration sourceIdleTimeout;
        private Duration stateIdleTimeout;
        private UnaryOperator<DataStream<TextEvent>> textInterceptor = UnaryOperator.identity();

        private Builder() {
            Configuration defaults = new Configuration();
            wireFormat = WireFormat.named(defaults.get(FusionlineJobOptions.WIRE_FORMAT));
            maxOutOfOrderness = defaults.get(FusionlineJobOptions.MAX_OUT_OF_ORDERNESS);
            sourceIdleTimeout = defaults.get(FusionlineJobOptions.SOURCE_IDLE_TIMEOUT);
            stateIdleTimeout = defaults.get(FusionlineJobOptions.STATE_IDLE_TIMEOUT);
        }

        /** Takes wire format, watermark and state settings from a job configuration. */
        public Builder options(Configuration conf) {
            wireFormat = WireFormat.named(conf.get(FusionlineJobOptions.WIRE_FORMAT));
            maxOutOfOrderness = conf.get(FusionlineJobOptions.MAX_OUT_OF_ORDERNESS);
            sourceIdleTimeout = conf.get(FusionlineJobOptions.SOURCE_IDLE_TIMEOUT);
            stateIdleTimeout = conf.get(FusionlineJobOptions.STATE_IDLE_TIMEOUT);
            return this;
        }

        /** Source of raw text-event records (Kafka in production). */
        public Builder textEvents(Source<RawRecord, ?, ?> source) {
            this.textEvents = Objects.requireNonNull(source, "text-events source");
            return this;
        }

        /** Sink of decisions; exactly-once Kafka in production. */
        public Builder decisions(Sink<Decision> sink) {
            this.decisions = Objects.requireNonNull(sink, "decisions sink");
            return this;
        }

        /** Sink of every stage's dead letters; exactly-once Kafka in production. */
        public Builder deadLetters(Sink<DeadLetter> sink) {
            this.deadLetters = Objects.requireNonNull(sink, "dead-letters sink");
            return this;
        }

        /**
         * Inserts a transformation between decoded text events and the decision stage. For tests
         * that inject failures or observe the stream; production jobs leave it unset.
         */
        public Builder interceptTextEvents(UnaryOperator<DataStream<TextEvent>> interceptor) {
            this.textInterceptor = Objects.requireNonNull(interceptor, "interceptor");
            return this;
        }

        public FusionlineJob build() {
            if (textEvents == null) {
                throw new IllegalStateException("no text-events source set");
            }
            if (decisions == null) {
                throw new IllegalStateException("no decisions sink set");
            }
            if (deadLetters == null) {
                throw new IllegalStateException("no dead-letters sink set");
            }
            return new FusionlineJob(this);
        }
    }
}
