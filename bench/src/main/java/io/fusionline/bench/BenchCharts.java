package io.fusionline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG charts of benchmark results (XChart, headless): throughput against parallelism, with the raw
 * engine and ideal linear scaling for reference, and latency CDFs. Every method writes one file and
 * returns its path.
 */
public final class BenchCharts {

    private static final int WIDTH = 800;
    private static final int HEIGHT = 500;

    static {
        // No display where benchmarks run (CI, servers); PNGs need none.
        System.setProperty("java.awt.headless", "true");
    }

    private BenchCharts() {}

    /**
     * Throughput (committed records/s) at each parallelism, the raw engine's single-thread rate as
     * a flat line, and linear scaling from the first parallelism.
     */
    public static Path throughputVsParallelism(
            Path file,
            String title,
            List<Integer> parallelisms,
            List<Double> perSecond,
            double rawPerSecond) {
        XYChart chart = chart(title, "parallelism", "frames/s (committed)");
        double[] x = parallelisms.stream().mapToDouble(Integer::doubleValue).toArray();
        double[] y = perSecond.stream().mapToDouble(Double::doubleValue).toArray();
        chart.addSeries("job on the cluster", x, y).setMarker(SeriesMarkers.CIRCLE);
        double[] ideal = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            ideal[i] = y[0] * x[i] / x[0];
        }
        chart.addSeries("linear scaling", x, ideal).setMarker(SeriesMarkers.NONE);
        double[] raw = new double[x.length];
        Arrays.fill(raw, rawPerSecond);
        chart.addSeries("raw engine, 1 thread", x, raw).setMarker(SeriesMarkers.NONE);
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setYAxisMin(0.0);
        return write(chart, file);
    }

    /**
     * Cumulative distribution of latencies (ms): share of records at or below each latency.
     *
     * @param series legend text of the curve (the run's settings and quantiles)
     */
    public static Path latencyCdf(Path file, String title, String series, double[] latencyMillis) {
        double[] sorted = latencyMillis.clone();
        Arrays.sort(sorted);
        double[] share = new double[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            share[i] = (i + 1) * 100.0 / sorted.length;
        }
        XYChart chart = chart(title, "latency (ms)", "% of frames at or below");
        XYSeries curve = chart.addSeries(series, sorted, share);
        curve.setMarker(SeriesMarkers.NONE);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        chart.getStyler().setYAxisDecimalPattern("0");
        chart.getStyler().setYAxisTickMarkSpacingHint(60);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(100.0);
        return write(chart, file);
    }

    /**
     * Stepped load: per job, the rate its input was offered at each step against the rate it
     * committed, with the offered rate itself as the line a job that keeps up lies on.
     *
     * @param offered per job (legend text), the offered rate of each step
     * @param committed per job, the committed rate of each step
     */
    public static Path steppedLoad(
            Path file,
            String title,
            java.util.Map<String, double[]> offered,
            java.util.Map<String, double[]> committed) {
        XYChart chart = chart(title, "offered (payments/s)", "committed (payments/s)");
        double max = 0;
        for (var e : offered.entrySet()) {
            chart.addSeries(e.getKey(), e.getValue(), committed.get(e.getKey()))
                    .setMarker(SeriesMarkers.CIRCLE);
            for (double v : e.getValue()) {
                max = Math.max(max, v);
            }
        }
        chart.addSeries("offered = committed", new double[] {0, max}, new double[] {0, max})
                .setMarker(SeriesMarkers.NONE);
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setYAxisMin(0.0);
        return write(chart, file);
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart chart =
                new XYChartBuilder()
                        .width(WIDTH)
                        .height(HEIGHT)
                        .title(title)
                        .xAxisTitle(x)
                        .yAxisTitle(y)
                        .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        return chart;
    }

    private static Path write(XYChart chart, Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
            // XChart appends the extension when the name lacks it.
            return file.toString().endsWith(".png") ? file : Path.of(file + ".png");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + file, e);
        }
    }
}
