package io.fusionline.schema.serde;

import java.io.Serializable;
import java.util.Locale;
import org.apache.avro.specific.SpecificRecord;

/**
 * A way of putting Avro records on the wire. Instances are small, immutable and serializable so
 * that they travel inside Flink job graphs; the codecs they create are not, and are created where
 * they are used (in a function's {@code open()}).
 *
 * <p>Implementations: {@link SingleObjectWireFormat} (the default; self-describing through a schema
 * fingerprint, no registry needed). A schema-registry format (for example Confluent's magic byte +
 * 4-byte schema id) implements this interface with a registry client and plugs in through {@link
 * #named(String)} without touching operators.
 */
public interface WireFormat extends Serializable {

    /** Name used in configuration, for example {@code single-object}. */
    String name();

    /** Creates a codec for a generated record class. The codec is not thread-safe. */
    <T extends SpecificRecord> RecordCodec<T> codec(Class<T> recordClass);

    /**
     * Looks a wire format up by its configuration name.
     *
     * @throws IllegalArgumentException naming the known formats when {@code name} is unknown
     */
    static WireFormat named(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (SingleObjectWireFormat.NAME.equals(key)) {
            return SingleObjectWireFormat.INSTANCE;
        }
        throw new IllegalArgumentException(
                "unknown wire format '" + name + "' (known: " + SingleObjectWireFormat.NAME + ")");
    }
}
