package io.fusionline.schema.serde;

import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding: {@code C3 01}, the writer schema's 8-byte CRC-64-AVRO fingerprint,
 * then the Avro binary body. Self-describing without a registry; a decoder accepts the current
 * schema and every older version listed in {@link SchemaHistory}, and rejects any other fingerprint
 * with a reason.
 */
public final class SingleObjectWireFormat implements WireFormat {
    private static final long serialVersionUID = 1L;

    /** Configuration name. */
    public static final String NAME = "single-object";

    /** The single instance; the format has no settings. */
    public static final SingleObjectWireFormat INSTANCE = new SingleObjectWireFormat();

    private SingleObjectWireFormat() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public <T extends SpecificRecord> RecordCodec<T> codec(Class<T> recordClass) {
        return new SingleObjectCodec<>(recordClass);
    }

    private Object readResolve() {
        return INSTANCE;
    }

    @Override
    public String toString() {
        return NAME;
    }
}
