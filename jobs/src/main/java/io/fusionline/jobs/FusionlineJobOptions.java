package io.fusionline.jobs;

import io.fusionline.operators.Profile;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/**
 * Typed settings of the fusionline job. Settings that go to Kafka clients themselves travel as
 * {@code Properties}; these are fusionline's own.
 */
public final class FusionlineJobOptions {

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key("fusionline.kafka.bootstrap-servers")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Kafka bootstrap servers, host:port[,host:port...].");

    public static final ConfigOption<String> KAFKA_CLIENT_CONFIG =
            ConfigOptions.key("fusionline.kafka.client-config")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Path of a Kafka client properties file (as Kafka's tools take with"
                                    + " --command-config: security.protocol, sasl.*, ssl.*),"
                                    + " applied to every client. Passwords and JAAS settings are"
                                    + " passed by reference and read from the file where each"
                                    + " client starts, so it must be at this path on every task"
                                    + " manager; they never enter the job graph or the logs.");

    public static final ConfigOption<String> TEXT_EVENTS_TOPIC =
            ConfigOptions.key("fusionline.topic.text-events")
                    .stringType()
                    .defaultValue("text-events")
                    .withDescription("Input topic of TextEvent records.");

    public static final ConfigOption<String> AUDIO_TOPIC =
            ConfigOptions.key("fusionline.topic.audio")
                    .stringType()
                    .defaultValue("audio")
                    .withDescription("Input topic of AudioChunk records.");

    public static final ConfigOption<String> TRANSCRIPTS_TOPIC =
            ConfigOptions.key("fusionline.topic.transcripts")
                    .stringType()
                    .defaultValue("transcripts")
                    .withDescription("Output topic of Transcript records (transactional).");

    public static final ConfigOption<Boolean> SPEECH_ENABLED =
            ConfigOptions.key("fusionline.speech.enabled")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Whether the job reads the audio topic and recognizes speech.");

