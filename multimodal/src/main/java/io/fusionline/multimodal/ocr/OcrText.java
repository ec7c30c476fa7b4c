package io.fusionline.multimodal.ocr;

/**
 * What OCR read from one image.
 *
 * @param text the lines read, whitespace collapsed within lines, joined by {@code \n}; lines
 *     without a letter or digit (blank, or a card's border read as "| |") are dropped; empty when
 *     nothing was read
 * @param confidence Tesseract's mean word confidence, 0..1
 */
public record OcrText(String text, float confidence) {

    /**
     * Below this mean confidence (percent) the read is treated as nothing: on blank or textless
     * images Tesseract still returns a few characters, at confidence 0.
     */
    public static final int MIN_CONFIDENCE_PERCENT = 30;

    /** Cleans Tesseract's raw UTF-8 output; a read under the minimum confidence is empty. */
    public static OcrText of(String raw, int meanConfidencePercent) {
        StringBuilder out = new StringBuilder();
        if (raw != null && meanConfidencePercent >= MIN_CONFIDENCE_PERCENT) {
            raw.lines()
                    .map(line -> line.strip().replaceAll("\\s+", " "))
                    .filter(line -> line.codePoints().anyMatch(Character::isLetterOrDigit))
                    .forEach(line -> out.append(out.length() == 0 ? "" : "\n").append(line));
        }
        float confidence = Math.max(0, Math.min(100, meanConfidencePercent)) / 100f;
        return new OcrText(out.toString(), out.length() == 0 ? 0f : confidence);
    }

    /** Whether nothing was read. */
    public boolean isEmpty() {
        return text.isEmpty();
    }
}
