package io.fusionline.simulation.fraud;

/**
 * A scanned ID card.
 *
 * @param png the scan
 * @param holder name printed on it
 * @param number document number printed on it
 * @param tampering how it was forged, or {@link Tampering#NONE}
 */
public record IdDocument(byte[] png, String holder, String number, Tampering tampering) {}
