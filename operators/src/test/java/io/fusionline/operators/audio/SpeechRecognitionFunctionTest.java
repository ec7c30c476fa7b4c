package io.fusionline.operators.audio;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.multimodal.audio.SharedSpeechModel;
import io.fusionline.operators.DeadLetters;
import io.fusionline.schema.media.AudioChunk;
import io.fusionline.schema.ops.DeadLetter;
import io.fusionline.schema.serde.SingleObjectWireFormat;
import io.fusionline.schema.text.Transcript;
import io.fusionline.schema.text.TranscriptKind;
import io.fusionline.simulation.speech.PhraseSynthesizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The speech operator on the real bundled Vosk model and FreeTTS speech. */
class SpeechRecognitionFunctionTest {

    private static final long T0 = 1_764_000_000_000L;
    private static final int CHUNK_MS = 250;
    private static final Duration IDLE = Duration.ofSeconds(30);

    private static short[] stopTheLine;
    private static short[] deepScratch;

    @BeforeAll
    static void synthesize() {
        try (PhraseSynthesizer tts = new PhraseSynthesizer()) {
            stopTheLine = withSilence(tts.speak("stop the line now"));
            deepScratch = withSilence(tts.speak("deep scratch on the left edge"));
        }
    }

    @AfterAll
    static void noModelLeftLoaded() {
        assertThat(SharedSpeechModel.loadedNow()).as("model freed with its last user").isZero();
    }

