package io.fusionline.jobs;

import io.fusionline.multimodal.fusion.BuiltInModels;
import io.fusionline.multimodal.ocr.TextRecognizer;
import io.fusionline.multimodal.vision.ImageLimits;
import io.fusionline.operators.DeadLetterMetricsFunction;
import io.fusionline.operators.DeadLetters;
import io.fusionline.operators.Profile;
import io.fusionline.operators.audio.AudioChunkValidator;
import io.fusionline.operators.audio.SpeechRecognitionFunction;
import io.fusionline.operators.audio.SpeechRecognitionOptions;
import io.fusionline.operators.decode.DecodeFunction;
import io.fusionline.operators.decode.InputLimits;
import io.fusionline.operators.decode.RecordValidator;
import io.fusionline.operators.fusion.AlertFunction;
import io.fusionline.operators.fusion.AlignmentFunction;
import io.fusionline.operators.fusion.AlignmentOptions;
import io.fusionline.operators.fusion.FusionDecisionOperator;
import io.fusionline.operators.fusion.FusionOptions;
import io.fusionline.operators.fusion.TextEncodeFunction;
import io.fusionline.operators.fusion.WindowRouter;
import io.fusionline.operators.kafka.RawRecord;
import io.fusionline.operators.text.TextDecisionFunction;
import io.fusionline.operators.text.TextEventValidator;
import io.fusionline.operators.vision.OcrFunction;
import io.fusionline.operators.vision.VideoFrameValidator;
import io.fusionline.operators.vision.VisionEncodeOperator;
import io.fusionline.operators.vision.VisionOptions;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.fusion.AlignedWindow;
import io.fusionline.schema.fusion.AlignmentInput;
import io.fusionline.schema.fusion.TextFeatures;
import io.fusionline.schema.media.AudioChunk;
import io.fusionline.schema.media.VideoFrame;
import io.fusionline.schema.ops.DeadLetter;
import io.fusionline.schema.serde.WireFormat;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import io.fusionline.schema.text.Transcript;
import io.fusionline.schema.text.TranscriptKind;
import io.fusionline.schema.vision.VisionFeatures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The fusionline job graph. It takes its sources and sinks, so tests and the local runtime can swap
 * them; {@link KafkaConnectors} makes the production ones.
 *
 * <pre>
 * audio ─▶ decode+validate ─▶ keyBy(sourceId) ─▶ speech recognition ─▶ transcripts
 *                                                        │ (finals, as TRANSCRIPT text events)
 * frames ─▶ decode+validate ─┬▶ vision encoder (micro-batches) ─▶ vision-features
 *                            └▶ OCR (configured sources) ─┐ (OCR text events)
 * text-events ─▶ decode+validate ──────────────────────── ∪ ─▶ event time ─▶ keyBy ─▶ decide ─▶ decisions
 *        every stage's rejects ─────────────────────────────────────────────────────────▶ dead-letters
 * </pre>
 *
 * <p>The speech branch is present when an audio source is given (it then needs a transcripts sink).
 * The vision branch is present when a frames source is given with vision options (it then needs a
 * vision-features sink) and/or OCR sources. Frames are not re-keyed: the Kafka source's partitions
 * (keyed by source id) flow forward into the encoder, which keeps their order, so each camera's
 * features come out in frame order without shuffling image payloads across the network.
 *
 * <p>Guarantees: with checkpointing on and exactly-once sinks, each input produces exactly one
 * decision or exactly one dead letter, also across failures. Every operator has a stable {@code
 * uid} so savepoints survive graph changes; new stages (speech, vision, fusion) join between
 * decoding and deciding, and add their rejects to the same dead-letter union.
 */
public final class FusionlineJob {

