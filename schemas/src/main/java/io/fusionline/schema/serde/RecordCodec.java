package io.fusionline.schema.serde;

/**
 * Encodes and decodes one record type to and from bytes.
 *
 * <p>A codec holds reusable buffers and is <b>not thread-safe</b>: create one per thread (per Flink
 * subtask, per Kafka client) from a {@link WireFormat}. It is never serialized with a job graph;
 * the {@code WireFormat} that creates it is.
 *
 * @param <T> the record type
 */
public interface RecordCodec<T> {

    /** Encodes a record. Never returns null. */
    byte[] encode(T record);

    /**
     * Decodes bytes written by this codec or by any writer schema the codec knows.
     *
     * @throws RecordDecodingException with a one-line reason when the bytes are not a record of
     *     this type: wrong header, a writer schema nobody registered, truncated or corrupt data
     */
    T decode(byte[] bytes) throws RecordDecodingException;
}
