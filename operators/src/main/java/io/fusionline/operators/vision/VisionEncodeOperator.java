package io.fusionline.operators.vision;

import io.fusionline.multimodal.fusion.BuiltInModels;
import io.fusionline.multimodal.vision.FramePreprocessor;
import io.fusionline.multimodal.vision.ImageFormatException;
import io.fusionline.multimodal.vision.VisionEmbedding;
import io.fusionline.multimodal.vision.VisionEncoder;
import io.fusionline.multimodal.vision.VisionModelDescriptor;
import io.fusionline.operators.DeadLetters;
import io.fusionline.operators.EventTimeLag;
import io.fusionline.operators.Failures;
import io.fusionline.operators.batch.MicroBatchOperator;
import io.fusionline.schema.media.VideoFrame;
import io.fusionline.schema.serde.RecordCodec;
import io.fusionline.schema.serde.WireFormat;
import io.fusionline.schema.vision.VisionFeatures;
import io.fusionline.schema.vision.VisionTensors;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Frames → {@link VisionFeatures} with an ONNX encoder, in micro-batches ({@link
 * MicroBatchOperator}: B frames or T ms, order kept, empty at every checkpoint).
 *
 * <p>Each frame is decoded and pre-processed on arrival into the next slot of the batch's pixel
 * buffer; ONNX Runtime runs the batch once. Features carry the pooled embedding, the patch tokens
 * (unless the options drop them), the patch grid's width, and the encoder's own class logits when
 * its descriptor names them (the fusion stage's early exit reads them).
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
public final class VisionEncodeOperator extends MicroBatchOperator<VideoFrame, VisionFeatures> {
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
    private transient List<String> logitLabels;
    private transient int gridWidth;
    private transient int inputWidth;
    private transient int inputHeight;
    private transient int capacity;
    private transient int tensorSize;
    private transient float[] pixels;

    private transient Counter frames;
    private transient EventTimeLag lag;
    private transient Counter deadLettered;

    public VisionEncodeOperator(VisionOptions options, WireFormat wireFormat, String framesTopic) {
        super(options.batchTimeout());
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
        logitLabels = descriptor.logitsOutput() == null ? List.of() : descriptor.labels();
        capacity = Math.min(options.batchSize(), encoder.maxBatch());
        tensorSize = descriptor.input().tensorSize();
        inputWidth = descriptor.input().width();
        inputHeight = descriptor.input().height();
        pixels = new float[capacity * tensorSize];

        frames = getMetricGroup().counter("frames");
        deadLettered = getMetricGroup().counter("deadLettered");
        getMetricGroup().meter("framesPerSecond", new MeterView(frames));
        lag = EventTimeLag.register(getMetricGroup());
    }

    @Override
    protected int capacity() {
        return capacity;
    }

    @Override
    protected boolean admit(StreamRecord<VideoFrame> element, int slot) {
        VideoFrame frame = element.getValue();
        try {
            preprocessor.toTensor(
                    VideoFrames.image(frame), VideoFrames.crop(frame), pixels, slot * tensorSize);
            return true;
        } catch (ImageFormatException e) {
            reject(frame, VideoFrames.name(frame) + ": " + e.getMessage());
            return false;
        } catch (Throwable e) { // OpenCV's native errors included: this frame's, not the job's
            reject(frame, Failures.reason(VideoFrames.name(frame) + ": pre-processing failed", e));
            return false;
        }
    }

    private void reject(VideoFrame frame, String reason) {
        deadLettered.inc();
        output.collect(
                DeadLetters.TAG,
                new StreamRecord<>(
                        VideoFrames.deadLetter(frame, codec, framesTopic, STAGE, reason)));
    }

    @Override
    protected void runBatch(List<StreamRecord<VideoFrame>> batch) {
        int n = batch.size();
        long start = System.nanoTime();
        List<VisionEmbedding> embeddings;
        try {
            embeddings = encoder.encode(pixels, n);
        } catch (Throwable e) { // ONNX Runtime's errors become the batch's dead letters
            String reason = Failures.reason("vision encoder failed on a batch of " + n, e);
            for (StreamRecord<VideoFrame> in : batch) {
                reject(in.getValue(), VideoFrames.name(in.getValue()) + ": " + reason);
            }
            return;
        }
        float millis = (System.nanoTime() - start) / 1e6f;
        if (gridWidth == 0 && n > 0) {
            gridWidth = gridWidth(embeddings.get(0).patches());
        }
        for (int i = 0; i < n; i++) {
            StreamRecord<VideoFrame> in = batch.get(i);
            // Read before collect: replace() hands this record object on down the chain.
            long eventTime = in.getValue().getEventTime().toEpochMilli();
            output.collect(in.replace(features(in.getValue(), embeddings.get(i), millis / n)));
            lag.record(eventTime);
        }
        frames.inc(n);
    }

    /** Width of a square-patch grid of {@code patches} over the model's input, 0 if none fits. */
    private int gridWidth(int patches) {
        double side = Math.sqrt((double) inputWidth * inputHeight / patches);
        int width = (int) Math.round(inputWidth / side);
        int height = (int) Math.round(inputHeight / side);
        return width * height == patches ? width : 0;
    }

    private VisionFeatures features(VideoFrame frame, VisionEmbedding e, float millisPerFrame) {
        List<Float> logits = e.logits() == null ? List.of() : VisionTensors.list(e.logits());
        return VisionFeatures.newBuilder()
                .setSourceId(frame.getSourceId())
                .setSequence(frame.getSequence())
                .setEventTime(frame.getEventTime())
                .setModel(model)
                .setPooled(VisionTensors.list(e.pooled()))
                .setPatchCount(options.keepPatchTokens() ? e.patches() : 0)
                .setPatchDim(e.dim())
                .setPatchTokens(
                        options.keepPatchTokens()
                                ? VisionTensors.pack(e.patchTokens())
                                : ByteBuffer.allocate(0))
                .setLogits(logits)
                .setLogitLabels(e.logits() == null ? List.of() : logitLabels)
                .setGridWidth(gridWidth)
                .setInferenceMillis(millisPerFrame)
                .setOrigin(frame.getOrigin())
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
