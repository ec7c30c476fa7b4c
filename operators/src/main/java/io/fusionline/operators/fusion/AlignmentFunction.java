package io.fusionline.operators.fusion;

import io.fusionline.operators.DeadLetters;
import io.fusionline.operators.EventTimeLag;
import io.fusionline.schema.fusion.AlignedWindow;
import io.fusionline.schema.fusion.AlignmentInput;
import io.fusionline.schema.fusion.TextFeatures;
import io.fusionline.schema.serde.RecordCodec;
import io.fusionline.schema.serde.WireFormat;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.vision.VisionFeatures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Gathers each source's frames (as vision features) and texts (logs, payments, transcripts, OCR)
 * into event-time windows, one per decision. Keyed by source id.
 *
 * <p><b>Windows.</b> A window starts at the event time {@code s} of the earliest input of its
 * source not yet in a window and holds every input of the source with event time in {@code [s, s +
 * span]}. So an item's frame and log line (at the item's time) and the operator's voice note or the
 * call that follows it (its transcript is stamped with the end of the speech) land in one window,
 * without fixed window boundaries cutting an item in two. A window may lack any modality; the
 * fusion stage masks what is missing and records what was present.
 *
 * <p><b>Each source's own clock.</b> A window closes when the watermark passes {@code s + span}
 * <i>and</i>, while the source's inputs still arrive, its own latest event time less the
 * out-of-orderness does too. A source counts as quiet {@code span + outOfOrderness} of processing
 * time after its last input; then the watermark alone closes its windows. The watermark keeps the
 * branches in step (a transcript that speech recognition is still working on holds it back); the
 * source's own clock keeps clock faults to the source that has them:
 *
 * <ul>
 *   <li>a source whose clock lags, or that replays a backlog after an outage, is far behind the
 *       watermark: its windows close by its own progress, and none of its inputs is late;
 *   <li>a source whose clock runs ahead pushes the watermark ahead (within the decode stage's
 *       event-time bound), but other sources' windows still wait for their own inputs;
 *   <li>lateness is judged per source only (below), never against the watermark.
 * </ul>
 *
 * The trade: a source is held back by the watermark, so where a lagging source is the only one a
 * decode subtask reads, it holds the other sources of this subtask back until it catches up (the
 * decode stage's idle timeout does not apply, since it is not idle).
 *
 * <p><b>Provisional windows.</b> With {@code provisional} on, every input that joins a window also
 * emits that window as it stands, marked {@link AlignedWindow#getProvisional() provisional}: the
 * fusion stage decides on it at once, for alerts that must not wait for the window to close ({@link
 * AlertFunction}). Only the closed window makes the decision. So that a provisional alert and the
 * later decision share one id, the first provisional window fixes its window's start: an input that
 * arrives afterwards with an earlier event time (within the out-of-orderness) starts a window of
 * its own that ends before the fixed start, instead of moving it. Windows then depend on arrival
 * order where inputs arrive out of order; without provisional windows they depend on event times
 * only.
 *
 * <p><b>Quiet inputs.</b> The watermark only moves while inputs arrive, so after the last item of a
 * burst (a line stops, a simulation ends) its window would wait. When a source has waiting inputs,
 * no input at all has reached this subtask for {@code idleClose} of processing time and the
 * watermark has not moved meanwhile, the source's waiting windows close anyway ({@code
 * windowsClosedIdle}). A slow upstream stage (speech recognition working off a backlog) holds the
 * watermark but keeps inputs coming, so it does not count as quiet.
 *
 * <p><b>Late inputs.</b> An input whose event time is at or before the end of its source's last
 * closed window can no longer join its window: it goes to the {@link DeadLetters} side output
 * (stage {@value #STAGE}, reason {@code late: ...}) and is counted ({@code lateInputs}), never
 * dropped silently. An input behind the watermark but after that end opens a window of its own.
 *
 * <p><b>State and failover.</b> Inputs wait in keyed list state until their window closes; an
 * event-time timer at {@code t + span} per input closes windows. A per-source window counter (the
 * decision's sequence), the end of its last closed window and its latest event time expire after
 * {@code stateIdleTimeout} without windows; the processing time of its last input is cleared when
 * its last window closes. After a restore every source counts as quiet until its next input. All of
 * it is in checkpoints, so windows survive failover and rescaling. Windows are deterministic for
 * the same inputs and watermarks: a window's start, and with it the decision id, is an input's
 * event time.
 *
 * <p><b>Bounded buffers.</b> A source may have at most {@code maxInputs} inputs and {@code
 * maxBytes} of features waiting ({@link AlignmentOptions}). An input beyond either closes the
 * source's oldest waiting window at once ({@code windowsClosedFull}), and all of them if that is
 * not enough; inputs that arrive for a closed window are late, as above. So a source that floods
 * one window, or whose windows cannot close, costs bounded state and leaves a count and dead
 * letters, never lost inputs.
 *
 * <p>Metrics: {@code windows}, {@code provisionalWindows}, {@code windowsClosedIdle}, {@code
 * windowsClosedFull}, {@code lateInputs} (counters), {@code windowInputs} (histogram).
 */
public final class AlignmentFunction
        extends KeyedProcessFunction<String, AlignmentInput, AlignedWindow> {
    private static final long serialVersionUID = 1L;

    /** Stage name in dead letters. */
    public static final String STAGE = "align";

    /** Order of inputs within a window: event time, frames first, then by kind and text. */
    static final Comparator<AlignmentInput> ORDER =
            Comparator.comparingLong(AlignmentFunction::eventTime)
                    .thenComparing(in -> in.getVision() == null)
                    .thenComparing(
                            in ->
                                    in.getVision() != null
                                            ? Long.toString(in.getVision().getSequence())
                                            : in.getText().getEvent().getKind()
                                                    + "/"
                                                    + in.getText().getEvent().getText());

    private final Duration span;
    private final Duration outOfOrderness;
    private final Duration maxHold;
    private final Duration idleClose;
    private final Duration stateIdleTimeout;
    private final WireFormat wireFormat;
    private final String visionTopic;
    private final String textTopic;
    private final boolean provisional;
    private final int maxInputs;
    private final long maxBytes;

    private transient ListState<AlignmentInput> buffer;
    private transient ListState<Long> fixedStarts;
    private transient Counter provisionalWindows;
    private transient ValueState<Long> sequence;
    private transient ValueState<Long> closedUntil;
    private transient ValueState<Long> idleMark;
    private transient ValueState<Long> clock;
    private transient ValueState<Long> arrived;
    private transient Counter windows;
    private transient Counter windowsClosedIdle;
    private transient long lastArrival;
    private transient RecordCodec<VisionFeatures> visionCodec;
    private transient RecordCodec<TextEvent> textCodec;
    private transient Counter lateInputs;
    private transient Counter windowsClosedFull;
    private transient ValueState<Integer> bufferedInputs;
    private transient ValueState<Long> bufferedBytes;
    private transient EventTimeLag lag;
    private transient Histogram windowInputs;

    /**
     * @param visionTopic topic named in dead letters of late frames' features
     * @param textTopic topic named in dead letters of late texts
     */
    public AlignmentFunction(
            AlignmentOptions options, WireFormat wireFormat, String visionTopic, String textTopic) {
        this.span = options.span();
        this.outOfOrderness = options.outOfOrderness();
        this.maxHold = options.maxHold();
        this.idleClose = options.idleClose();
        this.stateIdleTimeout = options.stateIdleTimeout();
        this.provisional = options.provisional();
        this.maxInputs = options.maxInputs();
        this.maxBytes = options.maxBytes();
        this.wireFormat = wireFormat;
        this.visionTopic = visionTopic;
        this.textTopic = textTopic;
    }

    /** The input's event time in epoch ms. */
    public static long eventTime(AlignmentInput in) {
        return in.getVision() != null
                ? in.getVision().getEventTime().toEpochMilli()
                : in.getText().getEvent().getEventTime().toEpochMilli();
    }

    /** The input's source id, the key of the alignment stage. */
    public static String sourceId(AlignmentInput in) {
        return in.getVision() != null
                ? in.getVision().getSourceId()
                : in.getText().getEvent().getSourceId();
    }

    /** An input holding {@code features}. */
    public static AlignmentInput of(VisionFeatures features) {
        return AlignmentInput.newBuilder()
                .setVision(features)
                .setArrivedMillis(System.currentTimeMillis())
                .build();
    }

    /** An input holding {@code features}. */
    public static AlignmentInput of(TextFeatures features) {
        return AlignmentInput.newBuilder()
                .setText(features)
                .setArrivedMillis(System.currentTimeMillis())
                .build();
    }

    @Override
    public void open(OpenContext context) {
        buffer =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "inputs", new AvroTypeInfo<>(AlignmentInput.class)));
        fixedStarts =
                getRuntimeContext()
                        .getListState(new ListStateDescriptor<>("fixed-starts", Types.LONG));
        provisionalWindows = getRuntimeContext().getMetricGroup().counter("provisionalWindows");
        StateTtlConfig ttl = StateTtlConfig.newBuilder(stateIdleTimeout).build();
        ValueStateDescriptor<Long> counter = new ValueStateDescriptor<>("windows", Types.LONG);
        counter.enableTimeToLive(ttl);
        sequence = getRuntimeContext().getState(counter);
        ValueStateDescriptor<Long> closed = new ValueStateDescriptor<>("closed-until", Types.LONG);
        closed.enableTimeToLive(ttl);
        closedUntil = getRuntimeContext().getState(closed);
        idleMark =
                getRuntimeContext().getState(new ValueStateDescriptor<>("idle-mark", Types.LONG));
        ValueStateDescriptor<Long> keyClock = new ValueStateDescriptor<>("clock", Types.LONG);
        keyClock.enableTimeToLive(ttl);
        clock = getRuntimeContext().getState(keyClock);
        arrived = getRuntimeContext().getState(new ValueStateDescriptor<>("arrived", Types.LONG));
        windowsClosedIdle = getRuntimeContext().getMetricGroup().counter("windowsClosedIdle");
        lastArrival = System.currentTimeMillis();
        visionCodec = wireFormat.codec(VisionFeatures.class);
        textCodec = wireFormat.codec(TextEvent.class);
        windows = getRuntimeContext().getMetricGroup().counter("windows");
        lateInputs = getRuntimeContext().getMetricGroup().counter("lateInputs");
        windowsClosedFull = getRuntimeContext().getMetricGroup().counter("windowsClosedFull");
        bufferedInputs =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("buffered-inputs", Types.INT));
        bufferedBytes =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("buffered-bytes", Types.LONG));
        lag = EventTimeLag.register(getRuntimeContext().getMetricGroup());
        windowInputs =
                getRuntimeContext()
                        .getMetricGroup()
                        .histogram("windowInputs", new DescriptiveStatisticsHistogram(1000));
    }

    @Override
    public void processElement(AlignmentInput in, Context ctx, Collector<AlignedWindow> out)
            throws Exception {
        long time = eventTime(in);
        long watermark = ctx.timerService().currentWatermark();
        long now = ctx.timerService().currentProcessingTime();
        lastArrival = now;
        Long closed = closedUntil.value();
        if (closed != null && time <= closed) {
            lateInputs.inc();
            ctx.output(DeadLetters.TAG, late(in, ctx.getCurrentKey(), time, closed));
            return;
        }
        buffer.add(in);
        int inputs = (bufferedInputs.value() == null ? 0 : bufferedInputs.value()) + 1;
        long bytes = (bufferedBytes.value() == null ? 0 : bufferedBytes.value()) + bytes(in);
        bufferedInputs.update(inputs);
        bufferedBytes.update(bytes);
        if (inputs > maxInputs || bytes > maxBytes) {
            closeOldest(ctx.getCurrentKey(), out);
        }
        Long latest = clock.value();
        boolean advanced = latest == null || time > latest;
        if (advanced) {
            clock.update(time);
        }
        arrived.update(now);
        ctx.timerService().registerEventTimeTimer(time + span.toMillis());
        if (provisional) {
            emitProvisional(in, time, ctx, out);
        }
        if (advanced) { // the source's own progress may close its older windows
            close(closable(watermark, now), ctx.getCurrentKey(), out);
        }
        if (idleMark.value() == null) {
            idleMark.update(watermark);
            ctx.timerService().registerProcessingTimeTimer(now + quiet());
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlignedWindow> out)
            throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        long now = ctx.timerService().currentProcessingTime();
        String key = ctx.getCurrentKey();
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            Long mark = idleMark.value();
            idleMark.clear();
            close(closable(watermark, now), key, out);
            boolean allQuiet = timestamp - lastArrival >= idleClose.toMillis();
            if (mark != null && mark == watermark && allQuiet) {
                windowsClosedIdle.inc(close(Long.MAX_VALUE, key, out));
            }
            if (buffer.get().iterator().hasNext()) {
                idleMark.update(watermark);
                ctx.timerService()
                        .registerProcessingTimeTimer(
                                Math.max(timestamp, lastArrival) + idleClose.toMillis());
            }
            return;
        }
        close(closable(watermark, now), key, out);
    }

    /**
     * The end up to which the current source's windows may close now: the watermark, but no further
     * than the source's own latest event time less the out-of-orderness while inputs of the source
     * still arrive (its last one less than {@link #quiet()} ago). So a watermark that another
     * source's fast clock pushed ahead closes nobody else's windows early, and a source behind the
     * watermark closes its windows by its own progress. At the end of input (watermark at its
     * maximum) everything closes.
     */
    private long closable(long watermark, long now) throws Exception {
        if (watermark == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        Long latest = clock.value();
        Long last = arrived.value();
        if (latest == null || last == null) {
            return watermark;
        }
        long quietFor = now - last;
        if (maxHold != null && quietFor >= quiet() + maxHold.toMillis()) {
            return Long.MAX_VALUE; // quiet long enough: not held back by anyone
        }
        if (quietFor >= quiet()) {
            return watermark;
        }
        long own = latest - outOfOrderness.toMillis();
        long bound = Math.min(watermark, own);
        return maxHold == null ? bound : Math.max(bound, own - maxHold.toMillis());
    }

    /**
     * Processing time after its last input when a source counts as quiet: a window's span plus the
     * out-of-orderness.
     */
    private long quiet() {
        return span.toMillis() + outOfOrderness.toMillis();
    }

    /** Emits the waiting windows that end at or before {@code until}; returns how many. */
    private int close(long until, String key, Collector<AlignedWindow> out) throws Exception {
        List<AlignmentInput> waiting = waiting();
        if (waiting.isEmpty()) {
            return 0;
        }
        List<Long> fixed = fixedStarts();
        int from = 0;
        int emitted = 0;
        long closedEnd = Long.MIN_VALUE;
        for (Slice w : slices(waiting, fixed, span.toMillis())) {
            if (until != Long.MAX_VALUE && w.end() > until) {
                break;
            }
            long next = (sequence.value() == null ? 0 : sequence.value()) + 1;
            sequence.update(next);
            windows.inc();
            windowInputs.update(w.to() - w.from());
            lag.record(w.end());
            out.collect(window(key, w, next, waiting.subList(w.from(), w.to()), false));
            closedUntil.update(w.end());
            closedEnd = w.end();
            emitted++;
            from = w.to();
        }
        if (from > 0) {
            if (from == waiting.size()) {
                buffer.clear();
                arrived.clear();
                bufferedInputs.clear();
                bufferedBytes.clear();
            } else {
                List<AlignmentInput> rest = new ArrayList<>(waiting.subList(from, waiting.size()));
                buffer.update(rest);
                bufferedInputs.update(rest.size());
                bufferedBytes.update(rest.stream().mapToLong(AlignmentFunction::bytes).sum());
            }
            long end = closedEnd;
            fixed.removeIf(start -> start <= end);
            fixedStarts.update(fixed);
        }
        return emitted;
    }

    /**
     * Emits the window {@code in} joined as it stands, marked provisional, and fixes its start (see
     * the class comment). Counts nothing in the window counter: the closed window does.
     */
    private void emitProvisional(
            AlignmentInput in, long time, Context ctx, Collector<AlignedWindow> out)
            throws Exception {
        List<AlignmentInput> waiting = waiting();
        List<Long> fixed = fixedStarts();
        long next = sequence.value() == null ? 0 : sequence.value();
        for (Slice w : slices(waiting, fixed, span.toMillis())) {
            next++;
            if (time >= w.start() && time <= w.end()) {
                if (!fixed.contains(w.start())) {
                    fixedStarts.add(w.start());
                }
                provisionalWindows.inc();
                out.collect(
                        window(
                                ctx.getCurrentKey(),
                                w,
                                next,
                                waiting.subList(w.from(), w.to()),
                                true));
                return;
            }
        }
    }

    /**
     * Closes the source's oldest waiting window, or all of them when that leaves it over its
     * limits.
     */
    private void closeOldest(String key, Collector<AlignedWindow> out) throws Exception {
        List<AlignmentInput> waiting = waiting();
        if (waiting.isEmpty()) {
            return;
        }
        int closed = close(eventTime(waiting.get(0)) + span.toMillis(), key, out);
        Integer left = bufferedInputs.value();
        Long leftBytes = bufferedBytes.value();
        if ((left != null && left > maxInputs) || (leftBytes != null && leftBytes > maxBytes)) {
            closed += close(Long.MAX_VALUE, key, out);
        }
        windowsClosedFull.inc(closed);
    }

    /** Bytes of features an input holds (token vectors, patch tokens, texts). */
    static long bytes(AlignmentInput in) {
        if (in.getVision() != null) {
            var v = in.getVision();
            return 64L
                    + (v.getPatchTokens() == null ? 0 : v.getPatchTokens().remaining())
                    + 4L * v.getPooled().size();
        }
        var t = in.getText();
        return 64L + t.getTokenVectors().remaining() + 2L * t.getEvent().getText().length();
    }

    /** The current key's waiting inputs in {@link #ORDER}. */
    private List<AlignmentInput> waiting() throws Exception {
        List<AlignmentInput> waiting = new ArrayList<>();
        buffer.get().forEach(waiting::add);
        waiting.sort(ORDER);
        return waiting;
    }

    private List<Long> fixedStarts() throws Exception {
        List<Long> fixed = new ArrayList<>();
        fixedStarts.get().forEach(fixed::add);
        fixed.sort(null);
        return fixed;
    }

    /**
     * One window over the sorted waiting inputs: inputs {@code [from, to)}, event times {@code
     * [start, end]}.
     */
    record Slice(long start, long end, int from, int to) {}

    /**
     * Cuts the waiting inputs, sorted by {@link #ORDER}, into windows: each starts at the earliest
     * input not yet in a window and spans {@code span} ms, but ends before the next fixed start, so
     * that a fixed window keeps its start and with it its id.
     */
    static List<Slice> slices(List<AlignmentInput> sorted, List<Long> fixed, long span) {
        List<Slice> slices = new ArrayList<>();
        int from = 0;
        int pin = 0;
        while (from < sorted.size()) {
            long start = eventTime(sorted.get(from));
            long end = start + span;
            while (pin < fixed.size() && fixed.get(pin) <= start) {
                pin++;
            }
            if (pin < fixed.size() && fixed.get(pin) <= end) {
                end = fixed.get(pin) - 1;
            }
            int to = from;
            while (to < sorted.size() && eventTime(sorted.get(to)) <= end) {
                to++;
            }
            slices.add(new Slice(start, end, from, to));
            from = to;
        }
        return slices;
    }

    private static AlignedWindow window(
            String source,
            Slice w,
            long sequence,
            List<AlignmentInput> inputs,
            boolean provisional) {
        List<VisionFeatures> vision = new ArrayList<>();
        List<TextFeatures> texts = new ArrayList<>();
        long firstSeen = Long.MAX_VALUE;
        for (AlignmentInput in : inputs) {
            if (in.getVision() != null) {
                vision.add(in.getVision());
            } else {
                texts.add(in.getText());
            }
            firstSeen = Math.min(firstSeen, in.getArrivedMillis());
        }
        return AlignedWindow.newBuilder()
                .setSourceId(source)
                .setStart(Instant.ofEpochMilli(w.start()))
                .setEnd(Instant.ofEpochMilli(w.end()))
                .setSequence(sequence)
                .setVision(vision)
                .setTexts(texts)
                .setFirstSeenMillis(firstSeen)
                .setClosedMillis(System.currentTimeMillis())
                .setProvisional(provisional)
                .build();
    }

    private io.fusionline.schema.ops.DeadLetter late(
            AlignmentInput in, String source, long time, long closedEnd) {
        String reason =
                String.format(
                        "late: event time %s is %d ms behind the end %s of its source's last closed window",
                        Instant.ofEpochMilli(time),
                        closedEnd - time,
                        Instant.ofEpochMilli(closedEnd));
        byte[] key = source.getBytes(StandardCharsets.UTF_8);
        if (in.getVision() != null) {
            byte[] payload = visionCodec.encode(in.getVision());
            return DeadLetters.of(
                    in.getVision().getOrigin(), visionTopic, key, payload, STAGE, reason);
        }
        byte[] payload = textCodec.encode(in.getText().getEvent());
        return DeadLetters.of(
                in.getText().getEvent().getOrigin(), textTopic, key, payload, STAGE, reason);
    }
}
