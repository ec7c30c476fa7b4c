package io.fusionline.simulation.fraud;

/** How an ID document was forged, if it was. */
public enum Tampering {
    NONE,
    /** One digit of the document number redrawn in another size and weight. */
    ALTERED_DIGITS,
    /** The holder's name set in a different typeface from the rest of the card. */
    MISMATCHED_FONT,
    /** A photo pasted over the original: other background, hard border, slightly rotated. */
    SWAPPED_PHOTO
}
