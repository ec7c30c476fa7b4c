package io.fusionline.multimodal.audio;

/** Sample encodings {@link PcmDecoder} reads. Samples of all channels are interleaved. */
public enum SampleEncoding {
    /** Signed 16-bit little-endian integers. */
    PCM_S16LE(2),
    /** 32-bit little-endian IEEE floats in [-1, 1]. */
    PCM_F32LE(4);

    private final int bytesPerSample;

    SampleEncoding(int bytesPerSample) {
        this.bytesPerSample = bytesPerSample;
    }

    public int bytesPerSample() {
        return bytesPerSample;
    }
}