    private final Source<RawRecord, ?, ?> textEvents;
    private final Sink<Decision> decisions;
    private final Sink<DeadLetter> deadLetters;
    private final WireFormat wireFormat;
    private final Duration maxOutOfOrderness;
    private final Duration alignmentMaxHold;
    private final int alignmentMaxInputs;
    private final long alignmentMaxBytes;
    private final Duration sourceIdleTimeout;
    private final Duration stateIdleTimeout;
    private final UnaryOperator<DataStream<TextEvent>> textInterceptor;
    private final Source<RawRecord, ?, ?> audio;
    private final Sink<Transcript> transcripts;
    private final SpeechRecognitionOptions speech;
    private final String audioTopic;
    private final UnaryOperator<DataStream<AudioChunk>> audioInterceptor;
    private final Source<RawRecord, ?, ?> frames;
    private final Sink<VisionFeatures> visionFeatures;
    private final VisionOptions vision;
    private final Set<String> ocrSources;
    private final TextRecognizer.Layout ocrLayout;
    private final ImageLimits imageLimits;
    private final InputLimits inputLimits;
    private final int deadLetterMaxPayloadBytes;
    private final String framesTopic;
    private final FusionOptions fusion;
    private final Sink<Decision> alerts;
    private final Sink<Decision> scores;
    private final String visionFeaturesTopic;
    private final String textEventsTopic;
    private final Duration latencyBufferTimeout;

