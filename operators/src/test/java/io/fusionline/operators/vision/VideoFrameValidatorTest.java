package io.fusionline.operators.vision;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.multimodal.vision.ImageLimits;
import io.fusionline.schema.media.FrameFormat;
import io.fusionline.schema.media.RegionOfInterest;
import io.fusionline.schema.media.VideoFrame;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class VideoFrameValidatorTest {

    private final VideoFrameValidator validator = new VideoFrameValidator(ImageLimits.DEFAULT);

    @Test
    void shouldAcceptAWellFormedFrameAndSniffUnknownFormats() {
        VideoFrame frame = TestFrames.jpeg("cam-a", 3, 1_000);
        assertThat(validator.problemWith(frame)).isNull();
        frame.setFormat(FrameFormat.UNKNOWN);
        assertThat(validator.problemWith(frame)).isNull();
    }

    @Test
    void shouldNameTheFrameAndTheProblem() {
        VideoFrame noSource = TestFrames.jpeg("", 1, 1_000);
        assertThat(validator.problemWith(noSource)).isEqualTo("frame without source id");

        VideoFrame resized = TestFrames.jpeg("cam-a", 2, 1_000);
        resized.setWidth(4000);
        assertThat(validator.problemWith(resized))
                .isEqualTo(
                        "frame cam-a#2: declared size 4000x30 differs from the JPEG header's 40x30");

        VideoFrame bomb = TestFrames.jpeg("cam-a", 3, 1_000);
        bomb.setPayload(ByteBuffer.wrap(pngHeader(50_000, 50_000)));
        bomb.setFormat(FrameFormat.PNG);
        bomb.setWidth(50_000);
        bomb.setHeight(50_000);
        assertThat(validator.problemWith(bomb))
                .isEqualTo(
                        "frame cam-a#3: image declares 50000x50000 = 2500000000 pixels (limit 40000000):"
                                + " refused before decoding");

        VideoFrame outside = TestFrames.jpeg("cam-a", 4, 1_000);
        outside.setRegionOfInterest(new RegionOfInterest(30, 0, 20, 10));
        assertThat(validator.problemWith(outside))
                .isEqualTo(
                        "frame cam-a#4: region of interest Crop[x=30, y=0, width=20, height=10] is not inside the 40x30 image");

        VideoFrame noTime = TestFrames.jpeg("cam-a", 5, 0);
        assertThat(validator.problemWith(noTime))
                .isEqualTo("frame cam-a#5 without a positive event time");
    }

    private static byte[] pngHeader(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(33);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        b.putInt(13).put("IHDR".getBytes()).putInt(width).putInt(height);
        b.put(new byte[] {8, 2, 0, 0, 0}).putInt(0);
        return b.array();
    }
}
