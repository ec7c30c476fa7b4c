package io.fusionline.operators.audio;

import io.fusionline.operators.decode.RecordValidator;
import io.fusionline.schema.media.AudioChunk;
import io.fusionline.schema.media.AudioEncoding;

/**
 * An audio chunk needs a source id, a positive event time, a supported encoding and sample rate,
 * 1-8 channels, and a non-empty payload of whole frames no larger than the configured limit.
 */
public final class AudioChunkValidator implements RecordValidator<AudioChunk> {
    private static final long serialVersionUID = 1L;

    private final int maxChunkBytes;

    public AudioChunkValidator(int maxChunkBytes) {
        this.maxChunkBytes = maxChunkBytes;
    }

    @Override
    public String problemWith(AudioChunk c) {
        String source = c.getSourceId();
        if (source == null || source.isBlank()) {
            return "audio chunk without source id";
        }
        String chunk = "audio chunk " + source + "#" + c.getSequence();
        if (c.getEventTime() == null || c.getEventTime().toEpochMilli() <= 0) {
            return chunk + " without a positive event time";
        }
        if (c.getEncoding() == null || c.getEncoding() == AudioEncoding.UNKNOWN) {
            return chunk + " has an unsupported encoding";
        }
        if (!SpeechRecognitionOptions.SAMPLE_RATES.contains(c.getSampleRate())) {
            return chunk
                    + " has unsupported sample rate "
                    + c.getSampleRate()
                    + " Hz (supported: 8000, 16000, 22050, 44100, 48000)";
        }
        if (c.getChannels() < 1 || c.getChannels() > 8) {
            return chunk + " has " + c.getChannels() + " channels (1..8)";
        }
        int bytes = c.getPayload() == null ? 0 : c.getPayload().remaining();
        if (bytes == 0) {
            return chunk + " is empty";
        }
        if (bytes > maxChunkBytes) {
            return chunk + " has " + bytes + " bytes (limit " + maxChunkBytes + ")";
        }
        int frame = (c.getEncoding() == AudioEncoding.PCM_F32LE ? 4 : 2) * c.getChannels();
        if (bytes % frame != 0) {
            return chunk
                    + " has "
                    + bytes
                    + " bytes, not a whole number of "
                    + frame
                    + "-byte frames";
        }
        return null;
    }
}
