package io.fusionline.operators.vision;

import io.fusionline.schema.media.FrameFormat;
import io.fusionline.schema.media.VideoFrame;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import javax.imageio.ImageIO;

/** Frames with real JPEG payloads for operator tests. */
final class TestFrames {

    private TestFrames() {}

    /** A 40x30 JPEG frame whose content depends on {@code sequence}. */
    static VideoFrame jpeg(String source, long sequence, long eventMillis) {
        return VideoFrame.newBuilder()
                .setSourceId(source)
                .setSequence(sequence)
                .setEventTime(Instant.ofEpochMilli(eventMillis))
                .setWidth(40)
                .setHeight(30)
                .setFormat(FrameFormat.JPEG)
                .setPayload(ByteBuffer.wrap(jpegBytes(40, 30, (int) sequence)))
                .build();
    }

    /** A frame with a valid JPEG header whose scan data is missing. */
    static VideoFrame truncated(String source, long sequence, long eventMillis) {
        VideoFrame frame = jpeg(source, sequence, eventMillis);
        byte[] bytes = frame.getPayload().array();
        int sos = 2;
        while (!((bytes[sos] & 0xff) == 0xff && (bytes[sos + 1] & 0xff) == 0xda)) {
            sos++;
        }
        frame.setPayload(ByteBuffer.wrap(java.util.Arrays.copyOf(bytes, sos)));
        return frame;
    }

    static byte[] jpegBytes(int width, int height, int shade) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color((shade * 37) % 256, (shade * 91) % 256, (shade * 13) % 256));
        g.fillRect(0, 0, width, height);
        g.setColor(Color.WHITE);
        g.fillRect(shade % width, 0, 5, height);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
