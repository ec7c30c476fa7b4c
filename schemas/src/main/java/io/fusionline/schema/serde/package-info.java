/**
 * How fusionline records travel as bytes.
 *
 * <p>Operators and jobs only see {@link io.fusionline.schema.serde.WireFormat} (a small,
 * serializable description of an encoding) and the {@link io.fusionline.schema.serde.RecordCodec}
 * it creates on the task manager. The default is Avro single-object encoding ({@link
 * io.fusionline.schema.serde.SingleObjectWireFormat}); a registry-backed format such as Confluent's
 * (magic byte + schema id) is another {@code WireFormat} implementation and needs no operator
 * change.
 */
package io.fusionline.schema.serde;
