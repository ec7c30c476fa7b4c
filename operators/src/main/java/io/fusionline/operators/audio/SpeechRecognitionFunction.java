package io.fusionline.operators.audio;

import io.fusionline.multimodal.audio.AudioFormatException;
import io.fusionline.multimodal.audio.PcmDecoder;
import io.fusionline.multimodal.audio.Resampler;
import io.fusionline.multimodal.audio.SampleEncoding;
import io.fusionline.multimodal.audio.SharedSpeechModel;
import io.fusionline.multimodal.audio.SpeechRecognizer;
import io.fusionline.multimodal.audio.Utterance;
import io.fusionline.multimodal.audio.VoiceActivityGate;
import io.fusionline.multimodal.audio.VoskModelLocator;
import io.fusionline.operators.DeadLetters;
import io.fusionline.operators.EventTimeLag;
import io.fusionline.operators.Failures;
import io.fusionline.schema.media.AudioChunk;
import io.fusionline.schema.media.AudioEncoding;
import io.fusionline.schema.serde.RecordCodec;
import io.fusionline.schema.serde.WireFormat;
import io.fusionline.schema.text.Transcript;
import io.fusionline.schema.text.TranscriptKind;
import io.fusionline.schema.text.TranscriptWord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Streaming speech recognition, keyed by source id.
 *
 * <p><b>Order.</b> Chunks are fed in sequence order. Out-of-order chunks wait in state; when more
 * than {@code reorderChunks} wait, the missing ones are declared lost: a {@code GAP} transcript
 * covers their time and recognition continues. A chunk whose sequence was already passed (duplicate
 * or too late) is a dead letter, unless its audio starts at or after the end of the audio already
 * fed: then the producer restarted its count, and the source's stream is finished and a new one
 * begins ({@code streamRestarts}).
 *
 * <p><b>Resources.</b> One Vosk model per task-manager JVM, shared by all subtasks ({@link
 * SharedSpeechModel}, acquired in {@code open()}, released in {@code close()}); one recognizer and
 * resampler per active source, finished and closed after {@code idleTimeout} of processing time
 * without audio, when the source's state is also cleared. At most {@code maxLiveStreams} sources
 * have a recognizer per subtask; audio of another source is a dead letter until one finishes
 * ({@code cappedChunks}). A recognizer that throws (Vosk's native errors included) is closed and
 * its chunk dead-lettered; the source's next chunk starts a new one.
 *
 * <p><b>No speech lost on failover.</b> The chunks fed since the last final result are kept in
 * keyed state. After a restore the recognizer of a source does not exist yet; it is created on the
 * source's next chunk (or its idle timer) and first replays that audio, so the utterance in flight
 * is still transcribed whole. Transcripts emitted after the last checkpoint were part of an
 * uncommitted transaction, so replaying them again keeps exactly-once output.
 *
 * <p>Metrics: {@code chunks}, {@code finals}, {@code partials}, {@code gaps}, {@code
 * replayedChunks}, {@code streamRestarts}, {@code cappedChunks}, {@code deadLettered}.
 */
public final class SpeechRecognitionFunction
        extends KeyedProcessFunction<String, AudioChunk, Transcript> {
    private static final long serialVersionUID = 1L;

    /** Stage name in dead letters. */
    public static final String STAGE = "asr";

    private final SpeechRecognitionOptions options;
    private final WireFormat wireFormat;
    private final String audioTopic;

    private transient ValueState<Long> nextSequence;
    private transient MapState<Long, AudioChunk> waiting;
    private transient ListState<AudioChunk> unfinished;
    private transient ValueState<Long> utterances;
    private transient ValueState<Long> lastEnd;
    private transient ValueState<Long> idleTimer;
    private transient ValueState<Double> noiseFloor;

    private transient SharedSpeechModel model;
    private transient Map<String, SourceStream> streams;
    private transient RecordCodec<AudioChunk> codec;
    private transient Counter chunks;
    private transient Counter finals;
    private transient Counter partials;
    private transient Counter gaps;
    private transient Counter replayed;
    private transient Counter streamRestarts;
    private transient Counter cappedChunks;
    private transient EventTimeLag lag;
    // Written by the task thread, read by the metric reporter's thread (realTimeFactor).
    private transient volatile long recognizeNanos;
    private transient volatile long audioNanos;
    private transient Counter speechMillis;
    private transient Counter gatedMillis;
    private transient Counter deadLettered;

    /** Native recognizer and resampler of one source; lives only in this subtask's memory. */
    private static final class SourceStream implements AutoCloseable {
        final SpeechRecognizer recognizer;
        final VoiceActivityGate gate;
        Resampler resampler;
        long unfinishedMs;

        /** Event time of the last partial; -1 before the first. */
        long lastPartialAt = -1;

        SourceStream(SpeechRecognizer recognizer, VoiceActivityGate gate) {
            this.recognizer = recognizer;
            this.gate = gate;
        }

        @Override
        public void close() {
            recognizer.close();
        }
    }

    public SpeechRecognitionFunction(
            SpeechRecognitionOptions options, WireFormat wireFormat, String audioTopic) {
        this.options = options;
        this.wireFormat = wireFormat;
        this.audioTopic = audioTopic;
    }

    @Override
    public void open(OpenContext openContext) {
        AvroTypeInfo<AudioChunk> chunkType = new AvroTypeInfo<>(AudioChunk.class);
        var ctx = getRuntimeContext();
        nextSequence = ctx.getState(new ValueStateDescriptor<>("next-sequence", Types.LONG));
        waiting = ctx.getMapState(new MapStateDescriptor<>("waiting", Types.LONG, chunkType));
        unfinished = ctx.getListState(new ListStateDescriptor<>("unfinished-audio", chunkType));
        utterances = ctx.getState(new ValueStateDescriptor<>("utterances", Types.LONG));
        lastEnd = ctx.getState(new ValueStateDescriptor<>("last-end", Types.LONG));
        idleTimer = ctx.getState(new ValueStateDescriptor<>("idle-timer", Types.LONG));
        noiseFloor = ctx.getState(new ValueStateDescriptor<>("noise-floor", Types.DOUBLE));

        var metrics = ctx.getMetricGroup();
        chunks = metrics.counter("chunks");
        finals = metrics.counter("finals");
        partials = metrics.counter("partials");
        gaps = metrics.counter("gaps");
        replayed = metrics.counter("replayedChunks");
        streamRestarts = metrics.counter("streamRestarts");
        cappedChunks = metrics.counter("cappedChunks");
        deadLettered = metrics.counter("deadLettered");
        lag = EventTimeLag.register(metrics);
        // Seconds of recognizer work per second of audio fed (replays included); below 1 keeps up.
        metrics.gauge(
                "realTimeFactor",
                () -> audioNanos == 0 ? 0.0 : (double) recognizeNanos / audioNanos);
        // Audio the gate let through to the recognizer, and audio it kept out as silence.
        speechMillis = metrics.counter("speechMillis");
        gatedMillis = metrics.counter("gatedMillis");
        metrics.gauge(
                "speechDuty",
                () -> {
                    long all = speechMillis.getCount() + gatedMillis.getCount();
                    return all == 0 ? 0.0 : speechMillis.getCount() / (double) all;
                });

        codec = wireFormat.codec(AudioChunk.class);
        streams = new HashMap<>();
        Path dir =
                options.modelDir() == null
                        ? VoskModelLocator.bundled()
                        : VoskModelLocator.external(
                                Path.of(options.modelDir()), options.unverifiedModel());
        model = SharedSpeechModel.acquire(dir);
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        if (streams != null) {
            for (SourceStream s : streams.values()) {
                try {
                    s.close();
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
            streams.clear();
        }
        if (model != null) {
            model.close();
            model = null;
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void processElement(AudioChunk chunk, Context ctx, Collector<Transcript> out)
            throws Exception {
        chunks.inc();
        if (!streams.containsKey(ctx.getCurrentKey())
                && streams.size() >= options.maxLiveStreams()) {
            cappedChunks.inc();
            reject(
                    chunk,
                    "too many live speech streams: "
                            + streams.size()
                            + " sources on this subtask (limit "
                            + options.maxLiveStreams()
                            + ")",
                    ctx);
            return;
        }
        long sequence = chunk.getSequence();
        Long expected = nextSequence.value();
        if (expected == null) {
            expected = sequence;
        }
        if (sequence < expected && restarted(chunk)) {
            // The producer restarted its count: the old stream ends here, a new one begins.
            streamRestarts.inc();
            finishStream(ctx, out);
            expected = sequence;
        }
        if (sequence < expected || waiting.contains(sequence)) {
            reject(
                    chunk,
                    "duplicate or late audio chunk "
                            + chunk.getSourceId()
                            + "#"
                            + sequence
                            + " (next expected #"
                            + expected
                            + ")",
                    ctx);
            return;
        }
        if (sequence == expected) {
            // The common case: in order, so it is fed at once without a trip through state.
            feed(chunk, ctx, out);
            expected = drain(expected + 1, ctx, out);
        } else {
            waiting.put(sequence, chunk);
        }
        if (!waiting.isEmpty() && waitingCount() > options.reorderChunks()) {
            expected = skipGap(expected, ctx, out);
        }
        nextSequence.update(expected);
        armIdleTimer(ctx);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Transcript> out)
            throws Exception {
        Long due = idleTimer.value();
        if (due == null || due != timestamp) {
            return;
        }
        finishStream(ctx, out);
        idleTimer.clear();
    }

    /**
     * A chunk behind the expected sequence whose audio starts at or after the end of the audio
     * already fed: not a duplicate (that would repeat fed time) but a producer that counts from 0
     * again after a restart.
     */
    private boolean restarted(AudioChunk chunk) throws Exception {
        Long end = lastEnd.value();
        return end != null && chunk.getEventTime().toEpochMilli() >= end;
    }

    /**
     * Ends the current key's stream: waiting chunks fed past their gaps, the utterance in flight
     * finished, the recognizer closed and the source's state cleared (the idle timer's too).
     */
    private void finishStream(Context ctx, Collector<Transcript> out) throws Exception {
        Long expected = nextSequence.value();
        while (expected != null && !waiting.isEmpty()) {
            expected = skipGap(expected, ctx, out);
        }
        String key = ctx.getCurrentKey();
        // After a restore there is no recognizer yet; create one only if there is audio to finish.
        if (streams.containsKey(key) || unfinished.get().iterator().hasNext()) {
            SourceStream stream = stream(key, ctx, out);
            if (stream.resampler != null) {
                stream.recognizer
                        .accept(stream.resampler.flush(), endOrZero())
                        .ifPresent(u -> emitFinal(u, key, out));
            }
            stream.recognizer.finish().ifPresent(u -> emitFinal(u, key, out));
            streams.remove(key).close();
        }
        nextSequence.clear();
        waiting.clear();
        unfinished.clear();
        utterances.clear();
        lastEnd.clear();
        noiseFloor.clear();
    }

    /** Feeds every waiting chunk from {@code expected} on; returns the next expected sequence. */
    private long drain(long expected, Context ctx, Collector<Transcript> out) throws Exception {
        AudioChunk next;
        while (!waiting.isEmpty() && (next = waiting.get(expected)) != null) {
            waiting.remove(expected);
            feed(next, ctx, out);
            expected++;
        }
        return expected;
    }

    /** Declares the chunks before the first waiting one lost, then drains. */
    private long skipGap(long expected, Context ctx, Collector<Transcript> out) throws Exception {
        long first = Long.MAX_VALUE;
        for (Long s : waiting.keys()) {
            first = Math.min(first, s);
        }
        if (first == Long.MAX_VALUE) {
            return expected;
        }
        AudioChunk resume = waiting.get(first);
        long gapEnd = resume.getEventTime().toEpochMilli();
        Long end = lastEnd.value();
        long gapStart = end == null ? gapEnd : Math.min(end, gapEnd);
        gaps.inc();
        out.collect(
                transcript(ctx.getCurrentKey(), TranscriptKind.GAP, gapStart, gapEnd)
                        .setText("missing chunks #" + expected + "..#" + (first - 1))
                        .build());
        return drain(first, ctx, out);
    }

    private void feed(AudioChunk chunk, Context ctx, Collector<Transcript> out) throws Exception {
        String key = ctx.getCurrentKey();
        SourceStream stream = stream(key, ctx, out);
        short[] mono;
        try {
            mono = decode(chunk);
        } catch (AudioFormatException e) {
            reject(chunk, e.getMessage(), ctx);
            return;
        }
        unfinished.add(chunk);
        try {
            recognize(stream, chunk, mono, key, out);
        } catch (RuntimeException | Error e) { // Vosk's native errors: the recognizer is spent
            streams.remove(key).close();
            List<AudioChunk> kept = new ArrayList<>();
            unfinished.get().forEach(kept::add);
            kept.remove(kept.size() - 1);
            unfinished.update(kept);
            reject(chunk, Failures.reason("speech recognizer failed", e), ctx);
        }
    }

    /** The source's recognizer; a new one first replays the audio kept since the last final. */
    private SourceStream stream(String key, Context ctx, Collector<Transcript> out)
            throws Exception {
        SourceStream stream = streams.get(key);
        if (stream != null) {
            return stream;
        }
        Double floor = noiseFloor.value(); // a restored stream's audio is judged as before
        stream =
                new SourceStream(
                        new SpeechRecognizer(model),
                        !options.gate()
                                ? null
                                : floor == null
                                        ? new VoiceActivityGate(SpeechRecognizer.MODEL_RATE)
                                        : new VoiceActivityGate(
                                                SpeechRecognizer.MODEL_RATE, floor));
        streams.put(key, stream);
        List<AudioChunk> replay = new ArrayList<>();
        unfinished.get().forEach(replay::add);
        for (AudioChunk chunk : replay) {
            replayed.inc();
            try {
                recognize(stream, chunk, decode(chunk), key, out);
            } catch (AudioFormatException e) {
                // It was decoded before it was stored; a change of code could make it fail now.
                reject(chunk, "cannot replay: " + e.getMessage(), ctx);
            }
        }
        return stream;
    }

    private void recognize(
            SourceStream stream,
            AudioChunk chunk,
            short[] mono,
            String key,
            Collector<Transcript> out)
            throws Exception {
        int rate = chunk.getSampleRate();
        if (stream.resampler == null || stream.resampler.inRate() != rate) {
            stream.resampler = new Resampler(rate, SpeechRecognizer.MODEL_RATE);
        }
        long start = chunk.getEventTime().toEpochMilli();
        long duration = mono.length * 1000L / rate;
        lastEnd.update(start + duration);
        stream.unfinishedMs += duration;
        long started = System.nanoTime();
        short[] resampled = stream.resampler.process(mono);
        List<Utterance> done = new ArrayList<>();
        if (stream.gate == null) {
            stream.recognizer.accept(resampled, start).ifPresent(done::add);
        } else {
            gated(stream, resampled, start, duration, done);
        }
        recognizeNanos += System.nanoTime() - started;
        audioNanos += duration * 1_000_000L;
        if (done.isEmpty() && stream.unfinishedMs > options.maxUtterance().toMillis()) {
            stream.recognizer.finish().ifPresent(done::add);
            unfinished.clear();
            stream.unfinishedMs = 0;
        }
        if (!done.isEmpty()) {
            for (Utterance u : done) {
                emitFinal(u, key, out);
            }
            keepAudioAfter(done.get(done.size() - 1).endTime(), stream);
        } else if (!stream.recognizer.inUtterance() && stream.gate != null) {
            // Silence the gate kept out: only its pre-roll can become part of the next utterance.
            keepAudioEndingAfter(start + duration - VoiceActivityGate.PRE_ROLL_MS, stream);
        } else if (!stream.recognizer.inUtterance()) {
            // Vosk ended a silent segment: nothing in it can become speech later.
            unfinished.clear();
            stream.unfinishedMs = 0;
        } else {
            maybePartial(stream, start + duration, key, out);
        }
    }

    /**
     * Feeds the recognizer only what the gate calls speech, each piece at its own event time, and
     * finishes the utterance as soon as the gate says the speech ended.
     */
    private void gated(
            SourceStream stream, short[] resampled, long start, long duration, List<Utterance> done)
            throws Exception {
        long fed = stream.recognizer.acceptGated(stream.gate, resampled, start, done);
        if (!Double.isNaN(stream.gate.floorDb())) {
            noiseFloor.update(stream.gate.floorDb());
        }
        long fedMs = Math.min(duration, fed * 1000 / SpeechRecognizer.MODEL_RATE);
        speechMillis.inc(fedMs);
        gatedMillis.inc(duration - fedMs);
    }

    /** After a final, only chunks that start after its last word can hold the next utterance. */
    private void keepAudioAfter(long endTime, SourceStream stream) throws Exception {
        keepAudio(endTime, false, stream);
    }

    /** Keeps the chunks whose audio ends after {@code time}: the gate's pre-roll for a replay. */
    private void keepAudioEndingAfter(long time, SourceStream stream) throws Exception {
        keepAudio(time, true, stream);
    }

    private void keepAudio(long time, boolean byEnd, SourceStream stream) throws Exception {
        List<AudioChunk> keep = new ArrayList<>();
        long keptMs = 0;
        for (AudioChunk c : unfinished.get()) {
            long ms = c.getPayload().remaining() * 1000L / bytesPerSecond(c);
            long start = c.getEventTime().toEpochMilli();
            if (byEnd ? start + ms > time : start >= time) {
                keep.add(c);
                keptMs += ms;
            }
        }
        unfinished.update(keep);
        stream.unfinishedMs = keptMs;
    }

    private void maybePartial(SourceStream stream, long now, String key, Collector<Transcript> out)
            throws Exception {
        if (options.partialInterval() == null
                || (stream.lastPartialAt >= 0
                        && now - stream.lastPartialAt < options.partialInterval().toMillis())) {
            return;
        }
        Utterance partial = stream.recognizer.partial();
        if (partial.isEmpty()) {
            return;
        }
        stream.lastPartialAt = now;
        partials.inc();
        out.collect(
                transcript(key, TranscriptKind.PARTIAL, partial.startTime(), partial.endTime())
                        .setText(partial.text())
                        .build());
    }

    private void emitFinal(Utterance u, String key, Collector<Transcript> out) {
        try {
            Long count = utterances.value();
            utterances.update(count == null ? 1 : count + 1);
        } catch (Exception e) {
            throw new IllegalStateException("cannot update utterance count", e);
        }
        finals.inc();
        lag.record(u.endTime());
        List<TranscriptWord> words = new ArrayList<>();
        for (Utterance.Word w : u.words()) {
            words.add(
                    new TranscriptWord(
                            w.word(),
                            Instant.ofEpochMilli(w.startTime()),
                            Instant.ofEpochMilli(w.endTime()),
                            w.confidence()));
        }
        out.collect(
                transcriptNumbered(key, TranscriptKind.FINAL, u.startTime(), u.endTime(), 0)
                        .setText(u.text())
                        .setConfidence(u.confidence())
                        .setWords(words)
                        .build());
    }

    /** A transcript builder for the utterance in progress (the next to finish). */
    private Transcript.Builder transcript(String key, TranscriptKind kind, long start, long end)
            throws Exception {
        return transcriptNumbered(key, kind, start, end, 1);
    }

    private Transcript.Builder transcriptNumbered(
            String key, TranscriptKind kind, long start, long end, int ahead) {
        Long count;
        try {
            count = utterances.value();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read utterance count", e);
        }
        return Transcript.newBuilder()
                .setSourceId(key)
                .setUtterance((count == null ? 0 : count) + ahead)
                .setKind(kind)
                .setStartTime(Instant.ofEpochMilli(start))
                .setEndTime(Instant.ofEpochMilli(Math.max(start, end)))
                .setText("")
                .setConfidence(0)
                .setWords(List.of())
                .setModel(options.modelId());
    }

    private void reject(AudioChunk chunk, String reason, Context ctx) {
        deadLettered.inc();
        ctx.output(
                DeadLetters.TAG,
                DeadLetters.of(
                        chunk.getOrigin(),
                        audioTopic,
                        chunk.getSourceId().getBytes(StandardCharsets.UTF_8),
                        codec.encode(chunk),
                        STAGE,
                        reason));
    }

    private void armIdleTimer(Context ctx) throws Exception {
        Long previous = idleTimer.value();
        if (previous != null) {
            ctx.timerService().deleteProcessingTimeTimer(previous);
        }
        long due = ctx.timerService().currentProcessingTime() + options.idleTimeout().toMillis();
        ctx.timerService().registerProcessingTimeTimer(due);
        idleTimer.update(due);
    }

    private int waitingCount() throws Exception {
        int n = 0;
        for (Long ignored : waiting.keys()) {
            n++;
        }
        return n;
    }

    private long endOrZero() throws Exception {
        Long end = lastEnd.value();
        return end == null ? 0 : end;
    }

    private static short[] decode(AudioChunk chunk) throws AudioFormatException {
        ByteBuffer payload = chunk.getPayload().duplicate();
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        SampleEncoding encoding =
                chunk.getEncoding() == AudioEncoding.PCM_F32LE
                        ? SampleEncoding.PCM_F32LE
                        : SampleEncoding.PCM_S16LE;
        if (chunk.getEncoding() == AudioEncoding.UNKNOWN) {
            throw new AudioFormatException("unsupported audio encoding " + chunk.getEncoding());
        }
        return PcmDecoder.toMono16(bytes, encoding, chunk.getChannels());
    }

    private static long bytesPerSecond(AudioChunk c) {
        int sample = c.getEncoding() == AudioEncoding.PCM_F32LE ? 4 : 2;
        return (long) sample * c.getChannels() * c.getSampleRate();
    }
}