    @Test
    void shouldTranscribeChunksDeliveredOutOfOrderAndCleanUpWhenIdle() throws Exception {
        List<AudioChunk> chunks = chunks("line-1", stopTheLine);
        for (int i = 0; i + 1 < chunks.size(); i += 2) { // swap every pair
            AudioChunk a = chunks.get(i);
            chunks.set(i, chunks.get(i + 1));
            chunks.set(i + 1, a);
        }
        try (var harness = harness(SpeechRecognitionOptions.defaults().withIdleTimeout(IDLE))) {
            for (AudioChunk c : chunks) {
                harness.processElement(new StreamRecord<>(c, c.getEventTime().toEpochMilli()));
            }
            assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
            assertThat(harness.numKeyedStateEntries()).isPositive();

            harness.setProcessingTime(IDLE.toMillis() + 1);

            List<Transcript> out = harness.extractOutputValues();
            assertThat(out).extracting(Transcript::getKind).containsOnly(TranscriptKind.FINAL);
            assertThat(out).extracting(Transcript::getText).containsExactly("stop the line now");
            Transcript t = out.get(0);
            assertThat(t.getUtterance()).isEqualTo(1);
            assertThat(t.getStartTime().toEpochMilli()).isBetween(T0, T0 + 3_000);
            assertThat(t.getWords()).hasSize(4);
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numProcessingTimeTimers()).isZero();
        }
    }

    @Test
    void shouldEmitRateLimitedPartialsBeforeTheFinal() throws Exception {
        List<AudioChunk> chunks = chunks("call-9", deepScratch);
        var options =
                SpeechRecognitionOptions.defaults().withPartialInterval(Duration.ofMillis(500));
        try (var harness = harness(options)) {
            for (AudioChunk c : chunks) {
                harness.processElement(new StreamRecord<>(c, 0L));
            }
            harness.setProcessingTime(IDLE.toMillis() + 1);

            List<Transcript> out = harness.extractOutputValues();
            List<Transcript> partials =
                    out.stream().filter(t -> t.getKind() == TranscriptKind.PARTIAL).toList();
            assertThat(partials).isNotEmpty();
            assertThat(partials)
                    .as("at most one partial per 500 ms of audio")
                    .hasSizeLessThanOrEqualTo(chunks.size() * CHUNK_MS / 500 + 1);
            assertThat(partials).allSatisfy(p -> assertThat(p.getUtterance()).isEqualTo(1));
            assertThat(out.get(out.size() - 1).getKind()).isEqualTo(TranscriptKind.FINAL);
            for (int i = 1; i < partials.size(); i++) {
                assertThat(
                                partials.get(i).getEndTime().toEpochMilli()
                                        - partials.get(i - 1).getEndTime().toEpochMilli())
                        .isGreaterThanOrEqualTo(500);
            }
        }
    }

    @Test
    void shouldReportLostChunksAsGapAndGoOn() throws Exception {
        List<AudioChunk> chunks = chunks("line-2", stopTheLine);
        AudioChunk lost = chunks.remove(2);
        try (var harness = harness(SpeechRecognitionOptions.defaults().withReorderChunks(2))) {
            for (AudioChunk c : chunks) {
                harness.processElement(new StreamRecord<>(c, 0L));
            }
            harness.setProcessingTime(IDLE.toMillis() + 1);

            List<Transcript> out = harness.extractOutputValues();
            assertThat(out)
                    .first()
                    .satisfies(
                            g -> {
                                assertThat(g.getKind()).isEqualTo(TranscriptKind.GAP);
                                assertThat(g.getText()).isEqualTo("missing chunks #2..#2");
                                assertThat(g.getEndTime()).isEqualTo(chunks.get(2).getEventTime());
                                assertThat(g.getStartTime().toEpochMilli())
                                        .isEqualTo(lost.getEventTime().toEpochMilli());
                            });
            assertThat(out).filteredOn(t -> t.getKind() == TranscriptKind.FINAL).hasSize(1);
        }
    }

    @Test
    void shouldDeadLetterDuplicateChunks() throws Exception {
        List<AudioChunk> chunks = chunks("call-7", stopTheLine);
        try (var harness = harness(SpeechRecognitionOptions.defaults())) {
            harness.processElement(new StreamRecord<>(chunks.get(0), 0L));
            harness.processElement(new StreamRecord<>(chunks.get(1), 0L));
            harness.processElement(new StreamRecord<>(chunks.get(0), 0L));

            DeadLetter dead = harness.getSideOutput(DeadLetters.TAG).poll().getValue();
            assertThat(dead.getStage()).isEqualTo("asr");
            assertThat(dead.getReason())
                    .isEqualTo("duplicate or late audio chunk call-7#0 (next expected #2)");
            assertThat(dead.getOriginalTopic()).isEqualTo("audio");
            assertThat(
                            SingleObjectWireFormat.INSTANCE
                                    .codec(AudioChunk.class)
                                    .decode(dead.getPayload().array()))
                    .isEqualTo(chunks.get(0));
        }
    }

    @Test
    void shouldStartANewStreamWhenAProducerCountsFromZeroAgain() throws Exception {
        List<AudioChunk> first = chunks("line-2", withSilence(stopTheLine));
        long after = T0 + first.size() * CHUNK_MS;
        List<AudioChunk> second =
                new ArrayList<>(
                        AudioChunks.split(
                                "line-2", withSilence(deepScratch), 16_000, CHUNK_MS, after));
        try (var harness = harness(SpeechRecognitionOptions.defaults())) {
            for (AudioChunk c : first) {
                harness.processElement(new StreamRecord<>(c, 0L));
            }
            for (AudioChunk c : second) { // sequence 0, 1, ... again, later audio
                harness.processElement(new StreamRecord<>(c, 0L));
            }
            harness.processElement(new StreamRecord<>(second.get(1), 0L)); // a real duplicate

            assertThat(harness.getSideOutput(DeadLetters.TAG))
                    .extracting(r -> r.getValue().getReason())
                    .containsExactly(
                            "duplicate or late audio chunk line-2#1 (next expected #"
                                    + second.size()
                                    + ")");
            assertThat(harness.extractOutputValues())
                    .filteredOn(t -> t.getKind() == TranscriptKind.FINAL)
                    .extracting(Transcript::getText)
                    .contains("stop the line now");
        }
    }

    @Test
    void shouldCapLiveRecognizersPerSubtaskWithAReason() throws Exception {
        try (var harness = harness(SpeechRecognitionOptions.defaults().withMaxLiveStreams(1))) {
            harness.processElement(new StreamRecord<>(chunks("mic-a", stopTheLine).get(0), 0L));
            harness.processElement(new StreamRecord<>(chunks("mic-b", stopTheLine).get(0), 0L));

            assertThat(harness.getSideOutput(DeadLetters.TAG))
                    .extracting(r -> r.getValue().getReason())
                    .containsExactly(
                            "too many live speech streams: 1 sources on this subtask (limit 1)");
        }
    }

    @Test
    void shouldReplayTheUtteranceInFlightAfterRestore() throws Exception {
        List<AudioChunk> chunks = chunks("line-3", deepScratch);
        int half = 6; // 1.5 s: mid-utterance, before Vosk can finish it
        OperatorSubtaskState snapshot;
        try (var before = harness(SpeechRecognitionOptions.defaults())) {
            for (AudioChunk c : chunks.subList(0, half)) {
                before.processElement(new StreamRecord<>(c, 0L));
            }
            assertThat(before.extractOutputValues()).isEmpty();
            snapshot = before.snapshot(1L, 1L);
        } // the recognizer and what it heard are gone, as after a failure

        try (var after = harness(SpeechRecognitionOptions.defaults(), snapshot)) {
            for (AudioChunk c : chunks.subList(half, chunks.size())) {
                after.processElement(new StreamRecord<>(c, 0L));
            }
            after.setProcessingTime(IDLE.toMillis() + 1);

            assertThat(after.extractOutputValues())
                    .extracting(Transcript::getText)
                    .singleElement()
                    .asString()
                    .startsWith("deep scratch");
        }
    }

    @Test
    void shouldLoadTheModelOnceForTwoSubtasksInOneJvm() throws Exception {
        int before = SharedSpeechModel.loadsSoFar();
        try (var a = harness(SpeechRecognitionOptions.defaults(), null, 2, 0);
                var b = harness(SpeechRecognitionOptions.defaults(), null, 2, 1)) {
            assertThat(SharedSpeechModel.loadedNow()).isEqualTo(1);
            assertThat(SharedSpeechModel.loadsSoFar()).isLessThanOrEqualTo(before + 1);
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AudioChunk, Transcript> harness(
            SpeechRecognitionOptions options) throws Exception {
        return harness(options, null);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AudioChunk, Transcript> harness(
            SpeechRecognitionOptions options, OperatorSubtaskState restore) throws Exception {
        return harness(options, restore, 1, 0);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AudioChunk, Transcript> harness(
            SpeechRecognitionOptions options,
            OperatorSubtaskState restore,
            int parallelism,
            int subtask)
            throws Exception {
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new SpeechRecognitionFunction(
                                        options, SingleObjectWireFormat.INSTANCE, "audio")),
                        AudioChunk::getSourceId,
                        Types.STRING,
                        128,
                        parallelism,
                        subtask);
        if (restore != null) {
            harness.initializeState(restore);
        }
        harness.open();
        return harness;
    }

    /** 250 ms chunks of 16 kHz S16LE mono, sequence from 0, contiguous event time from T0. */
    private static List<AudioChunk> chunks(String source, short[] samples) {
        return new ArrayList<>(AudioChunks.split(source, samples, 16_000, CHUNK_MS, T0));
    }

    private static short[] withSilence(short[] speech) {
        return Arrays.copyOf(speech, speech.length + 16_000);
    }
}
