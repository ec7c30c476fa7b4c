package io.fusionline.operators.decode;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Bounds every input record must keep before any stage spends work on it: the source id (length and
 * characters, since it becomes a key, a log line and a metric label), attributes and numeric
 * features (count, sizes, finite values), and event time within {@code [now - maxLag, now +
 * maxSkew]}.
 *
 * <p>Each check returns null or a one-line reason whose text up to its first colon is a fixed kind
 * (for the dead-letter metric label), and which never echoes a control character.
 *
 * @param maxSourceIdChars longest source id
 * @param maxEntries most attributes, and most numeric features, per record
 * @param maxKeyChars longest attribute or feature name
 * @param maxValueChars longest attribute value
 * @param maxLag oldest accepted event time behind the wall clock
 * @param maxSkew furthest accepted event time ahead of the wall clock
 */
public record InputLimits(
        int maxSourceIdChars,
        int maxEntries,
        int maxKeyChars,
        int maxValueChars,
        Duration maxLag,
        Duration maxSkew)
        implements Serializable {

    /**
     * 128-character ids, 64 attributes and features of 128-character names and 1024-character
     * values, event times from 7 days behind (a week's replay) to 5 minutes ahead of the clock.
     */
    public static final InputLimits DEFAULT =
            new InputLimits(128, 64, 128, 1024, Duration.ofDays(7), Duration.ofMinutes(5));

    public InputLimits {
        if (maxSourceIdChars <= 0 || maxEntries < 0 || maxKeyChars <= 0 || maxValueChars < 0) {
            throw new IllegalArgumentException("input limits must be positive");
        }
        if (maxLag == null || maxLag.isNegative() || maxSkew == null || maxSkew.isNegative()) {
            throw new IllegalArgumentException("input event-time bounds must be positive");
        }
    }

    /**
     * These limits with event times accepted from {@code maxLag} behind to {@code maxSkew} ahead.
     */
    public InputLimits withEventTimeBounds(Duration maxLag, Duration maxSkew) {
        return new InputLimits(
                maxSourceIdChars, maxEntries, maxKeyChars, maxValueChars, maxLag, maxSkew);
    }

    /** Problem with a source id: missing, too long, or holding a control or format character. */
    public String problemWithSourceId(String sourceId) {
        if (sourceId == null || sourceId.isBlank()) {
            return "no source id";
        }
        if (sourceId.length() > maxSourceIdChars) {
            return "source id too long: "
                    + sourceId.length()
                    + " characters (limit "
                    + maxSourceIdChars
                    + "), starting "
                    + printable(sourceId, 32);
        }
        for (int i = 0; i < sourceId.length(); ) {
            int c = sourceId.codePointAt(i);
            if (!printable(c)) {
                return String.format(
                        "source id has a control character: U+%04X at %d in %s",
                        c, i, printable(sourceId, 64));
            }
            i += Character.charCount(c);
        }
        return null;
    }

    /** Problem with an event time, judged against {@code nowMillis}. */
    public String problemWithEventTime(Instant eventTime, long nowMillis) {
        if (eventTime == null || eventTime.toEpochMilli() <= 0) {
            return "no event time: " + eventTime;
        }
        long t = eventTime.toEpochMilli();
        if (t > nowMillis + maxSkew.toMillis()) {
            return "event time ahead of the clock: "
                    + eventTime
                    + " is "
                    + Duration.ofMillis(t - nowMillis)
                    + " ahead (limit "
                    + maxSkew
                    + ")";
        }
        if (t < nowMillis - maxLag.toMillis()) {
            return "event time too old: "
                    + eventTime
                    + " is "
                    + Duration.ofMillis(nowMillis - t)
                    + " behind the clock (limit "
                    + maxLag
                    + ")";
        }
        return null;
    }

    /** Problem with string attributes: too many, names or values too long. */
    public String problemWithAttributes(Map<String, String> attributes) {
        if (attributes == null) {
            return null;
        }
        if (attributes.size() > maxEntries) {
            return "too many attributes: " + attributes.size() + " (limit " + maxEntries + ")";
        }
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            String name = problemWithName(e.getKey(), "attribute");
            if (name != null) {
                return name;
            }
            String value = e.getValue();
            if (value != null && value.length() > maxValueChars) {
                return "attribute value too long: "
                        + printable(e.getKey(), 32)
                        + " has "
                        + value.length()
                        + " characters (limit "
                        + maxValueChars
                        + ")";
            }
        }
        return null;
    }

    /** Problem with numeric features: too many, names too long, or NaN or infinite values. */
    public String problemWithFeatures(Map<String, Double> features) {
        if (features == null) {
            return null;
        }
        if (features.size() > maxEntries) {
            return "too many features: " + features.size() + " (limit " + maxEntries + ")";
        }
        for (Map.Entry<String, Double> e : features.entrySet()) {
            String name = problemWithName(e.getKey(), "feature");
            if (name != null) {
                return name;
            }
            Double value = e.getValue();
            if (value == null || !Double.isFinite(value)) {
                return "feature not finite: " + printable(e.getKey(), 32) + " = " + value;
            }
        }
        return null;
    }

    private String problemWithName(String name, String what) {
        if (name == null || name.isEmpty()) {
            return what + " without a name: ''";
        }
        if (name.length() > maxKeyChars) {
            return what
                    + " name too long: "
                    + name.length()
                    + " characters (limit "
                    + maxKeyChars
                    + ")";
        }
        return null;
    }

    /** {@link #escaped} in quotes. */
    public static String printable(String text, int max) {
        return "'" + escaped(text, max) + "'";
    }

    /**
     * {@code text} cut to {@code max} characters (then {@code ...}), every control or format
     * character written as {@code \\uXXXX}: safe for a terminal, a log line or a dead letter's
     * reason.
     */
    public static String escaped(String text, int max) {
        StringBuilder out = new StringBuilder();
        int shown = 0;
        int i = 0;
        for (; i < text.length() && shown < max; shown++) {
            int c = text.codePointAt(i);
            if (printable(c)) {
                out.appendCodePoint(c);
            } else {
                out.append(String.format("\\u%04X", c));
            }
            i += Character.charCount(c);
        }
        if (i < text.length()) {
            out.append("...");
        }
        return out.toString();
    }

    private static boolean printable(int c) {
        int type = Character.getType(c);
        return !Character.isISOControl(c)
                && type != Character.FORMAT
                && type != Character.SURROGATE
                && type != Character.LINE_SEPARATOR
                && type != Character.PARAGRAPH_SEPARATOR
                && type != Character.UNASSIGNED
                && type != Character.PRIVATE_USE;
    }
}
