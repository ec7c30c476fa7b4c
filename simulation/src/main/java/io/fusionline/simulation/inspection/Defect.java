package io.fusionline.simulation.inspection;

import java.util.Locale;

/** What is wrong with a part; {@link #NONE} for a good one. Labels match the decision labels. */
public enum Defect {
    NONE,
    SCRATCH,
    DENT,
    STAIN,
    CRACK,
    MISSING_FEATURE;

    /** The decision label: {@code ok} for {@link #NONE}, else the lower-case name. */
    public String label() {
        return this == NONE ? "ok" : name().toLowerCase(Locale.ROOT);
    }
}
