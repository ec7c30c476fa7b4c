package io.fusionline.operators.decode;

import io.fusionline.operators.DeadLetters;
import io.fusionline.operators.kafka.RawRecord;
import io.fusionline.schema.serde.RecordCodec;
import io.fusionline.schema.serde.RecordDecodingException;
import io.fusionline.schema.serde.WireFormat;
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
 * <p>Metrics: {@code decoded}, {@code deadLettered}.
 */
public final class DecodeFunction<T extends SpecificRecord> extends ProcessFunction<RawRecord, T> {
    private static final long serialVersionUID = 1L;

    public static final String DECODE_STAGE = "decode";
    public static final String VALIDATE_STAGE = "validate";

    private final Class<T> recordClass;
    private final WireFormat wireFormat;
    private final RecordValidator<T> validator;

    private transient RecordCodec<T> codec;
    private transient Counter decoded;
    private transient Counter deadLettered;

    public DecodeFunction(
            Class<T> recordClass, WireFormat wireFormat, RecordValidator<T> validator) {
        this.recordClass = recordClass;
        this.wireFormat = wireFormat;
        this.validator = validator;
    }

    @Override
    public void open(OpenContext openContext) {
        codec = wireFormat.codec(recordClass);
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
        }
        String problem = validator.problemWith(record);
        if (problem != null) {
            reject(raw, VALIDATE_STAGE, problem, ctx);
            return;
        }
        decoded.inc();
        out.collect(record);
    }

    private void reject(RawRecord raw, String stage, String reason, Context ctx) {
        deadLettered.inc();
        ctx.output(DeadLetters.TAG, DeadLetters.of(raw, stage, reason));
    }
}
