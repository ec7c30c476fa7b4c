package io.fusionline.operators.vision;

import io.fusionline.multimodal.vision.Crop;
import io.fusionline.multimodal.vision.EncodedImage;
import io.fusionline.multimodal.vision.ImageCodec;
import io.fusionline.operators.DeadLetters;
import io.fusionline.schema.media.RegionOfInterest;
import io.fusionline.schema.media.VideoFrame;
import io.fusionline.schema.ops.DeadLetter;
import io.fusionline.schema.serde.RecordCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Between the {@link VideoFrame} wire record and the multimodal library's image types. */
public final class VideoFrames {

    private VideoFrames() {}

    /** The frame's payload as an image; an {@code UNKNOWN} format is sniffed from the bytes. */
    public static EncodedImage image(VideoFrame frame) {
        byte[] bytes = bytes(frame.getPayload());
        ImageCodec codec =
                switch (frame.getFormat()) {
                    case JPEG -> ImageCodec.JPEG;
                    case PNG -> ImageCodec.PNG;
                    case RAW_BGR -> ImageCodec.RAW_BGR;
                    case UNKNOWN -> null;
                };
        return new EncodedImage(bytes, codec, frame.getWidth(), frame.getHeight());
    }

    /**
     * The payload's bytes: the backing array itself when the buffer covers all of it (as Avro's
     * decoder produces), so a frame is not copied once per stage; a copy otherwise. Read only.
     */
    static byte[] bytes(ByteBuffer payload) {
        if (payload == null) {
            return new byte[0];
        }
        if (payload.hasArray()
                && payload.arrayOffset() == 0
                && payload.position() == 0
                && payload.remaining() == payload.array().length) {
            return payload.array();
        }
        byte[] copy = new byte[payload.remaining()];
        payload.duplicate().get(copy);
        return copy;
    }

    /** The frame's region of interest, or null. */
    public static Crop crop(VideoFrame frame) {
        RegionOfInterest roi = frame.getRegionOfInterest();
        return roi == null
                ? null
                : new Crop(roi.getX(), roi.getY(), roi.getWidth(), roi.getHeight());
    }

    /** {@code source#sequence}, as messages name a frame. */
    public static String name(VideoFrame frame) {
        return "frame " + frame.getSourceId() + "#" + frame.getSequence();
    }

    /**
     * The dead letter of a decoded {@code frame} that {@code stage} refused: the frame re-encoded,
     * keyed by its source, at the coordinates it was read from ({@code topic} when unknown).
     */
    public static DeadLetter deadLetter(
            VideoFrame frame,
            RecordCodec<VideoFrame> codec,
            String topic,
            String stage,
            String reason) {
        byte[] key =
                frame.getSourceId() == null
                        ? null
                        : frame.getSourceId().getBytes(StandardCharsets.UTF_8);
        return DeadLetters.of(frame.getOrigin(), topic, key, codec.encode(frame), stage, reason);
    }
}