    private FusionlineJob(Builder b) {
        this.latencyBufferTimeout = b.latencyBufferTimeout;
        this.fusion = b.fusion;
        this.alerts = b.alerts;
        this.scores = b.scores;
        this.visionFeaturesTopic = b.visionFeaturesTopic;
        this.textEventsTopic = b.textEventsTopic;
        this.frames = b.frames;
        this.visionFeatures = b.visionFeatures;
        this.vision = b.vision;
        this.ocrSources = b.ocrSources;
        this.ocrLayout = b.ocrLayout;
        this.imageLimits = b.imageLimits;
        this.inputLimits = b.inputLimits;
        this.deadLetterMaxPayloadBytes = b.deadLetterMaxPayloadBytes;
        this.framesTopic = b.framesTopic;
        this.audio = b.audio;
        this.transcripts = b.transcripts;
        this.speech = b.speech;
        this.audioTopic = b.audioTopic;
        this.audioInterceptor = b.audioInterceptor;
        this.textEvents = b.textEvents;
        this.decisions = b.decisions;
        this.deadLetters = b.deadLetters;
        this.wireFormat = b.wireFormat;
        this.maxOutOfOrderness = b.maxOutOfOrderness;
        this.alignmentMaxHold = b.alignmentMaxHold;
        this.alignmentMaxInputs = b.alignmentMaxInputs;
        this.alignmentMaxBytes = b.alignmentMaxBytes;
        this.sourceIdleTimeout = b.sourceIdleTimeout;
        this.stateIdleTimeout = b.stateIdleTimeout;
        this.textInterceptor = b.textInterceptor;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder with the production Kafka source and exactly-once sinks of {@code conf} and its
     * options already set; callers may still replace any of them (a bounded source in tests).
     */
    public static Builder onKafka(Configuration conf) {
        Builder builder =
                builder()
                        .options(conf)
                        .textEvents(KafkaConnectors.textEventsSource(conf))
                        .decisions(KafkaConnectors.decisionsSink(conf))
                        .deadLetters(KafkaConnectors.deadLettersSink(conf));
        if (FusionlineJobOptions.fusion(conf) != null) {
            builder.alerts(KafkaConnectors.alertsSink(conf))
                    .scores(KafkaConnectors.scoresSink(conf));
        }
        if (conf.get(FusionlineJobOptions.SPEECH_ENABLED)) {
            builder.audio(KafkaConnectors.audioSource(conf, null))
                    .transcripts(KafkaConnectors.transcriptsSink(conf));
        }
        if (FusionlineJobOptions.vision(conf) != null
                || !FusionlineJobOptions.ocrSources(conf).isEmpty()) {
            builder.frames(KafkaConnectors.framesSource(conf, null));
        }
        if (FusionlineJobOptions.vision(conf) != null) {
            builder.visionFeatures(KafkaConnectors.visionFeaturesSink(conf));
        }
        return builder;
    }

    /**
     * Turns on exactly-once checkpointing at {@code interval}; sinks commit their Kafka
     * transactions when a checkpoint completes.
     */
    public static void enableCheckpointing(StreamExecutionEnvironment env, Duration interval) {
        env.enableCheckpointing(interval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
    }

    /**
     * Exactly-once checkpointing with the interval, timeout and minimum pause of {@code conf}
     * (whose relation to the Kafka transaction timeout {@link FusionlineJobOptions#validate}
     * checks).
     */
    public static void enableCheckpointing(StreamExecutionEnvironment env, Configuration conf) {
        enableCheckpointing(env, conf.get(FusionlineJobOptions.CHECKPOINT_INTERVAL));
        env.getCheckpointConfig()
                .setCheckpointTimeout(conf.get(FusionlineJobOptions.CHECKPOINT_TIMEOUT).toMillis());
        env.getCheckpointConfig()
                .setMinPauseBetweenCheckpoints(
                        conf.get(FusionlineJobOptions.CHECKPOINT_MIN_PAUSE).toMillis());
    }

    /**
     * Adds the job's operators to {@code env}; run it with {@code env.execute(...)}.
     *
     * <p>Turns on object reuse: records pass between chained operators without a defensive copy.
     * That is safe here because no fusionline operator changes a record it received or emitted, and
     * every one builds new output records; it matters for frames and vision features, whose copies
     * would otherwise cost a fifth of the vision stage's throughput (see {@code
     * docs/benchmarks.md}).
     */
    public void addTo(StreamExecutionEnvironment env) {
        env.getConfig().enableObjectReuse();
        Branches out = new Branches();
        addText(env, out);
        if (audio != null) {
            addSpeech(env, out);
        }
        if (frames != null) {
            addVision(env, out);
        }
        DataStream<TextEvent> texts = textInterceptor.apply(out.text);
        if (fusion == null) {
            addTextDecisions(texts);
        } else {
            addFusion(texts, out);
        }
        addDeadLetters(out.deadLetters);
    }

    /** What the branches hand on: texts for deciding, vision features, every stage's rejects. */
    private static final class Branches {
        DataStream<TextEvent> text;
        DataStream<VisionFeatures> vision;
        DataStream<DeadLetter> deadLetters;

        void reject(DataStream<DeadLetter> rejects) {
            deadLetters = deadLetters == null ? rejects : deadLetters.union(rejects);
        }
    }

    /** The text-events source, decoded and checked, with event time. */
    private void addText(StreamExecutionEnvironment env, Branches out) {
        SingleOutputStreamOperator<TextEvent> decoded =
                decoded(
                        env,
                        textEvents,
                        TextEvent.class,
                        new TextEventValidator(inputLimits),
                        "text-events",
                        "text events");
        out.reject(decoded.getSideOutput(DeadLetters.TAG));
        out.text =
                decoded.assignTimestampsAndWatermarks(
                                eventTime(
                                        (TextEvent event, long ts) ->
                                                event.getEventTime().toEpochMilli()))
                        .uid("event-time-text-events")
                        .name("event time (text events)");
    }

    /** Audio → speech recognition → transcripts; final transcripts join the texts. */
    private void addSpeech(StreamExecutionEnvironment env, Branches out) {
        SingleOutputStreamOperator<AudioChunk> decoded =
                decoded(
                        env,
                        audio,
                        AudioChunk.class,
                        new AudioChunkValidator(speech.maxChunkBytes()),
                        "audio",
                        "audio");
        SingleOutputStreamOperator<Transcript> recognized =
                audioInterceptor
                        .apply(
                                decoded.assignTimestampsAndWatermarks(
                                                eventTime(
                                                        (AudioChunk chunk, long ts) ->
                                                                chunk.getEventTime()
                                                                        .toEpochMilli()))
                                        .uid("event-time-audio")
                                        .name("event time (audio)"))
                        .keyBy(AudioChunk::getSourceId)
                        .process(
                                new SpeechRecognitionFunction(speech, wireFormat, audioTopic),
                                new AvroTypeInfo<>(Transcript.class))
                        .uid("asr")
                        .name("speech recognition");
        recognized.sinkTo(transcripts).uid("sink-transcripts").name("transcripts sink");
        out.text =
                out.text.union(
                        recognized
                                .filter(t -> t.getKind() == TranscriptKind.FINAL)
                                .uid("final-transcripts")
                                .name("final transcripts")
                                .map(FusionlineJob::asTextEvent)
                                .returns(new AvroTypeInfo<>(TextEvent.class))
                                .uid("transcripts-as-text")
                                .name("transcripts as text events"));
        out.reject(decoded.getSideOutput(DeadLetters.TAG));
        out.reject(recognized.getSideOutput(DeadLetters.TAG));
    }

    /**
     * Frames → the vision encoder (when vision options are set) and OCR (for its sources), whose
     * texts join the others.
     */
    private void addVision(StreamExecutionEnvironment env, Branches out) {
        SingleOutputStreamOperator<VideoFrame> decoded =
                decoded(
                        env,
                        frames,
                        VideoFrame.class,
                        new VideoFrameValidator(imageLimits),
                        "frames",
                        "frames");
        out.reject(decoded.getSideOutput(DeadLetters.TAG));
        DataStream<VideoFrame> timed =
                decoded.assignTimestampsAndWatermarks(
                                eventTime(
                                        (VideoFrame frame, long ts) ->
                                                frame.getEventTime().toEpochMilli()))
                        .uid("event-time-frames")
                        .name("event time (frames)");
        if (vision != null) {
            SingleOutputStreamOperator<VisionFeatures> encoded =
                    timed.transform(
                                    "vision encoder",
                                    new AvroTypeInfo<>(VisionFeatures.class),
                                    new VisionEncodeOperator(vision, wireFormat, framesTopic))
                            .uid("vision-encode");
            encoded.sinkTo(visionFeatures).uid("sink-vision-features").name("vision-features sink");
            out.reject(encoded.getSideOutput(DeadLetters.TAG));
            out.vision = encoded;
        }
        if (!ocrSources.isEmpty()) {
            SingleOutputStreamOperator<TextEvent> read =
                    timed.process(
                                    new OcrFunction(
                                            ocrSources,
                                            ocrLayout,
                                            imageLimits,
                                            wireFormat,
                                            framesTopic),
                                    new AvroTypeInfo<>(TextEvent.class))
                            .uid("ocr")
                            .name("OCR");
            out.text = out.text.union(read);
            out.reject(read.getSideOutput(DeadLetters.TAG));
        }
    }

    /** The keyword baseline: texts → keyed decision state → decisions. */
    private void addTextDecisions(DataStream<TextEvent> texts) {
        texts.keyBy(TextEvent::getSourceId)
                .process(
                        new TextDecisionFunction(stateIdleTimeout),
                        new AvroTypeInfo<>(Decision.class))
                .uid("decide-text")
                .name("decide (text)")
                .sinkTo(decisions)
                .uid("sink-decisions")
                .name("decisions sink");
    }

    /** Every stage's rejects, counted by reason, → dead letters. */
    private void addDeadLetters(DataStream<DeadLetter> rejects) {
        rejects.map(new DeadLetterMetricsFunction(deadLetterMaxPayloadBytes))
                .returns(new AvroTypeInfo<>(DeadLetter.class))
                .uid("dead-letter-metrics")
                .name("count dead letters by reason")
                .sinkTo(deadLetters)
                .uid("sink-dead-letters")
                .name("dead-letters sink");
    }

    /** {@code source} decoded into {@code type} and checked, rejects on the side output. */
    private <T extends SpecificRecordBase> SingleOutputStreamOperator<T> decoded(
            StreamExecutionEnvironment env,
            Source<RawRecord, ?, ?> source,
            Class<T> type,
            RecordValidator<T> validator,
            String topic,
            String what) {
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), topic)
                .uid("source-" + topic)
                .name(topic + " source")
                .process(
                        new DecodeFunction<>(type, wireFormat, validator, inputLimits),
                        new AvroTypeInfo<>(type))
                .uid("decode-" + topic)
                .name("decode " + what);
    }

