package io.fusionline.deploy.demo;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Images the demo's cameras publish, rendered with Java2D: inspection tags read by a label camera
 * on the line ({@value #LABEL_CAMERA}) and ID documents scanned at the fraud desk ({@value
 * #ID_SCANNER}). Their text is what OCR should read.
 */
public final class SampleScans {

    /** Source id of the line's label camera. */
    public static final String LABEL_CAMERA = "label-cam-1";

    /** Source id of the fraud desk's ID scanner. */
    public static final String ID_SCANNER = "id-desk-1";

    /** Inspection tags, in turn. */
    public static final List<String> TAGS =
            List.of("TAG 0423 PASS", "TAG 0424 REJECT CRACKED", "TAG 0425 REJECT SCRATCHED");

    /** ID-document lines, in turn. */
    public static final List<String> DOCUMENTS =
            List.of("PASSPORT X1234567 SMITH", "LICENSE D7730 VOID STOLEN");

    private SampleScans() {}

    /** Black text on a white card with a grey border, as PNG bytes. */
    public static byte[] render(String text) {
        int width = 40 + text.length() * 19;
        int height = 64;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.GRAY);
        g.drawRect(2, 2, width - 5, height - 5);
        g.setColor(Color.BLACK);
        g.setRenderingHint(
                RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 28));
        g.drawString(text, 20, 42);
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
