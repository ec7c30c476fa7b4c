package io.fusionline.multimodal.vision;

/** How an image payload is encoded. */
public enum ImageCodec {
    /** JPEG (JFIF/EXIF), baseline or progressive. */
    JPEG,
    /** PNG. */
    PNG,
    /** Uncompressed 8-bit BGR, row-major, {@code width * height * 3} bytes. */
    RAW_BGR
}