    /**
     * text → text encoder ─┐ vision features ─────┴▶ keyBy(sourceId) ─▶ alignment ─▶ fusion ─▶
     * decisions; fusion's decisions ∪ provisional alerts ─▶ keyBy(sourceId) ─▶ alerts; provisional
     * decisions ─▶ scores (when a scores sink is set). Texts of the head's kinds pass the text
     * encoder unencoded ({@link FusionOptions#deferredKinds()}). The streams on the way from an
     * input to an alert flush their network buffers after {@code latencyBufferTimeout}.
     */
    private void addFusion(DataStream<TextEvent> text, Branches out) {
        DataStream<VisionFeatures> visionFeatures = out.vision;
        int maxTokens = BuiltInModels.resolveFusion(fusion.model()).maxTokens();
        long flush = latencyBufferTimeout.toMillis();
        SingleOutputStreamOperator<TextFeatures> encodedText =
                text.process(
                                new TextEncodeFunction(
                                        maxTokens,
                                        1,
                                        wireFormat,
                                        textEventsTopic,
                                        fusion.deferredKinds()),
                                new AvroTypeInfo<>(TextFeatures.class))
                        .uid("text-encode")
                        .name("text encoder");
        out.reject(encodedText.getSideOutput(DeadLetters.TAG));
        DataStream<AlignmentInput> inputs =
                encodedText
                        .map(AlignmentFunction::of)
                        .returns(new AvroTypeInfo<>(AlignmentInput.class))
                        .uid("text-to-alignment")
                        .name("text to alignment")
                        .setBufferTimeout(flush);
        if (visionFeatures != null) {
            inputs =
                    inputs.union(
                            visionFeatures
                                    .map(AlignmentFunction::of)
                                    .returns(new AvroTypeInfo<>(AlignmentInput.class))
                                    .uid("vision-to-alignment")
                                    .name("vision to alignment")
                                    .setBufferTimeout(flush));
        }
        AlignmentOptions alignment =
                AlignmentOptions.of(fusion, maxOutOfOrderness, stateIdleTimeout)
                        .withMaxHold(alignmentMaxHold)
                        .withBufferLimits(alignmentMaxInputs, alignmentMaxBytes);
        SingleOutputStreamOperator<AlignedWindow> windows =
                inputs.keyBy(AlignmentFunction::sourceId)
                        .process(
                                new AlignmentFunction(
                                        alignment,
                                        wireFormat,
                                        visionFeaturesTopic,
                                        textEventsTopic),
                                new AvroTypeInfo<>(AlignedWindow.class))
                        .uid("align")
                        .name("align (event time, per source)")
                        .setBufferTimeout(flush);
        List<SingleOutputStreamOperator<Decision>> stages = new ArrayList<>();
        if (fusion.head() == null) {
            stages.add(
                    windows.transform(
                                    "fusion (attention bridge)",
                                    new AvroTypeInfo<>(Decision.class),
                                    new FusionDecisionOperator(
                                            fusion,
                                            wireFormat,
                                            visionFeaturesTopic,
                                            textEventsTopic))
                            .uid("fuse")
                            .setBufferTimeout(flush));
        } else {
            // the head's windows and the bridge's in separate tasks: a score at arrival never
            // waits behind a batch of bridge windows
            SingleOutputStreamOperator<AlignedWindow> routed =
                    windows.process(
                                    new WindowRouter(fusion),
                                    new AvroTypeInfo<>(AlignedWindow.class))
                            .uid("route")
                            .name("route (head or bridge)")
                            .setBufferTimeout(flush);
            stages.add(
                    routed.transform(
                                    "fusion (head)",
                                    new AvroTypeInfo<>(Decision.class),
                                    new FusionDecisionOperator(
                                            fusion,
                                            FusionDecisionOperator.Role.HEAD,
                                            wireFormat,
                                            visionFeaturesTopic,
                                            textEventsTopic))
                            .uid("fuse-head")
                            .setBufferTimeout(flush));
            stages.add(
                    routed.getSideOutput(WindowRouter.BRIDGE)
                            .transform(
                                    "fusion (attention bridge)",
                                    new AvroTypeInfo<>(Decision.class),
                                    new FusionDecisionOperator(
                                            fusion,
                                            FusionDecisionOperator.Role.BRIDGE,
                                            wireFormat,
                                            visionFeaturesTopic,
                                            textEventsTopic))
                            .uid("fuse")
                            .disableChaining()
                            .setBufferTimeout(flush));
        }
        DataStream<Decision> decided = stages.get(0);
        DataStream<Decision> provisionalAlerts =
                stages.get(0).getSideOutput(FusionDecisionOperator.PROVISIONAL_ALERTS);
        DataStream<Decision> scored = stages.get(0).getSideOutput(FusionDecisionOperator.SCORES);
        for (SingleOutputStreamOperator<Decision> stage : stages.subList(1, stages.size())) {
            decided = decided.union(stage);
            provisionalAlerts =
                    provisionalAlerts.union(
                            stage.getSideOutput(FusionDecisionOperator.PROVISIONAL_ALERTS));
            scored = scored.union(stage.getSideOutput(FusionDecisionOperator.SCORES));
        }
        decided.sinkTo(decisions).uid("sink-decisions").name("decisions sink");
        decided.union(provisionalAlerts)
                .keyBy(Decision::getSourceId)
                .process(new AlertFunction(stateIdleTimeout), new AvroTypeInfo<>(Decision.class))
                .uid("alerts")
                .name("alerts (provisional, confirmed, cleared)")
                .sinkTo(alerts)
                .uid("sink-alerts")
                .name("alerts sink");
        if (scores != null) {
            scored.sinkTo(scores).uid("sink-scores").name("scores sink (at arrival)");
        }
        out.reject(windows.getSideOutput(DeadLetters.TAG));
        for (SingleOutputStreamOperator<Decision> stage : stages) {
            out.reject(stage.getSideOutput(DeadLetters.TAG));
        }
    }

