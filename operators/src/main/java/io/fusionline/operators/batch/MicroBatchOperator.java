package io.fusionline.operators.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * An operator that runs a model on micro-batches of its input, for the stages that call ONNX
 * Runtime (vision encoder, fusion).
 *
 * <p><b>Batching.</b> Each record is admitted on arrival ({@link #admit}: pre-processed into the
 * next slot of the subclass's batch buffer, or rejected). The batch runs ({@link #runBatch}) when
 * it holds {@link #capacity()} records or when its first record has waited {@code timeout} of
 * processing time, whichever comes first. Under load batches fill and throughput rises with their
 * size; at low load no record waits longer than the timeout plus one inference. The operator holds
 * at most one batch and otherwise back-pressures its input through Flink's network stack.
 *
 * <p><b>Order and exactly-once.</b> Output keeps input order, each record exactly once. The batch
 * is run before every checkpoint barrier ({@link #prepareSnapshotPreBarrier}) and at end of input,
 * so it is always empty in a snapshot and needs no state; after a failure, the records since the
 * last checkpoint are replayed upstream. A watermark that arrives while records are buffered is
 * held back and forwarded after them, so it never overtakes them.
 *
 * <p>Metrics: {@code batchSize} and {@code inferenceMillis} (histograms, per batch).
 *
 * @param <IN> input records
 * @param <OUT> output records
 */
public abstract class MicroBatchOperator<IN, OUT> extends AbstractStreamOperator<OUT>
        implements OneInputStreamOperator<IN, OUT> {
    private static final long serialVersionUID = 1L;

    private final Duration timeout;

    private transient List<StreamRecord<IN>> pending;
    private transient ScheduledFuture<?> timer;
    private transient long generation;
    private transient Watermark heldWatermark;
    private transient Histogram batchSizes;
    private transient Histogram inferenceMillis;

    protected MicroBatchOperator(Duration timeout) {
        this.timeout = timeout;
    }

    /** Most records per batch; fixed once {@link #open} has run. */
    protected abstract int capacity();

    /**
     * Prepares {@code record} as slot {@code slot} of the batch, or rejects it (emitting whatever
     * rejecting means, typically a dead letter) and returns false.
     */
    protected abstract boolean admit(StreamRecord<IN> record, int slot) throws Exception;

    /** Runs the model on the admitted {@code batch} and emits one output per record, in order. */
    protected abstract void runBatch(List<StreamRecord<IN>> batch) throws Exception;

    @Override
    public void open() throws Exception {
        super.open();
        pending = new ArrayList<>();
        batchSizes =
                getMetricGroup().histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
        inferenceMillis =
                getMetricGroup()
                        .histogram("inferenceMillis", new DescriptiveStatisticsHistogram(1000));
    }

    @Override
    public void processElement(StreamRecord<IN> element) throws Exception {
        if (!admit(element, pending.size())) {
            return;
        }
        pending.add(element.copy(element.getValue()));
        if (pending.size() >= capacity()) {
            flush();
        } else if (pending.size() == 1) {
            long due = getProcessingTimeService().getCurrentProcessingTime() + timeout.toMillis();
            long batch = generation;
            timer =
                    getProcessingTimeService()
                            .registerTimer(
                                    due,
                                    time -> {
                                        if (batch == generation) {
                                            flush();
                                        }
                                    });
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (pending.isEmpty()) {
            super.processWatermark(mark);
        } else {
            heldWatermark = mark;
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    /** Runs the buffered batch, then forwards a held-back watermark. */
    private void flush() throws Exception {
        generation++;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        int n = pending.size();
        if (n > 0) {
            long start = System.nanoTime();
            runBatch(pending);
            inferenceMillis.update(Math.round((System.nanoTime() - start) / 1e6));
            batchSizes.update(n);
            pending.clear();
        }
        if (heldWatermark != null) {
            Watermark mark = heldWatermark;
            heldWatermark = null;
            super.processWatermark(mark);
        }
    }
}
