package io.fusionline.operators.decode;

import io.fusionline.operators.DeadLetters;
import io.fusionline.operators.Failures;
import io.fusionline.operators.kafka.RawRecord;
import io.fusionline.schema.ops.KafkaOrigin;
import io.fusionline.schema.serde.RecordCodec;
import io.fusionline.schema.serde.RecordDecodingException;
import io.fusionline.schema.serde.WireFormat;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decodes raw Kafka records into one record type and validates them. A record that cannot be
 * decoded (stage {@value #DECODE_STAGE}) or fails validation (stage {@value #VALIDATE_STAGE}) goes
 * to {@link DeadLetters#TAG} with its coordinates, bytes and reason; nothing is dropped and nothing
 * fails the job.
 *
 * <p>Validation is the record type's own {@link RecordValidator}, then the {@link InputLimits}
 * every input keeps: its {@code sourceId} and its {@code eventTime} against the wall clock. Any
 * {@link Throwable} a codec or validator throws on a record (an {@code Error} included) makes that
 * record a dead letter too. An accepted record leaves with its Kafka coordinates in its {@code
 * origin} field, so that later stages' dead letters keep them.
 *
 * <p>Metrics: {@code decoded}, {@code deadLettered}.
 */
public final class DecodeFunction<T extends SpecificRecord> extends ProcessFunction<RawRecord, T> {
    private static final long serialVersionUID = 1L;

    public static final String DECODE_STAGE = "decode";
    public static final String VALIDATE_STAGE = "validate";

    private final Class<T> recordClass;
    private final WireFormat wireFormat;
    private final RecordValidator<T> validator;
    private final InputLimits limits;

    private transient RecordCodec<T> codec;
    private transient int sourceIdField;
    private transient int eventTimeField;
    private transient int originField;
    private transient Counter decoded;
    private transient Counter deadLettered;

    /**
     * @param limits bounds on every record's source id and event time, besides {@code validator}
     */
    public DecodeFunction(
            Class<T> recordClass,
            WireFormat wireFormat,
            RecordValidator<T> validator,
            InputLimits limits) {
        this.recordClass = recordClass;
        this.wireFormat = wireFormat;
        this.validator = validator;
        this.limits = limits;
    }

    @Override
    public void open(OpenContext openContext) {
        codec = wireFormat.codec(recordClass);
        Schema schema = SpecificData.get().getSchema(recordClass);
        sourceIdField = schema.getField("sourceId").pos();
        eventTimeField = schema.getField("eventTime").pos();
        originField = schema.getField("origin").pos();
        decoded = getRuntimeContext().getMetricGroup().counter("decoded");
        deadLettered = getRuntimeContext().getMetricGroup().counter("deadLettered");
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<T> out) {
        T record;
        try {
            if (raw.value == null) {
                throw new RecordDecodingException("tombstone (null value)");
            }
            record = codec.decode(raw.value);
        } catch (RecordDecodingException e) {
            reject(raw, DECODE_STAGE, e.getMessage(), ctx);
            return;
        } catch (Throwable e) { // an Error included: it is about this record, not the job
            reject(raw, DECODE_STAGE, Failures.reason("decoder failed", e), ctx);
            return;
        }
        String problem;
        try {
            problem = problemWith(record, System.currentTimeMillis());
        } catch (Throwable e) {
            problem = Failures.reason("validator failed", e);
        }
        if (problem != null) {
            reject(raw, VALIDATE_STAGE, problem, ctx);
            return;
        }
        decoded.inc();
        // where it was read, so that a later stage's dead letter names it (a producer's value is
        // overwritten)
        record.put(originField, new KafkaOrigin(raw.topic, raw.partition, raw.offset));
        out.collect(record);
    }

    private String problemWith(T record, long now) {
        // The id first: the validator's reasons name the source, so its characters must be safe.
        String id = (String) record.get(sourceIdField);
        String problem = id == null || id.isBlank() ? null : limits.problemWithSourceId(id);
        if (problem == null) {
            problem = validator.problemWith(record);
        }
        if (problem == null) {
            problem = limits.problemWithEventTime((Instant) record.get(eventTimeField), now);
        }
        return problem;
    }

    private void reject(RawRecord raw, String stage, String reason, Context ctx) {
        deadLettered.inc();
        ctx.output(DeadLetters.TAG, DeadLetters.of(raw, stage, reason));
    }
}
