package io.fusionline.jobs;

import io.fusionline.operators.kafka.AvroRecordSerializationSchema;
import io.fusionline.operators.kafka.RawRecord;
import io.fusionline.operators.kafka.RawRecordDeserializationSchema;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.ops.DeadLetter;
import io.fusionline.schema.serde.WireFormat;
import io.fusionline.schema.text.Transcript;
import io.fusionline.schema.vision.VisionFeatures;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The production Kafka sources and sinks of {@link FusionlineJob}, made from {@link
 * FusionlineJobOptions}.
 *
 * <p>Sources read {@code read_committed} and start from the group's committed offsets (earliest
 * when none); after a restore they continue from the checkpoint. Sinks are {@link
 * DeliveryGuarantee#EXACTLY_ONCE}: records are written in Kafka transactions committed when the
 * covering checkpoint completes, so {@code read_committed} consumers see each decision once.
 */
public final class KafkaConnectors {

    /**
     * Largest record the sinks write (frames and dead letters that carry them can be megabytes);
     * topics are created with a matching {@code max.message.bytes}.
     */
    public static final int MAX_RECORD_BYTES = 20 << 20;

    private KafkaConnectors() {}

    /** Source of the frames topic; bounded at {@code stoppingOffsets} when not null. */
    public static KafkaSource<RawRecord> framesSource(
            Configuration conf, OffsetsInitializer stoppingOffsets) {
        return rawSource(conf, conf.get(FusionlineJobOptions.FRAMES_TOPIC), stoppingOffsets);
    }

    /** Exactly-once sink of the vision-features topic, keyed by source id. */
    public static KafkaSink<VisionFeatures> visionFeaturesSink(Configuration conf) {
        return exactlyOnceSink(
                conf,
                "vision-features",
                new AvroRecordSerializationSchema<>(
                        conf.get(FusionlineJobOptions.VISION_FEATURES_TOPIC),
                        VisionFeatures.class,
                        WireFormat.named(conf.get(FusionlineJobOptions.WIRE_FORMAT)),
                        VisionFeatures::getSourceId));
    }

    /** Unbounded source of the text-events topic. */
    public static KafkaSource<RawRecord> textEventsSource(Configuration conf) {
        return textEventsSource(conf, null);
    }

    /**
     * Source of the text-events topic; bounded at {@code stoppingOffsets} when not null (tests and
     * batch replays).
     */
    public static KafkaSource<RawRecord> textEventsSource(
            Configuration conf, OffsetsInitializer stoppingOffsets) {
        return rawSource(conf, conf.get(FusionlineJobOptions.TEXT_EVENTS_TOPIC), stoppingOffsets);
    }

    /** Source of the audio topic; bounded at {@code stoppingOffsets} when not null. */
    public static KafkaSource<RawRecord> audioSource(
            Configuration conf, OffsetsInitializer stoppingOffsets) {
        return rawSource(conf, conf.get(FusionlineJobOptions.AUDIO_TOPIC), stoppingOffsets);
    }

    /** Exactly-once sink of the transcripts topic, keyed by source id. */
    public static KafkaSink<Transcript> transcriptsSink(Configuration conf) {
        return exactlyOnceSink(
                conf,
                "transcripts",
                new AvroRecordSerializationSchema<>(
                        conf.get(FusionlineJobOptions.TRANSCRIPTS_TOPIC),
                        Transcript.class,
                        WireFormat.named(conf.get(FusionlineJobOptions.WIRE_FORMAT)),
                        Transcript::getSourceId));
    }

    private static KafkaSource<RawRecord> rawSource(
            Configuration conf, String topic, OffsetsInitializer stoppingOffsets) {
        var builder =
                KafkaSource.<RawRecord>builder()
                        .setProperties(KafkaAccess.of(conf).clientProperties())
                        .setTopics(topic)
                        .setGroupId(FusionlineJobOptions.consumerGroup(conf))
                        .setStartingOffsets(
                                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                        .setDeserializer(new RawRecordDeserializationSchema())
                        .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                        .setProperty("commit.offsets.on.checkpoint", "true");
        if (stoppingOffsets != null) {
            builder.setBounded(stoppingOffsets);
        }
        return builder.build();
    }

    /** Exactly-once sink of the decisions topic, keyed by source id. */
    public static KafkaSink<Decision> decisionsSink(Configuration conf) {
        return exactlyOnceSink(
                conf,
                "decisions",
                new AvroRecordSerializationSchema<>(
                        conf.get(FusionlineJobOptions.DECISIONS_TOPIC),
                        Decision.class,
                        WireFormat.named(conf.get(FusionlineJobOptions.WIRE_FORMAT)),
                        Decision::getSourceId));
    }

    /**
     * At-least-once sink of the alerts topic, keyed by source id: records are sent at once and
     * flushed at checkpoints, so alerts do not wait for a checkpoint to become visible. After a
     * failure an alert may repeat, with the same decision id.
     */
    public static KafkaSink<Decision> alertsSink(Configuration conf) {
        return immediateSink(conf, conf.get(FusionlineJobOptions.ALERTS_TOPIC));
    }

    /**
     * At-least-once sink of the scores topic (scores at arrival), keyed by source id, sent at once
     * like {@link #alertsSink}.
     */
    public static KafkaSink<Decision> scoresSink(Configuration conf) {
        return immediateSink(conf, conf.get(FusionlineJobOptions.SCORES_TOPIC));
    }

    private static KafkaSink<Decision> immediateSink(Configuration conf, String topic) {
        Properties producer = KafkaAccess.of(conf).clientProperties();
        producer.setProperty(ProducerConfig.LINGER_MS_CONFIG, "0");
        return KafkaSink.<Decision>builder()
                .setRecordSerializer(
                        new AvroRecordSerializationSchema<>(
                                topic,
                                Decision.class,
                                WireFormat.named(conf.get(FusionlineJobOptions.WIRE_FORMAT)),
                                Decision::getSourceId))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setKafkaProducerConfig(producer)
                .build();
    }

    /** Exactly-once sink of the dead-letters topic, keyed by the original topic. */
    public static KafkaSink<DeadLetter> deadLettersSink(Configuration conf) {
        return exactlyOnceSink(
                conf,
                "dead-letters",
                new AvroRecordSerializationSchema<>(
                        conf.get(FusionlineJobOptions.DEAD_LETTERS_TOPIC),
                        DeadLetter.class,
                        WireFormat.named(conf.get(FusionlineJobOptions.WIRE_FORMAT)),
                        DeadLetter::getOriginalTopic));
    }

    /**
     * Exactly-once sink of records of {@code type} to {@code topic}, keyed by {@code key}, under
     * the job's transactional id prefix with {@code name} appended (for jobs beside the fusionline
     * job, such as the benchmarks' pass-through job).
     */
    public static <T extends org.apache.avro.specific.SpecificRecord> KafkaSink<T> exactlyOnceSink(
            Configuration conf,
            String name,
            String topic,
            Class<T> type,
            org.apache.flink.util.function.SerializableFunction<T, String> key) {
        return exactlyOnceSink(
                conf,
                name,
                new AvroRecordSerializationSchema<>(
                        topic,
                        type,
                        WireFormat.named(conf.get(FusionlineJobOptions.WIRE_FORMAT)),
                        key));
    }

    private static <T> KafkaSink<T> exactlyOnceSink(
            Configuration conf,
            String name,
            org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema<T> schema) {
        Properties producer = KafkaAccess.of(conf).clientProperties();
        producer.setProperty(
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                String.valueOf(
                        conf.get(FusionlineJobOptions.KAFKA_TRANSACTION_TIMEOUT).toMillis()));
        producer.setProperty(
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(MAX_RECORD_BYTES));
        return KafkaSink.<T>builder()
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(
                        FusionlineJobOptions.transactionalIdPrefix(conf) + "-" + name)
                .setKafkaProducerConfig(producer)
                .build();
    }
}
