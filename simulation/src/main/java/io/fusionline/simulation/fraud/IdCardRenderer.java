package io.fusionline.simulation.fraud;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Renders ID cards (Java2D, 480×300 PNG): a coloured header, a photo block with a face, the
 * holder's name, the document number, birth and expiry dates, then a scanner's slight tint and
 * noise. A {@link Tampering} leaves the trace a document examiner looks for; everything else about
 * the card is drawn the same way, so the trace is the only difference.
 */
public final class IdCardRenderer {

    /** Card width in pixels. */
    public static final int WIDTH = 480;

    /** Card height in pixels. */
    public static final int HEIGHT = 300;

    /** Renders a card; all randomness (colours, face, noise) is drawn from {@code random}. */
    public byte[] render(
            String holder,
            String number,
            String born,
            String expires,
            Tampering tampering,
            Random random) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(
                RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        int paper = 232 + random.nextInt(16);
        g.setColor(new Color(paper, paper, paper - 6));
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(
                new Color(
                        40 + random.nextInt(40),
                        70 + random.nextInt(40),
                        120 + random.nextInt(60)));
        g.fillRect(0, 0, WIDTH, 52);
        g.setColor(Color.WHITE);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 24));
        g.drawString("IDENTITY CARD", 24, 35);

        photo(g, random, tampering == Tampering.SWAPPED_PHOTO);

        Font label = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        Font value = new Font(Font.SANS_SERIF, Font.BOLD, 22);
        int x = 170;
        field(g, label, "NAME", x, 86);
        g.setFont(
                tampering == Tampering.MISMATCHED_FONT
                        ? new Font(Font.SERIF, Font.BOLD, 23)
                        : value);
        g.setColor(Color.BLACK);
        g.drawString(holder, x, 112);
        field(g, label, "DOCUMENT NO", x, 146);
        drawNumber(g, value, number, x, 172, tampering == Tampering.ALTERED_DIGITS, random);
        field(g, label, "BORN", x, 206);
        g.setFont(value);
        g.setColor(Color.BLACK);
        g.drawString(born, x, 232);
        field(g, label, "EXPIRES", x + 150, 206);
        g.setFont(value);
        g.setColor(Color.BLACK);
        g.drawString(expires, x + 150, 232);
        g.dispose();
        scannerNoise(image, random);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void field(Graphics2D g, Font font, String text, int x, int y) {
        g.setFont(font);
        g.setColor(new Color(90, 90, 90));
        g.drawString(text, x, y);
    }

    /** The number; an altered one has a digit redrawn slightly larger, lighter and off the line. */
    private static void drawNumber(
            Graphics2D g, Font font, String number, int x, int y, boolean altered, Random random) {
        int victim = altered ? 2 + random.nextInt(number.length() - 2) : -1;
        int cursor = x;
        for (int i = 0; i < number.length(); i++) {
            String ch = number.substring(i, i + 1);
            if (i == victim) {
                g.setFont(font.deriveFont(Font.PLAIN, font.getSize2D() + 3));
                g.setColor(new Color(45, 45, 45));
                g.drawString(ch, cursor, y + 2);
            } else {
                g.setFont(font);
                g.setColor(Color.BLACK);
                g.drawString(ch, cursor, y);
            }
            cursor += g.getFontMetrics().charWidth(ch.charAt(0));
        }
    }

    private static void photo(Graphics2D g, Random random, boolean swapped) {
        int x = 24;
        int y = 72;
        int w = 124;
        int h = 156;
        AffineTransform saved = g.getTransform();
        if (swapped) {
            g.rotate(Math.toRadians(random.nextBoolean() ? 2.5 : -2.5), x + w / 2.0, y + h / 2.0);
        }
        int bg = swapped ? 150 + random.nextInt(40) : 205 + random.nextInt(20);
        g.setColor(
                swapped
                        ? new Color(bg, bg - 25, bg - 45)
                        : new Color(bg - 10, bg, bg + 15 > 255 ? 255 : bg + 15));
        g.fillRect(x, y, w, h);
        g.setClip(x, y, w, h); // the portrait stays inside its frame
        int skin = 150 + random.nextInt(80);
        g.setColor(new Color(skin, skin * 3 / 4, skin * 3 / 5));
        g.fillOval(x + 32, y + 28, 60, 74); // face
        g.fillRoundRect(x + 18, y + 108, 88, 60, 30, 30); // shoulders
        g.setColor(new Color(40 + random.nextInt(60), 30, 20));
        g.fillArc(x + 30, y + 20, 64, 40, 0, 180); // hair
        g.setClip(null);
        if (swapped) {
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(2));
            g.drawRect(x, y, w, h);
        }
        g.setTransform(saved);
    }

    /** A scanner's warm tint and per-pixel noise. */
    private static void scannerNoise(BufferedImage image, Random random) {
        int tint = random.nextInt(8);
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < bgr.length; i += 3) {
            int n = (int) (random.nextGaussian() * 3);
            bgr[i] = (byte) clamp((bgr[i] & 0xff) + n - tint);
            bgr[i + 1] = (byte) clamp((bgr[i + 1] & 0xff) + n);
            bgr[i + 2] = (byte) clamp((bgr[i + 2] & 0xff) + n + tint);
        }
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
