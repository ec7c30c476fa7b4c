package io.fusionline.schema.serde;

/**
 * Bytes that could not be decoded into a record. The message is a one-line reason fit for a
 * dead-letter record; the cause, if any, carries the library's detail.
 */
public final class RecordDecodingException extends Exception {
    private static final long serialVersionUID = 1L;

    public RecordDecodingException(String reason) {
        super(reason);
    }

    public RecordDecodingException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
