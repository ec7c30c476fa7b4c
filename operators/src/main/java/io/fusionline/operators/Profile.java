package io.fusionline.operators;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a job decides. Each profile names its built-in models and settings ({@code
 * FusionOptions.profile}); its {@link #toString()} is the lower-case name used on command lines and
 * in {@code fusionline.profile}.
 */
public enum Profile {
    /** The factory line: part frames, machine logs and operator speech into defect decisions. */
    INSPECTION,
    /** The fraud desk: payments, call speech and ID-card scans into risk scores. */
    FRAUD,
    /** The keyword baseline over texts and transcripts only: no fusion stage. */
    TEXT;

    /** Whether decisions come from the fusion stages (every profile but {@link #TEXT}). */
    public boolean fused() {
        return this != TEXT;
    }

    /**
     * The profile called {@code name}, in any case.
     *
     * @throws IllegalArgumentException naming the profiles there are
     */
    public static Profile named(String name) {
        for (Profile p : values()) {
            if (p.toString().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "unknown profile '"
                        + name
                        + "' (expected "
                        + Arrays.stream(values())
                                .map(Profile::toString)
                                .collect(Collectors.joining(", "))
                        + ")");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
