package io.fusionline.operators.vision;

import io.fusionline.multimodal.vision.Crop;
import io.fusionline.multimodal.vision.ImageDecoder;
import io.fusionline.multimodal.vision.ImageFormatException;
import io.fusionline.multimodal.vision.ImageHeader;
import io.fusionline.multimodal.vision.ImageLimits;
import io.fusionline.operators.decode.RecordValidator;
import io.fusionline.schema.media.VideoFrame;

/**
 * A frame needs a source id, a positive event time, and a payload whose header (read without
 * decoding: {@link ImageDecoder#check}) matches its declared format and size and is within the
 * {@link ImageLimits}; its region of interest, if any, must lie inside the image. Decompression
 * bombs and mislabelled payloads stop here, with their Kafka coordinates, before any decoder runs.
 */
public final class VideoFrameValidator implements RecordValidator<VideoFrame> {
    private static final long serialVersionUID = 1L;

    private final ImageLimits limits;

    public VideoFrameValidator(ImageLimits limits) {
        this.limits = limits;
    }

    @Override
    public String problemWith(VideoFrame frame) {
        String source = frame.getSourceId();
        if (source == null || source.isBlank()) {
            return "frame without source id";
        }
        String name = VideoFrames.name(frame);
        if (frame.getEventTime() == null || frame.getEventTime().toEpochMilli() <= 0) {
            return name + " without a positive event time";
        }
        try {
            ImageHeader header = ImageDecoder.check(VideoFrames.image(frame), limits);
            Crop crop = VideoFrames.crop(frame);
            if (crop != null) {
                crop.requireInside(header.width(), header.height());
            }
            return null;
        } catch (ImageFormatException e) {
            return name + ": " + e.getMessage();
        }
    }
}
