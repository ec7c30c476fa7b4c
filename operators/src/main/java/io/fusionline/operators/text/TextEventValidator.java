package io.fusionline.operators.text;

import io.fusionline.operators.decode.InputLimits;
import io.fusionline.operators.decode.RecordValidator;
import io.fusionline.schema.text.TextEvent;

/**
 * A text event needs a source id (it is the key), a positive event time, text of at most {@value
 * #MAX_TEXT_CHARS} characters, and attributes and numeric features within the {@link InputLimits}
 * (NaN and infinite features are refused, never scored).
 */
public final class TextEventValidator implements RecordValidator<TextEvent> {
    private static final long serialVersionUID = 1L;

    public static final int MAX_TEXT_CHARS = 16_384;

    private final InputLimits limits;

    /** With {@link InputLimits#DEFAULT}. */
    public TextEventValidator() {
        this(InputLimits.DEFAULT);
    }

    public TextEventValidator(InputLimits limits) {
        this.limits = limits;
    }

    @Override
    public String problemWith(TextEvent event) {
        if (event.getSourceId() == null || event.getSourceId().isBlank()) {
            return "text event without source id";
        }
        if (event.getEventTime() == null || event.getEventTime().toEpochMilli() <= 0) {
            return "text event from " + event.getSourceId() + " without a positive event time";
        }
        if (event.getText() != null && event.getText().length() > MAX_TEXT_CHARS) {
            return "text event from "
                    + event.getSourceId()
                    + " has "
                    + event.getText().length()
                    + " characters (limit "
                    + MAX_TEXT_CHARS
                    + ")";
        }
        String attributes = limits.problemWithAttributes(event.getAttributes());
        return attributes != null ? attributes : limits.problemWithFeatures(event.getFeatures());
    }
}
