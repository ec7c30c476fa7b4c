package io.fusionline.runtime;

import java.util.Arrays;
import java.util.Collection;

/** The order statistics the benches and the dashboard report. Pure functions. */
public final class Stats {

    private Stats() {}

    /**
     * The median of {@code values} (any order; not changed): the middle value, or the mean of the
     * two middle ones. NaN when empty.
     */
    public static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Percentile {@code p} (0..100) of ascending {@code sorted}, nearest rank; NaN when empty. */
    public static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /**
     * Percentile {@code p} (0..100) of {@code values} in any order, nearest rank; NaN when empty.
     */
    public static double percentile(Collection<Double> values, double p) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return percentile(sorted, p);
    }
}
