package io.fusionline.operators.vision;

import io.fusionline.multimodal.ocr.OcrPreprocessor;
import io.fusionline.multimodal.ocr.OcrText;
import io.fusionline.multimodal.ocr.TextRecognizer;
import io.fusionline.multimodal.vision.ImageFormatException;
import io.fusionline.multimodal.vision.ImageLimits;
import io.fusionline.operators.DeadLetters;
import io.fusionline.operators.Failures;
import io.fusionline.schema.media.VideoFrame;
import io.fusionline.schema.serde.RecordCodec;
import io.fusionline.schema.serde.WireFormat;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * OCR of frames from configured sources (ID-document captures at the fraud desk, part-label cameras
 * on the line): each frame's text becomes a {@link TextEvent} of kind {@code OCR} with the frame's
 * source and event time, which the text and fusion stages read like any other text.
 *
 * <p>Frames from other sources pass without work. A frame that reads no text (blank, or below
 * {@link OcrText#MIN_CONFIDENCE_PERCENT}) produces no event and counts in {@code emptyReads}; a
 * frame that cannot be decoded goes to the dead letters with stage {@value #STAGE}. One Tesseract
 * engine per subtask, opened in {@code open()} and closed in {@code close()}.
 *
 * <p>Metrics: {@code reads}, {@code emptyReads}, {@code deadLettered}.
 */
public final class OcrFunction extends ProcessFunction<VideoFrame, TextEvent> {
    private static final long serialVersionUID = 1L;

    /** Stage name in dead letters. */
    public static final String STAGE = "ocr";

    /** Engine id in the events' {@code model} attribute. */
    public static final String MODEL = "tesseract-5.5.2/eng";

    private final Set<String> sources;
    private final TextRecognizer.Layout layout;
    private final ImageLimits limits;
    private final WireFormat wireFormat;
    private final String framesTopic;

    private transient TextRecognizer recognizer;
    private transient OcrPreprocessor preprocessor;
    private transient RecordCodec<VideoFrame> codec;
    private transient Counter reads;
    private transient Counter emptyReads;
    private transient Counter deadLettered;

    /**
     * @param sources source ids to read; {@code "*"} reads every source
     */
    public OcrFunction(
            Set<String> sources,
            TextRecognizer.Layout layout,
            ImageLimits limits,
            WireFormat wireFormat,
            String framesTopic) {
        this.sources = Set.copyOf(sources);
        this.layout = layout;
        this.limits = limits;
        this.wireFormat = wireFormat;
        this.framesTopic = framesTopic;
    }

    /** Whether frames of {@code sourceId} are read. */
    public boolean reads(String sourceId) {
        return sources.contains("*") || sources.contains(sourceId);
    }

    @Override
    public void open(OpenContext openContext) {
        recognizer = TextRecognizer.english(layout);
        preprocessor = new OcrPreprocessor(limits);
        codec = wireFormat.codec(VideoFrame.class);
        reads = getRuntimeContext().getMetricGroup().counter("reads");
        emptyReads = getRuntimeContext().getMetricGroup().counter("emptyReads");
        deadLettered = getRuntimeContext().getMetricGroup().counter("deadLettered");
    }

    @Override
    public void processElement(VideoFrame frame, Context ctx, Collector<TextEvent> out) {
        if (!reads(frame.getSourceId())) {
            return;
        }
        OcrText text;
        try {
            text =
                    recognizer.read(
                            preprocessor.prepare(
                                    VideoFrames.image(frame), VideoFrames.crop(frame)));
        } catch (ImageFormatException e) {
            reject(frame, VideoFrames.name(frame) + ": " + e.getMessage(), ctx);
            return;
        } catch (Throwable e) { // OpenCV's and Tesseract's native errors included
            reject(frame, Failures.reason(VideoFrames.name(frame) + ": OCR failed", e), ctx);
            return;
        }
        reads.inc();
        if (text.isEmpty()) {
            emptyReads.inc();
            return;
        }
        out.collect(
                TextEvent.newBuilder()
                        .setSourceId(frame.getSourceId())
                        .setEventTime(frame.getEventTime())
                        .setKind(TextKind.OCR)
                        .setText(text.text())
                        .setAttributes(
                                Map.of("frame", Long.toString(frame.getSequence()), "model", MODEL))
                        .setFeatures(Map.of("ocrConfidence", (double) text.confidence()))
                        .setOrigin(frame.getOrigin())
                        .build());
    }

    private void reject(VideoFrame frame, String reason, Context ctx) {
        deadLettered.inc();
        ctx.output(
                DeadLetters.TAG, VideoFrames.deadLetter(frame, codec, framesTopic, STAGE, reason));
    }

    @Override
    public void close() {
        if (recognizer != null) {
            recognizer.close();
            recognizer = null;
        }
    }
}
