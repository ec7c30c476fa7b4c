package io.fusionline.operators.decode;

import java.io.Serializable;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Everything a decoded input must pass: its {@link InputLimits} source id, the record type's own
 * {@link RecordValidator}, then its event time against the wall clock. The decode stage and the
 * decode bench run exactly this. Immutable and serializable.
 *
 * @param <T> the input record type; it has {@code sourceId} and {@code eventTime} fields
 */
public final class InputCheck<T extends SpecificRecord> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final RecordValidator<T> validator;
    private final InputLimits limits;
    private final int sourceIdField;
    private final int eventTimeField;

    public InputCheck(Class<T> recordClass, RecordValidator<T> validator, InputLimits limits) {
        Schema schema = SpecificData.get().getSchema(recordClass);
        this.validator = validator;
        this.limits = limits;
        this.sourceIdField = schema.getField("sourceId").pos();
        this.eventTimeField = schema.getField("eventTime").pos();
    }

    /** Null when {@code record} passes at {@code nowMillis}, else a one-line reason. */
    public String problemWith(T record, long nowMillis) {
        // The id first: the validator's reasons name the source, so its characters must be safe.
        String id = (String) record.get(sourceIdField);
        String problem = id == null || id.isBlank() ? null : limits.problemWithSourceId(id);
        if (problem == null) {
            problem = validator.problemWith(record);
        }
        if (problem == null) {
            problem = limits.problemWithEventTime((Instant) record.get(eventTimeField), nowMillis);
        }
        return problem;
    }
}