    /** Event time from {@code timestamp}, bounded out-of-orderness, idle inputs let go. */
    private <T> WatermarkStrategy<T> eventTime(
            org.apache.flink.api.common.eventtime.SerializableTimestampAssigner<T> timestamp) {
        return WatermarkStrategy.<T>forBoundedOutOfOrderness(maxOutOfOrderness)
                .withTimestampAssigner(timestamp)
                .withIdleness(sourceIdleTimeout);
    }

    /** A final transcript as a text event of its source, at the time its speech ended. */
    static TextEvent asTextEvent(Transcript t) {
        return TextEvent.newBuilder()
                .setSourceId(t.getSourceId())
                .setEventTime(t.getEndTime())
                .setKind(TextKind.TRANSCRIPT)
                .setText(t.getText())
                .setAttributes(Map.of("model", t.getModel()))
                .setFeatures(Map.of("confidence", t.getConfidence()))
                .build();
    }

    /** Builder of {@link FusionlineJob}; {@link #build()} checks that every part is set. */
    public static final class Builder {
        private Source<RawRecord, ?, ?> textEvents;
        private Sink<Decision> decisions;
        private Sink<DeadLetter> deadLetters;
        private WireFormat wireFormat;
        private Duration maxOutOfOrderness;
        private Duration alignmentMaxHold;
        private int alignmentMaxInputs;
        private long alignmentMaxBytes;
        private Duration sourceIdleTimeout;
        private Duration stateIdleTimeout;
        private UnaryOperator<DataStream<TextEvent>> textInterceptor = UnaryOperator.identity();
        private Source<RawRecord, ?, ?> audio;
        private Sink<Transcript> transcripts;
        private SpeechRecognitionOptions speech;
        private String audioTopic;
        private UnaryOperator<DataStream<AudioChunk>> audioInterceptor = UnaryOperator.identity();
        private Source<RawRecord, ?, ?> frames;
        private Sink<VisionFeatures> visionFeatures;
        private VisionOptions vision;
        private Set<String> ocrSources;
        private TextRecognizer.Layout ocrLayout;
        private ImageLimits imageLimits;
        private InputLimits inputLimits;
        private int deadLetterMaxPayloadBytes;
        private String framesTopic;
        private FusionOptions fusion;
        private Sink<Decision> alerts;
        private Sink<Decision> scores;
        private String visionFeaturesTopic;
        private String textEventsTopic;
        private Duration latencyBufferTimeout;

