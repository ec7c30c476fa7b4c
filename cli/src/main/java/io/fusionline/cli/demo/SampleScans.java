package io.fusionline.cli.demo;

import io.fusionline.multimodal.ocr.TextImages;
import java.util.List;

/**
 * Images the demo's cameras publish ({@link TextImages}): inspection tags read by a label camera on
 * the line ({@value #LABEL_CAMERA}) and ID documents scanned at the fraud desk ({@value
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

    /** The card showing {@code text}, as PNG bytes. */
    public static byte[] render(String text) {
        return TextImages.png(text, 28);
    }
}
