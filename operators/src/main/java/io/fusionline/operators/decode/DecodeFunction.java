package io.fusionline.operators.decode;

import io.fusionline.operators.DeadLetters;
import io.fusionline.operators.Failures;
import io.fusionline.operators.kafka.RawRecord;
import io.fusionline.schema.ops.KafkaOrigin;
import io.fusionline.schema.serde.RecordCodec;
import io.fusionline.schema.serde.RecordDecodingException;
import io.fusionline.schema.serde.WireFormat;
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
 * <p>Validation is the {@link InputCheck}: the {@link InputLimits} every input keeps on its {@code
 * sourceId} and {@code eventTime}, and the record type's own {@link RecordValidator}. Any {@link
 * Throwable} a codec or validator throws on a record (an {@code Error} included) makes that record
 * a dead letter too. An accepted record leaves with its Kafka coordinates in its {@code origin}
 * field, so that later stages' dead letters keep them.
 *
 * <p>Metrics: {@code decoded}, {@code deadLettered}.
 */
public final class DecodeFunction<T extends SpecificRecord> extends ProcessFunction<RawRecord, T> {
    private static final long serialVersionUID = 1L;

    public static final String DECODE_STAGE = "decode";
    public static final String VALIDATE_STAGE = "validate";

    private final Class<T> recordClass;
    private final WireFormat wireFormat;
    private final InputCheck<T> check;

    private transient RecordCodec<T> codec;
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
        this.check = new InputCheck<>(recordClass, validator, limits);
    }

    @Override
    public void open(OpenContext openContext) {
        codec = wireFormat.codec(recordClass);
        originField = SpecificData.get().getSchema(recordClass).getField("origin").pos();
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
            problem = check.problemWith(record, System.currentTimeMillis());
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

    private void reject(RawRecord raw, String stage, String reason, Context ctx) {
        deadLettered.inc();
        ctx.output(DeadLetters.TAG, DeadLetters.of(raw, stage, reason));
    }
}