        /**
         * Every setting at its option's default ({@link FusionlineJobOptions}, the one place
         * defaults live), as a keyword-baseline job without vision until {@link #options}, {@link
         * #fusion} or {@link #vision} say otherwise.
         */
        private Builder() {
            Configuration baseline = new Configuration();
            baseline.set(FusionlineJobOptions.PROFILE, Profile.TEXT);
            baseline.set(FusionlineJobOptions.VISION_MODEL, FusionlineJobOptions.NO_VISION);
            options(baseline);
        }

        /** Takes wire format, watermark and state settings from a job configuration. */
        public Builder options(Configuration conf) {
            wireFormat = WireFormat.named(conf.get(FusionlineJobOptions.WIRE_FORMAT));
            maxOutOfOrderness = conf.get(FusionlineJobOptions.MAX_OUT_OF_ORDERNESS);
            alignmentMaxHold =
                    conf.getOptional(FusionlineJobOptions.ALIGNMENT_MAX_HOLD).orElse(null);
            alignmentMaxInputs = conf.get(FusionlineJobOptions.ALIGNMENT_MAX_INPUTS);
            alignmentMaxBytes = conf.get(FusionlineJobOptions.ALIGNMENT_MAX_BYTES);
            sourceIdleTimeout = conf.get(FusionlineJobOptions.SOURCE_IDLE_TIMEOUT);
            stateIdleTimeout = conf.get(FusionlineJobOptions.STATE_IDLE_TIMEOUT);
            speech = FusionlineJobOptions.speech(conf);
            audioTopic = conf.get(FusionlineJobOptions.AUDIO_TOPIC);
            framesTopic = conf.get(FusionlineJobOptions.FRAMES_TOPIC);
            vision = FusionlineJobOptions.vision(conf);
            ocrSources = Set.copyOf(FusionlineJobOptions.ocrSources(conf));
            ocrLayout = FusionlineJobOptions.ocrLayout(conf);
            imageLimits = FusionlineJobOptions.imageLimits(conf);
            inputLimits = FusionlineJobOptions.inputLimits(conf);
            deadLetterMaxPayloadBytes =
                    conf.get(FusionlineJobOptions.DEAD_LETTER_MAX_PAYLOAD_BYTES);
            visionFeaturesTopic = conf.get(FusionlineJobOptions.VISION_FEATURES_TOPIC);
            textEventsTopic = conf.get(FusionlineJobOptions.TEXT_EVENTS_TOPIC);
            fusion = FusionlineJobOptions.fusion(conf);
            latencyBufferTimeout = conf.get(FusionlineJobOptions.LATENCY_BUFFER_TIMEOUT);
            return this;
        }

