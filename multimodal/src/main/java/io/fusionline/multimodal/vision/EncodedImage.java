package io.fusionline.multimodal.vision;

/**
 * An image as it travels: encoded bytes, how they are encoded, and the size the producer declared.
 *
 * @param payload the bytes
 * @param codec how they are encoded
 * @param declaredWidth width the producer declared, or 0 when it did not
 * @param declaredHeight height the producer declared, or 0 when it did not
 */
public record EncodedImage(
        byte[] payload, ImageCodec codec, int declaredWidth, int declaredHeight) {

    /** A JPEG or PNG whose codec and size are taken from its header. */
    public static EncodedImage of(byte[] payload) throws ImageFormatException {
        ImageHeader header = ImageHeader.read(payload);
        return new EncodedImage(payload, header.codec(), header.width(), header.height());
    }
}
