package io.fusionline.operators;

import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The histogram {@code eventTimeLagMillis} of a stage: wall-clock time when the stage emits a
 * result minus the event time the result is about. Where sources stamp event time from the wall
 * clock (cameras, microphones, payment systems), it is the latency from capture to this stage; with
 * replayed or simulated event time it shows how far processing runs behind (or ahead of) it. The
 * last 1000 values per subtask make its quantiles.
 */
public final class EventTimeLag {

    /** Metric name. */
    public static final String NAME = "eventTimeLagMillis";

    private final Histogram histogram;

    private EventTimeLag(Histogram histogram) {
        this.histogram = histogram;
    }

    /** Registers the histogram in {@code group}; call from {@code open()}. */
    public static EventTimeLag register(MetricGroup group) {
        return new EventTimeLag(group.histogram(NAME, new DescriptiveStatisticsHistogram(1000)));
    }

    /** Records one result about {@code eventTimeMillis}, emitted now. */
    public void record(long eventTimeMillis) {
        histogram.update(System.currentTimeMillis() - eventTimeMillis);
    }
}
