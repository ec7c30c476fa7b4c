package io.fusionline.operators.fusion;

import io.fusionline.multimodal.text.TextEmbedding;
import io.fusionline.multimodal.text.TextEncoder;
import io.fusionline.operators.DeadLetters;
import io.fusionline.operators.EventTimeLag;
import io.fusionline.operators.Failures;
import io.fusionline.schema.fusion.TextFeatures;
import io.fusionline.schema.serde.RecordCodec;
import io.fusionline.schema.serde.WireFormat;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import io.fusionline.schema.vision.VisionTensors;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Text events → {@link TextFeatures}: word pieces and MiniLM token vectors ({@link TextEncoder}),
 * one text per model call, cut at the fusion model's token slots. The event travels along, so its
 * attributes and numeric features reach the fusion model.
 *
 * <p><b>Deferred kinds.</b> Texts of the kinds in {@code deferred} pass through unencoded ({@link
 * #deferred(TextEvent)}): the fusion stage decides windows holding only such a text with a head
 * that needs no token vectors, and encodes the text itself when a window needs the bridge.
 *
 * <p>Every event yields exactly one output (an empty text yields {@code [CLS] [SEP]} and counts as
 * no language at fusion). Stateless: order and exactly-once follow from the input. The encoder's
 * session is shared per JVM, opened in {@link #open} and released in {@link #close}.
 *
 * <p>Metrics: {@code texts} (counter), {@code inferenceMillis} (histogram).
 */
public final class TextEncodeFunction extends ProcessFunction<TextEvent, TextFeatures> {
    private static final long serialVersionUID = 1L;

    /** Stage name in dead letters. */
    public static final String STAGE = "text-encoder";

    private final int maxTokens;
    private final int intraOpThreads;
    private final WireFormat wireFormat;
    private final String textTopic;
    private final Set<TextKind> deferred;

    private transient TextEncoder encoder;
    private transient Counter texts;
    private transient EventTimeLag lag;
    private transient Histogram inferenceMillis;
    private transient RecordCodec<TextEvent> codec;
    private transient Counter deadLettered;

    /**
     * @param maxTokens token slots per text, {@code [CLS]} and {@code [SEP]} included (the fusion
     *     model's {@code text.maxTokens})
     * @param textTopic topic named in the dead letters of texts the encoder fails on
     * @param deferred kinds whose texts pass through unencoded (see the class comment)
     */
    public TextEncodeFunction(
            int maxTokens,
            int intraOpThreads,
            WireFormat wireFormat,
            String textTopic,
            Set<TextKind> deferred) {
        this.maxTokens = maxTokens;
        this.intraOpThreads = intraOpThreads;
        this.wireFormat = wireFormat;
        this.textTopic = textTopic;
        this.deferred = deferred.isEmpty() ? Set.of() : EnumSet.copyOf(deferred);
    }

    @Override
    public void open(OpenContext context) {
        encoder = TextEncoder.open(intraOpThreads, maxTokens);
        texts = getRuntimeContext().getMetricGroup().counter("texts");
        deadLettered = getRuntimeContext().getMetricGroup().counter("deadLettered");
        codec = wireFormat.codec(TextEvent.class);
        lag = EventTimeLag.register(getRuntimeContext().getMetricGroup());
        inferenceMillis =
                getRuntimeContext()
                        .getMetricGroup()
                        .histogram("inferenceMillis", new DescriptiveStatisticsHistogram(1000));
    }

    @Override
    public void processElement(TextEvent event, Context ctx, Collector<TextFeatures> out) {
        if (deferred.contains(event.getKind())) {
            texts.inc();
            out.collect(deferred(event));
            lag.record(event.getEventTime().toEpochMilli());
            return;
        }
        long start = System.nanoTime();
        TextEmbedding e;
        try {
            e = encoder.encode(event.getText() == null ? "" : event.getText());
        } catch (Throwable failure) { // ONNX Runtime's and the tokenizer's errors: this text's
            deadLettered.inc();
            ctx.output(
                    DeadLetters.TAG,
                    DeadLetters.of(
                            event.getOrigin(),
                            textTopic,
                            event.getSourceId().getBytes(StandardCharsets.UTF_8),
                            codec.encode(event),
                            STAGE,
                            Failures.reason("text encoder failed", failure)));
            return;
        }
        float millis = (System.nanoTime() - start) / 1e6f;
        inferenceMillis.update(Math.round(millis));
        texts.inc();
        out.collect(features(event, e, millis));
        lag.record(event.getEventTime().toEpochMilli());
    }

    /** {@code e}, the encoding of {@code event}'s text, as the record that carries it. */
    public static TextFeatures features(TextEvent event, TextEmbedding e, float millis) {
        List<Integer> wordOfPiece = new ArrayList<>(e.wordOfPiece().length);
        for (int w : e.wordOfPiece()) {
            wordOfPiece.add(w);
        }
        return TextFeatures.newBuilder()
                .setEvent(event)
                .setPieces(Arrays.asList(e.pieces()))
                .setWords(Arrays.asList(e.words()))
                .setWordOfPiece(wordOfPiece)
                .setDim(e.dim())
                .setTokenVectors(VisionTensors.pack(e.tokenVectors()))
                .setTextEncoder(TextEncoder.MODEL_ID)
                .setInferenceMillis(millis)
                .build();
    }

    /** {@code event} unencoded: no pieces, words or vectors, and an empty encoder id. */
    public static TextFeatures deferred(TextEvent event) {
        return TextFeatures.newBuilder()
                .setEvent(event)
                .setPieces(List.of())
                .setWords(List.of())
                .setWordOfPiece(List.of())
                .setDim(0)
                .setTokenVectors(java.nio.ByteBuffer.allocate(0))
                .setTextEncoder("")
                .build();
    }

    @Override
    public void close() {
        if (encoder != null) {
            encoder.close();
            encoder = null;
        }
    }
}