        /**
         * Decides with the fusion stages of {@code options} (text encoder, alignment, attention
         * bridge) instead of the text keyword baseline; null for the baseline. Needs an alerts
         * sink.
         */
        public Builder fusion(FusionOptions options) {
            this.fusion = options;
            return this;
        }

        /** Sink of alert decisions; at-least-once Kafka in production. Required with fusion. */
        public Builder alerts(Sink<Decision> sink) {
            this.alerts = Objects.requireNonNull(sink, "alerts sink");
            return this;
        }

        /**
         * Sink of the scores at arrival (every provisional decision); at-least-once Kafka in
         * production. Optional: without it the scores are not published.
         */
        public Builder scores(Sink<Decision> sink) {
            this.scores = Objects.requireNonNull(sink, "scores sink");
            return this;
        }

        /** Source of raw video-frame records; used by the vision encoder and OCR. */
        public Builder frames(Source<RawRecord, ?, ?> source) {
            this.frames = Objects.requireNonNull(source, "frames source");
            return this;
        }

        /** Sink of vision features; required when vision options are set. */
        public Builder visionFeatures(Sink<VisionFeatures> sink) {
            this.visionFeatures = Objects.requireNonNull(sink, "vision-features sink");
            return this;
        }

        /** Encodes every frame with the model these options describe. */
        public Builder vision(VisionOptions options) {
            this.vision = Objects.requireNonNull(options, "vision options");
            return this;
        }

