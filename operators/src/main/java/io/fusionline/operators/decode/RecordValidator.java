package io.fusionline.operators.decode;

import java.io.Serializable;

/**
 * Checks a decoded record's content (ids present, times plausible, sizes in bounds).
 *
 * @param <T> record type
 */
@FunctionalInterface
public interface RecordValidator<T> extends Serializable {

    /** Returns null when {@code record} is acceptable, else a one-line reason. */
    String problemWith(T record);

    /** Accepts everything. */
    static <T> RecordValidator<T> acceptAll() {
        return record -> null;
    }
}
