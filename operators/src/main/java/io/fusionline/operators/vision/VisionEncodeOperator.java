package io.fusionline.operators.vision;

import io.fusionline.multimodal.fusion.BuiltInModels;
import io.fusionline.multimodal.vision.FramePreprocessor;
import io.fusionline.multimodal.vision.ImageFormatException;
import io.fusionline.multimodal.vision.VisionEmbedding;
import io.fusionline.multimodal.vision.VisionEncoder;
import io.fusionline.multimodal.vision.VisionModelDescriptor;
import io.fusionline.operators.DeadLetters;
import io.fusionline.schema.media.VideoFrame;
import io.fusionline.schema.serde.RecordCodec;
import io.fusionline.schema.serde.WireFormat;
import io.fusionline.schema.vision.VisionFeatures;
import io.fusionline.schema.vision.VisionTensors;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Frames → {@link VisionFeatures} with an ONNX encoder, in micro-batches.
 *
 * <p><b>Batching.</b> Each frame is decoded and pre-processed on arrival into the next slot of a
 * batch buffer. The batch runs when it holds {@code batchSize} frames (B) or when its first frame
 * has waited {@code batchTimeout} (T) of processing time, whichever comes first. Under load batches
 * fill and throughput rises with B; at low load no frame waits longer than T plus one inference.
 * Frames in flight are bounded by B: the operator holds at most B frames and otherwise
 * back-pressures its input through Flink's network stack.
 *
 * <p><b>Order and exactly-once.</b> Output keeps input order (per source, and overall), each frame
 * exactly once. The buffer is flushed before every checkpoint barrier ({@link
 * #prepareSnapshotPreBarrier}) and at end of input, so it is always empty in a snapshot and needs
 * no state; after a failure, frames since the last checkpoint are replayed from Kafka. A watermark
 * that arrives while frames are buffered is held back and forwarded after them, so it never
 * overtakes them.
 *
 * <p><b>Bad input.</b> A frame that fails to decode (corrupt data, a region of interest outside the
 * image) goes to the {@link DeadLetters} side output with stage {@value #STAGE} and the reason.
 *
 * <p><b>Resources.</b> The encoder session is shared per JVM ({@link VisionEncoder}), opened in
 * {@link #open} and released in {@link #close}.
 *
 * <p>Metrics: {@code framesPerSecond} (meter), {@code batchSize} and {@code inferenceMillis}
 * (histograms, per batch), {@code frames}, {@code deadLettered}.
 */
public final class VisionEncodeOperator extends AbstractStreamOperator<VisionFeatures>
        implements OneInputStreamOperator<VideoFrame, VisionFeatures> {
    private static final long serialVersionUID = 1L;

    /** Stage name in dead letters. */
    public static final String STAGE = "vision";

    private final VisionOptions options;
    private final WireFormat wireFormat;
    private final String framesTopic;

    private transient VisionEncoder encoder;
    private transient FramePreprocessor preprocessor;
    private transient RecordCodec<VideoFrame> codec;
    private transient String model;
    private transient int capacity;
    private transient int tensorSize;
    private transient float[] pixels;
    private transient List<StreamRecord<VideoFrame>> pending;
    private transient ScheduledFuture<?> timer;
    private transient long generation;
    private transient Watermark heldWatermark;

    private transient Counter frames;
    private transient Counter deadLettered;
    private transient Meter framesPerSecond;
    private transient Histogram batchSizes;
    private transient Histogram inferenceMillis;

    public VisionEncodeOperator(VisionOptions options, WireFormat wireFormat, String framesTopic) {
        this.options = options;
        this.wireFormat = wireFormat;
        this.framesTopic = framesTopic;
    }

    @Override
    public void open() throws Exception {
        super.open();
        VisionModelDescriptor descriptor = BuiltInModels.resolveVision(options.descriptor());
        encoder = VisionEncoder.open(descriptor, options.intraOpThreads());
        preprocessor = new FramePreprocessor(descriptor.input(), options.limits());
        codec = wireFormat.codec(VideoFrame.class);
        model = descriptor.modelRef();
        capacity = Math.min(options.batchSize(), encoder.maxBatch());
        tensorSize = descriptor.input().tensorSize();
        pixels = new float[capacity * tensorSize];
        pending = new ArrayList<>(capacity);

        frames = getMetricGroup().counter("frames");
        deadLettered = getMetricGroup().counter("deadLettered");
        framesPerSecond = getMetricGroup().meter("framesPerSecond", new MeterView(frames));
        batchSizes =
                getMetricGroup().histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
        inferenceMillis =
                getMetricGroup()
                        .histogram("inferenceMillis", new DescriptiveStatisticsHistogram(1000));
    }

    @Override
    public void processElement(StreamRecord<VideoFrame> element) throws Exception {
        VideoFrame frame = element.getValue();
        try {
            preprocessor.toTensor(
                    VideoFrames.image(frame),
                    VideoFrames.crop(frame),
                    pixels,
                    pending.size() * tensorSize);
        } catch (ImageFormatException e) {
            deadLettered.inc();
            byte[] key =
                    frame.getSourceId() == null
                            ? null
                            : frame.getSourceId().getBytes(StandardCharsets.UTF_8);
            output.collect(
                    DeadLetters.TAG,
                    new StreamRecord<>(
                            DeadLetters.of(
                                    framesTopic,
                                    key,
                                    codec.encode(frame),
                                    STAGE,
                                    VideoFrames.name(frame) + ": " + e.getMessage())));
            return;
        }
        pending.add(element.copy(frame));
        if (pending.size() >= capacity) {
            flush();
        } else if (pending.size() == 1) {
            long due =
                    getProcessingTimeService().getCurrentProcessingTime()
                            + options.batchTimeout().toMillis();
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

    /** Encodes the buffered frames and emits their features in arrival order. */
    private void flush() throws Exception {
        generation++;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        int n = pending.size();
        if (n > 0) {
            long start = System.nanoTime();
            List<VisionEmbedding> embeddings = encoder.encode(pixels, n);
            float millis = (System.nanoTime() - start) / 1e6f;
            inferenceMillis.update(Math.round(millis));
            batchSizes.update(n);
            for (int i = 0; i < n; i++) {
                StreamRecord<VideoFrame> in = pending.get(i);
                output.collect(in.replace(features(in.getValue(), embeddings.get(i), millis / n)));
            }
            frames.inc(n);
            pending.clear();
        }
        if (heldWatermark != null) {
            Watermark mark = heldWatermark;
            heldWatermark = null;
            super.processWatermark(mark);
        }
    }

    private VisionFeatures features(VideoFrame frame, VisionEmbedding e, float millisPerFrame) {
        List<Float> pooled = new ArrayList<>(e.dim());
        for (float v : e.pooled()) {
            pooled.add(v);
        }
        return VisionFeatures.newBuilder()
                .setSourceId(frame.getSourceId())
                .setSequence(frame.getSequence())
                .setEventTime(frame.getEventTime())
                .setModel(model)
                .setPooled(pooled)
                .setPatchCount(options.keepPatchTokens() ? e.patches() : 0)
                .setPatchDim(e.dim())
                .setPatchTokens(
                        options.keepPatchTokens()
                                ? VisionTensors.pack(e.patchTokens())
                                : ByteBuffer.allocate(0))
                .setInferenceMillis(millisPerFrame)
                .build();
    }

    @Override
    public void close() throws Exception {
        try {
            if (encoder != null) {
                encoder.close();
                encoder = null;
            }
        } finally {
            super.close();
        }
    }
}
