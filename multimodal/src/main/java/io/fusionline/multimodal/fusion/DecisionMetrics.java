package io.fusionline.multimodal.fusion;

import java.util.Arrays;

/**
 * The quality measures the model cards and {@code fusionline eval} report, computed the way the
 * training kit computes them ({@code training/fusionline_kit/metrics.py}), so the two can be
 * compared.
 */
public final class DecisionMetrics {

    private DecisionMetrics() {}

    /**
     * Macro-averaged F1 over {@code classes} classes (a class never predicted nor true scores 0).
     */
    public static double macroF1(int[] predicted, int[] truth, int classes) {
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            int tp = 0;
            int fp = 0;
            int fn = 0;
            for (int i = 0; i < truth.length; i++) {
                if (predicted[i] == c && truth[i] == c) {
                    tp++;
                } else if (predicted[i] == c) {
                    fp++;
                } else if (truth[i] == c) {
                    fn++;
                }
            }
            sum += tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
        }
        return sum / classes;
    }

    /** Share of items where "some defect" (class ≠ 0) is predicted exactly when one is true. */
    public static double defectVsOkAccuracy(int[] predicted, int[] truth) {
        int right = 0;
        for (int i = 0; i < truth.length; i++) {
            if ((predicted[i] != 0) == (truth[i] != 0)) {
                right++;
            }
        }
        return (double) right / truth.length;
    }

    /** Area under the ROC curve of {@code score} for {@code positive}, ties counted half. */
    public static double auroc(double[] score, boolean[] positive) {
        int n = score.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(score[a], score[b]));
        double[] rank = new double[n];
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && score[order[j + 1]] == score[order[i]]) {
                j++;
            }
            for (int k = i; k <= j; k++) {
                rank[order[k]] = (i + j) / 2.0 + 1;
            }
            i = j + 1;
        }
        long pos = 0;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (positive[i]) {
                pos++;
                sum += rank[i];
            }
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        return (sum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }
}