        /** Reads text from frames of {@code sources} ({@code "*"}: all) with {@code layout}. */
        public Builder ocr(Set<String> sources, TextRecognizer.Layout layout) {
            this.ocrSources = Set.copyOf(sources);
            this.ocrLayout = Objects.requireNonNull(layout, "layout");
            return this;
        }

        /** Removes the vision branch (no frames source, encoder or OCR). */
        public Builder withoutVision() {
            this.frames = null;
            this.visionFeatures = null;
            this.vision = null;
            this.ocrSources = Set.of();
            return this;
        }

        /** Source of raw audio-chunk records; enables the speech branch. */
        public Builder audio(Source<RawRecord, ?, ?> source) {
            this.audio = Objects.requireNonNull(source, "audio source");
            return this;
        }

        /** Sink of every transcript (finals, partials, gaps); required with an audio source. */
        public Builder transcripts(Sink<Transcript> sink) {
            this.transcripts = Objects.requireNonNull(sink, "transcripts sink");
            return this;
        }

        /** Removes the speech branch (a job over text only). */
        public Builder withoutSpeech() {
            this.audio = null;
            this.transcripts = null;
            return this;
        }

        /**
         * Inserts a transformation between decoded audio chunks and speech recognition. For tests
         * that inject failures; production jobs leave it unset.
         */
        public Builder interceptAudio(UnaryOperator<DataStream<AudioChunk>> interceptor) {
            this.audioInterceptor = Objects.requireNonNull(interceptor, "interceptor");
            return this;
        }

        /** Source of raw text-event records (Kafka in production). */
        public Builder textEvents(Source<RawRecord, ?, ?> source) {
            this.textEvents = Objects.requireNonNull(source, "text-events source");
            return this;
        }

        /** Sink of decisions; exactly-once Kafka in production. */
        public Builder decisions(Sink<Decision> sink) {
            this.decisions = Objects.requireNonNull(sink, "decisions sink");
            return this;
        }

        /** Sink of every stage's dead letters; exactly-once Kafka in production. */
        public Builder deadLetters(Sink<DeadLetter> sink) {
            this.deadLetters = Objects.requireNonNull(sink, "dead-letters sink");
            return this;
        }

        /**
         * Inserts a transformation between decoded text events and the decision stage. For tests
         * that inject failures or observe the stream; production jobs leave it unset.
         */
        public Builder interceptTextEvents(UnaryOperator<DataStream<TextEvent>> interceptor) {
            this.textInterceptor = Objects.requireNonNull(interceptor, "interceptor");
            return this;
        }

        public FusionlineJob build() {
            if (textEvents == null) {
                throw new IllegalStateException("no text-events source set");
            }
            if (decisions == null) {
                throw new IllegalStateException("no decisions sink set");
            }
            if (deadLetters == null) {
                throw new IllegalStateException("no dead-letters sink set");
            }
            if (audio != null && transcripts == null) {
                throw new IllegalStateException("an audio source needs a transcripts sink");
            }
            if (frames != null && vision != null && visionFeatures == null) {
                throw new IllegalStateException("vision options need a vision-features sink");
            }
            if (fusion != null && alerts == null) {
                throw new IllegalStateException("the fusion stage needs an alerts sink");
            }
            if (frames == null && (vision != null || !ocrSources.isEmpty())) {
                throw new IllegalStateException("vision or OCR needs a frames source");
            }
            return new FusionlineJob(this);
        }
    }
}
