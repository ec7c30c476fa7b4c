package io.fusionline.multimodal.ocr;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Renders a line of text as a PNG (black sans-serif on a white card with a grey border): the
 * labels, tags and document lines that demos, simulations and OCR tests show to a camera. Needs
 * Java2D with a font (any JDK; headless is fine).
 */
public final class TextImages {

    private TextImages() {}

    /** {@code text} at {@code points}, with a margin that fits it. */
    public static byte[] png(String text, int points) {
        return png(text, points, 0, 0);
    }

    /**
     * As {@link #png(String, int)}, with {@code extraWidth} / {@code extraHeight} blank pixels
     * right and below.
     */
    public static byte[] png(String text, int points, int extraWidth, int extraHeight) {
        int width = Math.max(80, 40 + text.length() * points * 7 / 10) + extraWidth;
        int height = points * 2 + extraHeight;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.GRAY);
        g.drawRect(2, 2, width - 5, points * 2 - 5);
        g.setColor(Color.BLACK);
        g.setRenderingHint(
                RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, points));
        g.drawString(text, 20, points + points / 3);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
