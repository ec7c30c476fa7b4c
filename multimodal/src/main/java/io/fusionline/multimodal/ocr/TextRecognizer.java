package io.fusionline.multimodal.ocr;

import static org.bytedeco.tesseract.global.tesseract.PSM_AUTO;
import static org.bytedeco.tesseract.global.tesseract.PSM_SINGLE_LINE;

import io.fusionline.multimodal.BundledModelFolder;
import io.fusionline.multimodal.ModelLoadException;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.tesseract.TessBaseAPI;

/**
 * A Tesseract engine with English LSTM data. Not thread-safe: one per operator subtask, opened in
 * {@code open()} and closed in {@code close()}.
 *
 * <p>The language data is {@code eng.traineddata} from Maven Central's {@code
 * net.sourceforge.tess4j:tess4j} jar, bundled by the build and verified by checksum ({@link
 * #bundledData()}).
 */
public final class TextRecognizer implements AutoCloseable {

    /** Id of the bundled language data folder. */
    public static final String BUNDLED_DATA_ID = "tessdata";

    /** Page layouts worth telling Tesseract about. */
    public enum Layout {
        /** Find blocks and lines (documents, ID cards). */
        PAGE(PSM_AUTO),
        /** The image is one line of text (a serial number, a label). */
        SINGLE_LINE(PSM_SINGLE_LINE);

        final int psm;

        Layout(int psm) {
            this.psm = psm;
        }
    }

    private TessBaseAPI api;

    private TextRecognizer(TessBaseAPI api) {
        this.api = api;
    }

    /** The bundled English data folder, extracted and verified once per JVM. */
    public static Path bundledData() {
        return BundledModelFolder.extract(BUNDLED_DATA_ID, "OCR language data");
    }

    /** An English engine over the bundled data. */
    public static TextRecognizer english(Layout layout) {
        return open(bundledData(), "eng", layout);
    }

    /**
     * An engine for {@code language} whose {@code <language>.traineddata} is in {@code dataDir}.
     */
    public static TextRecognizer open(Path dataDir, String language, Layout layout) {
        TessBaseAPI api = new TessBaseAPI();
        if (api.Init(dataDir.toString(), language) != 0) {
            api.close();
            throw new ModelLoadException(
                    "Tesseract cannot load language \"" + language + "\" from " + dataDir);
        }
        api.SetPageSegMode(layout.psm);
        // Keep Tesseract from writing debug files or asking for DPI it cannot know.
        api.SetVariable("user_defined_dpi", "300");
        api.SetVariable("debug_file", "/dev/null");
        return new TextRecognizer(api);
    }

    /** Reads text from grayscale pixels. */
    public OcrText read(OcrPreprocessor.Gray image) {
        if (api == null) {
            throw new IllegalStateException("text recognizer is closed");
        }
        api.SetImage(image.pixels(), image.width(), image.height(), 1, image.width());
        BytePointer text = api.GetUTF8Text();
        try {
            return OcrText.of(text == null ? "" : text.getString(), api.MeanTextConf());
        } finally {
            if (text != null) {
                text.deallocate();
            }
            api.Clear();
        }
    }

    @Override
    public void close() {
        if (api != null) {
            api.End();
            api.close();
            api = null;
        }
    }
}