    public static final ConfigOption<String> SPEECH_MODEL_DIR =
            ConfigOptions.key("fusionline.speech.model-dir")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Folder of a Vosk model on every task manager; unset for the bundled "
                                    + "vosk-model-small-en-us-0.15. A SHA256SUMS file in it is verified.");

    public static final ConfigOption<Boolean> SPEECH_MODEL_UNVERIFIED =
            ConfigOptions.key("fusionline.speech.model-unverified")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Load an external speech model folder that has no SHA256SUMS file,"
                                    + " unchecked. Off: such a folder is refused at start.");

    public static final ConfigOption<Boolean> SPEECH_GATE =
            ConfigOptions.key("fusionline.speech.gate")
                    .booleanType()
                    .defaultValue(
                            io.fusionline.operators.audio.SpeechRecognitionOptions.defaults()
                                    .gate())
                    .withDescription(
                            "Keep silence from the recognizer (voice-activity gate: energy over the"
                                    + " noise floor and spectral flatness, 200 ms pre-roll, 300 ms"
                                    + " hang-over) and end an utterance as soon as its speech"
                                    + " stops.");

    public static final ConfigOption<Duration> SPEECH_IDLE_TIMEOUT =
            ConfigOptions.key("fusionline.speech.idle-timeout")
                    .durationType()
                    .defaultValue(
                            io.fusionline.operators.audio.SpeechRecognitionOptions.defaults()
                                    .idleTimeout())
                    .withDescription(
                            "A source's recognizer is finished and closed after this much "
                                    + "processing time without audio.");

    public static final ConfigOption<Duration> SPEECH_PARTIAL_INTERVAL =
            ConfigOptions.key("fusionline.speech.partial-interval")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "Emit partial transcripts at most this often per source; unset for none.");

    public static final ConfigOption<String> FRAMES_TOPIC =
            ConfigOptions.key("fusionline.topic.frames")
                    .stringType()
                    .defaultValue("frames")
                    .withDescription(
                            "Input topic of VideoFrame records (camera frames, document images).");

    public static final ConfigOption<String> VISION_FEATURES_TOPIC =
            ConfigOptions.key("fusionline.topic.vision-features")
                    .stringType()
                    .defaultValue("vision-features")
                    .withDescription("Output topic of VisionFeatures records (transactional).");

    public static final ConfigOption<String> GROUND_TRUTH_TOPIC =
            ConfigOptions.key("fusionline.topic.ground-truth")
                    .stringType()
                    .defaultValue("ground-truth")
                    .withDescription(
                            "Topic of GroundTruth records, written by the simulator for scoring "
                                    + "decisions; the job does not read it.");

    public static final ConfigOption<Profile> PROFILE =
            ConfigOptions.key("fusionline.profile")
                    .enumType(Profile.class)
                    .defaultValue(Profile.INSPECTION)
                    .withDescription(
                            "What the job decides and how: inspection (factory line: the "
                                    + "attention-bridge fusion of part frames, machine logs and "
                                    + "operator speech into defect decisions), fraud (fraud desk: "
                                    + "payments, call speech and ID-card scans into risk scores), or "
                                    + "text (the keyword baseline over texts and transcripts only).");

    public static final ConfigOption<String> FUSION_MODEL =
            ConfigOptions.key("fusionline.fusion.model")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The fusion model: builtin:inspection-fusion or builtin:fraud-fusion "
                                    + "(the profile's by default), or the path of a fusion.json on "
                                    + "every task manager.");

    public static final ConfigOption<Duration> FUSION_WINDOW_SPAN =
            ConfigOptions.key("fusionline.fusion.window-span")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "A decision window holds a source's inputs from its first input's event "
                                    + "time s to s + span (profile default: 6 s).");

    public static final ConfigOption<Duration> FUSION_IDLE_CLOSE =
            ConfigOptions.key("fusionline.fusion.idle-close")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "When the watermark has not moved for this long (processing time: all "
                                    + "inputs quiet), a source's waiting windows close anyway, so "
                                    + "the last item before a pause is decided (profile default: "
                                    + "10 s).");

    public static final ConfigOption<Integer> FUSION_BATCH_SIZE =
            ConfigOptions.key("fusionline.fusion.batch-size")
                    .intType()
                    .defaultValue(io.fusionline.operators.fusion.FusionOptions.DEFAULT_BATCH_SIZE)
                    .withDescription("Most windows per fusion model call.");

    public static final ConfigOption<Duration> FUSION_BATCH_TIMEOUT =
            ConfigOptions.key("fusionline.fusion.batch-timeout")
                    .durationType()
                    .defaultValue(
                            io.fusionline.operators.fusion.FusionOptions.DEFAULT_BATCH_TIMEOUT)
                    .withDescription("Longest a closed window waits for its batch to fill.");

    public static final ConfigOption<Double> ALERT_THRESHOLD =
            ConfigOptions.key("fusionline.fusion.alert-threshold")
                    .doubleType()
                    .noDefaultValue()
                    .withDescription(
                            "Defect probability (inspection) or risk (fraud) from which a decision "
                                    + "stops the line or blocks the payment and is also an alert "
                                    + "(profile default: 0.8 inspection, 0.7 fraud).");

    public static final ConfigOption<Double> REVIEW_THRESHOLD =
            ConfigOptions.key("fusionline.fusion.review-threshold")
                    .doubleType()
                    .noDefaultValue()
                    .withDescription(
                            "Below the alert threshold, from here a decision asks for review "
                                    + "(profile default: 0.5 inspection, 0.3 fraud).");

    public static final ConfigOption<Boolean> EARLY_EXIT =
            ConfigOptions.key("fusionline.fusion.early-exit")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Decide without the fusion model when one modality is decisive "
                                    + "(inspection: the parts encoder's own top class reaches "
                                    + "0.995; fraud: a small domestic payment from a known device, "
                                    + "alone in its window).");

    public static final ConfigOption<Boolean> PROVISIONAL_ALERTS =
            ConfigOptions.key("fusionline.fusion.provisional-alerts")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Also decide each open window as its inputs arrive and alert at once "
                                    + "when that stops the line or blocks (marked provisional; "
                                    + "the window's decision confirms or clears it on the same "
                                    + "alerts topic). Off: alerts wait for the window to close.");

    public static final ConfigOption<Duration> LATENCY_BUFFER_TIMEOUT =
            ConfigOptions.key("fusionline.fusion.buffer-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMillis(5))
                    .withDescription(
                            "Longest a record waits in a network buffer on the way from a "
                                    + "frame or text to an alert (Flink's default is 100 ms per "
                                    + "exchange; these streams carry few records).");

    public static final ConfigOption<Boolean> FUSION_MODALITY_SCORES =
            ConfigOptions.key("fusionline.fusion.modality-scores")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Also score every present modality alone with the same model and "
                                    + "put the results into each decision (costs one more model "
                                    + "call per modality; used by ./fusionline eval).");

    public static final ConfigOption<String> ALERTS_TOPIC =
            ConfigOptions.key("fusionline.topic.alerts")
                    .stringType()
                    .defaultValue("alerts")
                    .withDescription(
                            "Output topic of alert decisions (at-least-once, not held back by "
                                    + "checkpoints; same ids as in the decisions topic).");

    public static final ConfigOption<String> SCORES_TOPIC =
            ConfigOptions.key("fusionline.topic.scores")
                    .stringType()
                    .defaultValue("scores")
                    .withDescription(
                            "Output topic of the scores at arrival: every open window decided as "
                                    + "its inputs arrive (a payment's risk at once), marked "
                                    + "provisional; at-least-once, not held back by checkpoints; "
                                    + "the window's decision with the same id follows on the "
                                    + "decisions topic.");

    public static final ConfigOption<String> FUSION_HEAD =
            ConfigOptions.key("fusionline.fusion.head")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Single-modality head that decides windows holding its modality and "
                                    + "nothing else, instead of the attention bridge: builtin:<id> "
                                    + "or the path of a head.json (a text modality's numbers), "
                                    + "encoder (a frame alone, by the vision encoder's own class "
                                    + "logits), or none for every window through the bridge "
                                    + "(profile default: builtin:fraud-payment for fraud, none "
                                    + "for inspection).");

    public static final ConfigOption<String> VISION_MODEL =
            ConfigOptions.key("fusionline.vision.model")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The image encoder every frame is encoded with into vision features: "
                                    + "builtin:inspection-vision (the parts encoder the training kit "
                                    + "produced, in the job jar; the default of the inspection and "
                                    + "text profiles), builtin:document-vision (the ID-card encoder; "
                                    + "the fraud profile's default), the path of an ONNX encoder's "
                                    + "descriptor.json on every task manager, or none (no vision "
                                    + "stage).");

    /** {@link #VISION_MODEL} value that leaves the vision stage out. */
    public static final String NO_VISION = "none";

    public static final ConfigOption<Integer> VISION_BATCH_SIZE =
            ConfigOptions.key("fusionline.vision.batch-size")
                    .intType()
                    .defaultValue(io.fusionline.operators.vision.VisionOptions.DEFAULT_BATCH_SIZE)
                    .withDescription("Most frames per inference call (B).");

    public static final ConfigOption<Duration> VISION_BATCH_TIMEOUT =
            ConfigOptions.key("fusionline.vision.batch-timeout")
                    .durationType()
                    .defaultValue(
                            io.fusionline.operators.vision.VisionOptions.DEFAULT_BATCH_TIMEOUT)
                    .withDescription(
                            "Longest a frame waits for its batch to fill (T); bounds latency at low load.");

    public static final ConfigOption<Integer> VISION_INTRA_OP_THREADS =
            ConfigOptions.key("fusionline.vision.intra-op-threads")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "ONNX Runtime threads per inference call; the session is shared by all "
                                    + "subtasks of a task manager.");

    public static final ConfigOption<Boolean> VISION_PATCH_TOKENS =
            ConfigOptions.key("fusionline.vision.patch-tokens")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Whether vision features carry patch tokens (fusion needs them).");

    public static final ConfigOption<Integer> VISION_MAX_IMAGE_BYTES =
            ConfigOptions.key("fusionline.vision.max-image-bytes")
                    .intType()
                    .defaultValue(io.fusionline.multimodal.vision.ImageLimits.DEFAULT.maxBytes())
                    .withDescription("Larger frame payloads are dead letters.");

    public static final ConfigOption<Long> VISION_MAX_IMAGE_PIXELS =
            ConfigOptions.key("fusionline.vision.max-image-pixels")
                    .longType()
                    .defaultValue(io.fusionline.multimodal.vision.ImageLimits.DEFAULT.maxPixels())
                    .withDescription(
                            "Frames whose header declares more pixels are dead letters, before decoding.");

    public static final ConfigOption<String> OCR_SOURCES =
            ConfigOptions.key("fusionline.ocr.sources")
                    .stringType()
                    .defaultValue("")
                    .withDescription(
                            "Comma-separated frame source ids to read text from (ID-document "
                                    + "scanners, label cameras); * for all; empty for none. The text "
                                    + "joins the text events as kind OCR.");

    public static final ConfigOption<String> OCR_LAYOUT =
            ConfigOptions.key("fusionline.ocr.layout")
                    .stringType()
                    .defaultValue("PAGE")
                    .withDescription(
                            "PAGE (find blocks and lines: documents) or SINGLE_LINE (labels, serial numbers).");

    public static final ConfigOption<String> DECISIONS_TOPIC =
            ConfigOptions.key("fusionline.topic.decisions")
                    .stringType()
                    .defaultValue("decisions")
                    .withDescription("Output topic of Decision records (transactional).");

    public static final ConfigOption<String> DEAD_LETTERS_TOPIC =
            ConfigOptions.key("fusionline.topic.dead-letters")
                    .stringType()
                    .defaultValue("dead-letters")
                    .withDescription("Output topic of DeadLetter records (transactional).");

    public static final ConfigOption<String> JOB_NAME =
            ConfigOptions.key("fusionline.job-name")
                    .stringType()
                    .defaultValue("fusionline")
                    .withDescription(
                            "The job's name in Flink and, unless they are set, its consumer group"
                                    + " and transactional-id prefix: two jobs on one Kafka cluster"
                                    + " need different names, or their transactions fence each"
                                    + " other. Keep it across restarts of the same job.");

    public static final ConfigOption<String> CONSUMER_GROUP =
            ConfigOptions.key("fusionline.kafka.group-id")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Consumer group the job commits offsets to (for monitoring only; "
                                    + "positions are restored from checkpoints); default: the job"
                                    + " name.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            ConfigOptions.key("fusionline.kafka.transactional-id-prefix")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Prefix of the sinks' transactional ids; default: the job name. Must"
                                    + " be unique per job on a Kafka cluster and stable across"
                                    + " restarts of that job.");

    public static final ConfigOption<Duration> KAFKA_TRANSACTION_TIMEOUT =
            ConfigOptions.key("fusionline.kafka.transaction-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "Kafka transaction timeout of the exactly-once sinks. Must exceed the"
                                    + " checkpoint timeout plus the checkpoint interval plus a"
                                    + " minute for a restart, and must not exceed the brokers'"
                                    + " transaction.max.timeout.ms (15 min by default): both are"
                                    + " checked at start.");

    public static final ConfigOption<String> WIRE_FORMAT =
            ConfigOptions.key("fusionline.wire-format")
                    .stringType()
                    .defaultValue("single-object")
                    .withDescription("Wire format of all topics.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOptions.key("fusionline.checkpoint-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(2))
                    .withDescription(
                            "Checkpoint interval. Decisions become visible to read_committed "
                                    + "consumers when the checkpoint that covers them completes.");

    public static final ConfigOption<Duration> CHECKPOINT_TIMEOUT =
            ConfigOptions.key("fusionline.checkpoint-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription(
                            "A checkpoint that takes longer is aborted (and the job restarts from"
                                    + " the last one); must be well below the transaction"
                                    + " timeout.");

    public static final ConfigOption<Duration> CHECKPOINT_MIN_PAUSE =
            ConfigOptions.key("fusionline.checkpoint-min-pause")
                    .durationType()
                    .defaultValue(Duration.ZERO)
                    .withDescription(
                            "Least time between the end of a checkpoint and the start of the"
                                    + " next, so a slow checkpoint does not leave the job"
                                    + " checkpointing back to back.");

    /** Time allowed for a restart after a failed checkpoint, within the transaction timeout. */
    static final Duration RESTART_ALLOWANCE = Duration.ofMinutes(1);

    public static final ConfigOption<Duration> MAX_OUT_OF_ORDERNESS =
            ConfigOptions.key("fusionline.watermark.max-out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(2))
                    .withDescription("How late (in event time) an input may arrive.");

    public static final ConfigOption<Duration> SOURCE_IDLE_TIMEOUT =
            ConfigOptions.key("fusionline.watermark.idle-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "A partition without input this long stops holding back watermarks.");

    public static final ConfigOption<Integer> ALIGNMENT_MAX_INPUTS =
            ConfigOptions.key("fusionline.alignment.max-inputs")
                    .intType()
                    .defaultValue(
                            io.fusionline.operators.fusion.AlignmentOptions.DEFAULT_MAX_INPUTS)
                    .withDescription(
                            "Most inputs one source may have waiting in the alignment stage;"
                                    + " beyond, its oldest window is decided at once"
                                    + " (windowsClosedFull).");

    public static final ConfigOption<Long> ALIGNMENT_MAX_BYTES =
            ConfigOptions.key("fusionline.alignment.max-bytes")
                    .longType()
                    .defaultValue(io.fusionline.operators.fusion.AlignmentOptions.DEFAULT_MAX_BYTES)
                    .withDescription(
                            "Most bytes of features (patch tokens, token vectors) one source may"
                                    + " have waiting in the alignment stage; beyond, as above.");

    public static final ConfigOption<Duration> ALIGNMENT_MAX_HOLD =
            ConfigOptions.key("fusionline.alignment.max-hold")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "Unset (the default): a source's windows wait for the watermark, which"
                                    + " keeps slow branches (speech working off a backlog) in step,"
                                    + " but lets a lagging source that is alone on a decode subtask"
                                    + " hold other sources back. Set (e.g. to the out-of-orderness):"
                                    + " no source is held back longer than this beyond its own"
                                    + " clock, and a branch that falls further behind makes its"
                                    + " outputs late (dead letters).");

    public static final ConfigOption<Duration> INPUT_MAX_EVENT_LAG =
            ConfigOptions.key("fusionline.input.max-event-lag")
                    .durationType()
                    .defaultValue(io.fusionline.operators.decode.InputLimits.DEFAULT.maxLag())
                    .withDescription(
                            "Inputs whose event time is further behind the wall clock are dead "
                                    + "letters (a replay of older data needs a larger value).");

    public static final ConfigOption<Duration> INPUT_MAX_EVENT_SKEW =
            ConfigOptions.key("fusionline.input.max-event-skew")
                    .durationType()
                    .defaultValue(io.fusionline.operators.decode.InputLimits.DEFAULT.maxSkew())
                    .withDescription(
                            "Inputs whose event time is further ahead of the wall clock are dead "
                                    + "letters: a source with a fast clock cannot run ahead.");

    public static final ConfigOption<Integer> DEAD_LETTER_MAX_PAYLOAD_BYTES =
            ConfigOptions.key("fusionline.dead-letters.max-payload-bytes")
                    .intType()
                    .defaultValue(io.fusionline.operators.DeadLetters.DEFAULT_MAX_PAYLOAD_BYTES)
                    .withDescription(
                            "A dead letter keeps at most this many bytes of its input, with the "
                                    + "input's size and SHA-256, so it fits the dead-letter topic.");

    public static final ConfigOption<Duration> STATE_IDLE_TIMEOUT =
            ConfigOptions.key("fusionline.state.idle-timeout")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription(
                            "Per-source state is cleared after this much event time without input.");

    private FusionlineJobOptions() {}

    /** The speech operator's settings from a job configuration. */
    public static io.fusionline.operators.audio.SpeechRecognitionOptions speech(
            Configuration conf) {
        var options =
                io.fusionline.operators.audio.SpeechRecognitionOptions.defaults()
                        .withIdleTimeout(conf.get(SPEECH_IDLE_TIMEOUT))
                        .withPartialInterval(
                                conf.getOptional(SPEECH_PARTIAL_INTERVAL).orElse(null));
        return conf.getOptional(SPEECH_MODEL_DIR)
                .map(options::withModelDir)
                .orElse(options)
                .withUnverifiedModel(conf.get(SPEECH_MODEL_UNVERIFIED))
                .withGate(conf.get(SPEECH_GATE));
    }

    /** The image limits applied to frames before decoding. */
    public static io.fusionline.multimodal.vision.ImageLimits imageLimits(Configuration conf) {
        return new io.fusionline.multimodal.vision.ImageLimits(
                conf.get(VISION_MAX_IMAGE_BYTES), conf.get(VISION_MAX_IMAGE_PIXELS));
    }

    /** The bounds every input record keeps, with this configuration's event-time bounds. */
    public static io.fusionline.operators.decode.InputLimits inputLimits(Configuration conf) {
        return io.fusionline.operators.decode.InputLimits.DEFAULT.withEventTimeBounds(
                conf.get(INPUT_MAX_EVENT_LAG), conf.get(INPUT_MAX_EVENT_SKEW));
    }

    /**
     * The profile in effect.
     *
     * @throws IllegalArgumentException naming the profiles there are
     */
    public static Profile profile(Configuration conf) {
        String name = conf.toMap().getOrDefault(PROFILE.key(), PROFILE.defaultValue().toString());
        try {
            return Profile.named(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    PROFILE.key() + " must be inspection, fraud or text, was '" + name + "'");
        }
    }

    /** The consumer group in effect: the configured one, else the job name. */
    public static String consumerGroup(Configuration conf) {
        return conf.getOptional(CONSUMER_GROUP).orElseGet(() -> conf.get(JOB_NAME));
    }

    /** The transactional-id prefix in effect: the configured one, else the job name. */
    public static String transactionalIdPrefix(Configuration conf) {
        return conf.getOptional(TRANSACTIONAL_ID_PREFIX).orElseGet(() -> conf.get(JOB_NAME));
    }

    /** The vision encoder reference in effect: the configured one, else the profile's. */
    public static String visionModel(Configuration conf) {
        return conf.getOptional(VISION_MODEL)
                .orElseGet(
                        () ->
                                io.fusionline.multimodal.fusion.BuiltInModels.PREFIX
                                        + (profile(conf) == Profile.FRAUD
                                                ? io.fusionline.multimodal.fusion.BuiltInModels
                                                        .DOCUMENT_VISION
                                                : io.fusionline.multimodal.fusion.BuiltInModels
                                                        .INSPECTION_VISION));
    }

    /**
     * The fusion stages' settings: the profile's, with the configured overrides; null for the text
     * profile.
     *
     * @throws IllegalArgumentException for an unknown profile
     */
    public static io.fusionline.operators.fusion.FusionOptions fusion(Configuration conf) {
        Profile profile = profile(conf);
        if (!profile.fused()) {
            return null;
        }
        var p = io.fusionline.operators.fusion.FusionOptions.profile(profile);
        return p.toBuilder()
                .model(conf.getOptional(FUSION_MODEL).orElse(p.model()))
                .window(
                        conf.getOptional(FUSION_WINDOW_SPAN).orElse(p.span()),
                        conf.getOptional(FUSION_IDLE_CLOSE).orElse(p.idleClose()))
                .batching(conf.get(FUSION_BATCH_SIZE), conf.get(FUSION_BATCH_TIMEOUT))
                .thresholds(
                        conf.getOptional(ALERT_THRESHOLD).orElse(p.alertThreshold()),
                        conf.getOptional(REVIEW_THRESHOLD).orElse(p.reviewThreshold()))
                .earlyExit(
                        conf.get(EARLY_EXIT)
                                ? p.earlyExit()
                                : io.fusionline.operators.fusion.EarlyExit.NONE)
                .modalityScores(conf.get(FUSION_MODALITY_SCORES))
                .provisionalAlerts(conf.get(PROVISIONAL_ALERTS))
                .head(head(conf, p.head()))
                .build();
    }

    /** The configured head reference, null for {@code none}, else the profile's. */
    private static String head(Configuration conf, String profileHead) {
        String configured = conf.getOptional(FUSION_HEAD).orElse(null);
        if (configured == null) {
            return profileHead;
        }
        return configured.isBlank() || configured.equals("none") ? null : configured;
    }

    /** The vision encoder's settings, or null when no model is configured. */
    public static io.fusionline.operators.vision.VisionOptions vision(Configuration conf) {
        return java.util.Optional.of(visionModel(conf))
                .filter(model -> !model.equals(NO_VISION))
                .map(
                        model ->
                                new io.fusionline.operators.vision.VisionOptions(
                                        model,
                                        conf.get(VISION_BATCH_SIZE),
                                        conf.get(VISION_BATCH_TIMEOUT),
                                        conf.get(VISION_INTRA_OP_THREADS),
                                        imageLimits(conf),
                                        conf.get(VISION_PATCH_TOKENS)))
                .orElse(null);
    }

    /** The frame sources OCR reads; empty for none. */
    public static java.util.Set<String> ocrSources(Configuration conf) {
        java.util.Set<String> sources = new java.util.LinkedHashSet<>();
        for (String s : conf.get(OCR_SOURCES).split(",")) {
            if (!s.isBlank()) {
                sources.add(s.trim());
            }
        }
        return sources;
    }

    /** The OCR page layout. */
    public static io.fusionline.multimodal.ocr.TextRecognizer.Layout ocrLayout(Configuration conf) {
        String value = conf.get(OCR_LAYOUT).trim().toUpperCase(java.util.Locale.ROOT);
        try {
            return io.fusionline.multimodal.ocr.TextRecognizer.Layout.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    OCR_LAYOUT.key() + " must be PAGE or SINGLE_LINE, was " + conf.get(OCR_LAYOUT));
        }
    }

    /** The key of every option of this class. */
    public static java.util.Set<String> keys() {
        java.util.Set<String> keys = new java.util.TreeSet<>();
        for (java.lang.reflect.Field field : FusionlineJobOptions.class.getFields()) {
            if (ConfigOption.class.isAssignableFrom(field.getType())
                    && java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
                try {
                    keys.add(((ConfigOption<?>) field.get(null)).key());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return keys;
    }

    /** Refuses a {@code fusionline.*} key that is no option, naming the closest ones. */
    private static void requireKnownKeys(Configuration conf) {
        java.util.Set<String> known = keys();
        for (String key : conf.keySet()) {
            if (!key.startsWith("fusionline.") || known.contains(key)) {
                continue;
            }
            int near = Math.max(2, key.length() / 8);
            java.util.Map<String, Integer> distance = new java.util.HashMap<>();
            known.forEach(
                    k -> distance.put(k, io.fusionline.multimodal.EditDistance.characters(key, k)));
            java.util.List<String> close =
                    known.stream()
                            .filter(k -> distance.get(k) <= near)
                            .sorted(java.util.Comparator.comparingInt(distance::get))
                            .limit(3)
                            .toList();
            throw new IllegalArgumentException(
                    "unknown option "
                            + key
                            + (close.isEmpty()
                                    ? " (fusionline-job --help lists them)"
                                    : " (did you mean " + String.join(", ", close) + "?)"));
        }
    }

    /**
     * Checks a configuration before anything starts.
     *
     * @throws IllegalArgumentException with a one-line message naming the bad setting
     */
    public static void validate(Configuration conf) {
        requireKnownKeys(conf);
        String bootstrap = conf.get(BOOTSTRAP_SERVERS);
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException(BOOTSTRAP_SERVERS.key() + " is not set");
        }
        for (String server : bootstrap.split(",")) {
            int colon = server.lastIndexOf(':');
            if (colon <= 0 || colon == server.length() - 1) {
                throw new IllegalArgumentException(
                        "bad Kafka address '" + server.trim() + "' (expected host:port)");
            }
            try {
                int port = Integer.parseInt(server.substring(colon + 1).trim());
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "bad port in Kafka address '" + server.trim() + "'");
            }
        }
        KafkaAccess.of(conf); // the client properties file: readable, no settings we own
        requirePositive(conf, CHECKPOINT_INTERVAL);
        requirePositive(conf, CHECKPOINT_TIMEOUT);
        requirePositive(conf, KAFKA_TRANSACTION_TIMEOUT);
        if (conf.get(CHECKPOINT_MIN_PAUSE).isNegative()) {
            throw new IllegalArgumentException(
                    CHECKPOINT_MIN_PAUSE.key() + " must not be negative");
        }
        Duration needed =
                conf.get(CHECKPOINT_TIMEOUT)
                        .plus(conf.get(CHECKPOINT_INTERVAL))
                        .plus(RESTART_ALLOWANCE);
        if (conf.get(KAFKA_TRANSACTION_TIMEOUT).compareTo(needed) <= 0) {
            throw new IllegalArgumentException(
                    KAFKA_TRANSACTION_TIMEOUT.key()
                            + " ("
                            + conf.get(KAFKA_TRANSACTION_TIMEOUT)
                            + ") must exceed "
                            + CHECKPOINT_TIMEOUT.key()
                            + " + "
                            + CHECKPOINT_INTERVAL.key()
                            + " + 1 min for a restart ("
                            + needed
                            + "): the broker would abort a transaction still open across a slow"
                            + " checkpoint and a restart, losing its records");
        }
        if (conf.get(JOB_NAME).isBlank() || !conf.get(JOB_NAME).matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException(
                    JOB_NAME.key() + " must be 1-100 letters, digits, '.', '_' or '-'");
        }
        requirePositive(conf, SOURCE_IDLE_TIMEOUT);
        requirePositive(conf, STATE_IDLE_TIMEOUT);
        requirePositive(conf, SPEECH_IDLE_TIMEOUT);
        requirePositive(conf, LATENCY_BUFFER_TIMEOUT);
        conf.getOptional(SPEECH_PARTIAL_INTERVAL)
                .ifPresent(d -> requirePositive(conf, SPEECH_PARTIAL_INTERVAL));
        conf.getOptional(SPEECH_MODEL_DIR)
                .ifPresent(
                        dir -> {
                            java.nio.file.Path folder = java.nio.file.Path.of(dir);
                            if (!java.nio.file.Files.isDirectory(folder)) {
                                throw new IllegalArgumentException(
                                        SPEECH_MODEL_DIR.key() + " " + dir + " is not a folder");
                            }
                            if (!java.nio.file.Files.exists(folder.resolve("SHA256SUMS"))
                                    && !conf.get(SPEECH_MODEL_UNVERIFIED)) {
                                throw new IllegalArgumentException(
                                        SPEECH_MODEL_DIR.key()
                                                + " "
                                                + dir
                                                + " has no SHA256SUMS: add one, or set "
                                                + SPEECH_MODEL_UNVERIFIED.key()
                                                + "=true to load it unchecked");
                            }
                        });
        validateVision(conf);
        validateFusion(conf);
        if (conf.get(MAX_OUT_OF_ORDERNESS).isNegative()) {
            throw new IllegalArgumentException(
                    MAX_OUT_OF_ORDERNESS.key() + " must not be negative");
        }
        for (ConfigOption<String> topic :
                java.util.List.of(
                        TEXT_EVENTS_TOPIC,
                        AUDIO_TOPIC,
                        TRANSCRIPTS_TOPIC,
                        DECISIONS_TOPIC,
                        DEAD_LETTERS_TOPIC,
                        FRAMES_TOPIC,
                        VISION_FEATURES_TOPIC,
                        ALERTS_TOPIC,
                        SCORES_TOPIC)) {
            if (conf.get(topic).isBlank()) {
                throw new IllegalArgumentException(topic.key() + " must not be blank");
            }
        }
        io.fusionline.schema.serde.WireFormat.named(conf.get(WIRE_FORMAT));
    }

    private static void validateVision(Configuration conf) {
        if (conf.get(VISION_BATCH_SIZE) < 1 || conf.get(VISION_BATCH_SIZE) > 1024) {
            throw new IllegalArgumentException(
                    VISION_BATCH_SIZE.key()
                            + " must be 1..1024, was "
                            + conf.get(VISION_BATCH_SIZE));
        }
        requirePositive(conf, VISION_BATCH_TIMEOUT);
        if (conf.get(VISION_INTRA_OP_THREADS) < 1) {
            throw new IllegalArgumentException(
                    VISION_INTRA_OP_THREADS.key()
                            + " must be >= 1, was "
                            + conf.get(VISION_INTRA_OP_THREADS));
        }
        if (conf.get(VISION_MAX_IMAGE_BYTES) < 1 || conf.get(VISION_MAX_IMAGE_PIXELS) < 1) {
            throw new IllegalArgumentException(
                    VISION_MAX_IMAGE_BYTES.key()
                            + " and "
                            + VISION_MAX_IMAGE_PIXELS.key()
                            + " must be positive");
        }
        if (conf.get(DEAD_LETTER_MAX_PAYLOAD_BYTES) < 1024) {
            throw new IllegalArgumentException(
                    DEAD_LETTER_MAX_PAYLOAD_BYTES.key()
                            + " must be at least 1024, was "
                            + conf.get(DEAD_LETTER_MAX_PAYLOAD_BYTES));
        }
        try {
            inputLimits(conf);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    INPUT_MAX_EVENT_LAG.key()
                            + " and "
                            + INPUT_MAX_EVENT_SKEW.key()
                            + " must not be negative");
        }
        ocrLayout(conf);
        // A bad descriptor fails here, at start-up, in one line; the model itself is checked by
        // the operator when it opens the session.
        java.util.Optional.of(visionModel(conf))
                .filter(model -> !model.equals(NO_VISION))
                .ifPresent(
                        reference -> {
                            try {
                                io.fusionline.multimodal.fusion.BuiltInModels.resolveVision(
                                        reference);
                            } catch (io.fusionline.multimodal.vision.ModelDescriptorException e) {
                                throw new IllegalArgumentException(
                                        VISION_MODEL.key() + ": " + e.getMessage(), e);
                            }
                        });
    }

    /**
     * The profile, its settings, and that its fusion model reads the features of the configured
     * vision encoder.
     */
    private static void validateFusion(Configuration conf) {
        io.fusionline.operators.fusion.FusionOptions fusion;
        try {
            fusion = fusion(conf);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    e.getMessage().startsWith("fusionline.")
                            ? e.getMessage()
                            : "fusionline.fusion: " + e.getMessage(),
                    e);
        }
        if (fusion == null) {
            return;
        }
        io.fusionline.multimodal.fusion.FusionModelDescriptor model;
        try {
            model = io.fusionline.multimodal.fusion.BuiltInModels.resolveFusion(fusion.model());
        } catch (io.fusionline.multimodal.vision.ModelDescriptorException e) {
            throw new IllegalArgumentException(FUSION_MODEL.key() + ": " + e.getMessage(), e);
        }
        if (!model.profile().equals(fusion.profile().toString())) {
            throw new IllegalArgumentException(
                    FUSION_MODEL.key()
                            + ": "
                            + model.modelRef()
                            + " was trained for profile "
                            + model.profile()
                            + ", not "
                            + fusion.profile());
        }
        if (fusion.head() != null
                && !fusion.head()
                        .equals(io.fusionline.operators.fusion.FusionOptions.ENCODER_HEAD)) {
            try {
                io.fusionline.multimodal.fusion.BuiltInModels.resolveHead(fusion.head())
                        .requireFits(model);
            } catch (io.fusionline.multimodal.vision.ModelDescriptorException e) {
                throw new IllegalArgumentException(FUSION_HEAD.key() + ": " + e.getMessage(), e);
            }
        }
        String vision = visionModel(conf);
        if (!vision.equals(NO_VISION)) {
            String encoder =
                    io.fusionline.multimodal.fusion.BuiltInModels.resolveVision(vision).id();
            if (!encoder.equals(model.visionEncoder())) {
                throw new IllegalArgumentException(
                        VISION_MODEL.key()
                                + ": "
                                + model.modelRef()
                                + " reads features of "
                                + model.visionEncoder()
                                + ", but the vision stage runs "
                                + encoder);
            }
        }
    }

    private static void requirePositive(Configuration conf, ConfigOption<Duration> option) {
        Duration value = conf.get(option);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(option.key() + " must be positive, was " + value);
        }
    }
}
