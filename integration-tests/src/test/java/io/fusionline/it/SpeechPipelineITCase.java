package io.fusionline.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.jobs.FusionlineJob;
import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.jobs.KafkaConnectors;
import io.fusionline.operators.audio.AudioChunks;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.media.AudioChunk;
import io.fusionline.schema.ops.DeadLetter;
import io.fusionline.schema.serde.SingleObjectWireFormat;
import io.fusionline.schema.text.Transcript;
import io.fusionline.schema.text.TranscriptKind;
import io.fusionline.simulation.speech.PhraseSynthesizer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Speech end to end on a real broker and MiniCluster, with the job failed mid-utterance: audio
 * chunks of one spoken phrase, a checkpoint after the first 1.5 s, then an injected failure on the
 * first chunk after it. The restored job replays the kept audio, so the one final transcript still
 * starts with the words spoken before the failure, and it becomes a decision.
 */
class SpeechPipelineITCase {

    @RegisterExtension
    @Order(1)
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension FLINK = TestJobs.miniCluster();

    private static final String PHRASE = "deep scratch on the left edge";
    private static final int CHUNK_MS = 250;
    private static final int FIRST_HALF = 6; // 1.5 s: the phrase is not finished yet

    static final AtomicInteger FAILURES = new AtomicInteger();

    @Test
    void shouldTranscribeTheUtteranceInFlightAcrossAFailure() throws Exception {
        Configuration conf = TestJobs.jobConf(KAFKA.bootstrapServers(), "speech");
        String audio = conf.get(FusionlineJobOptions.AUDIO_TOPIC);
        String transcripts = conf.get(FusionlineJobOptions.TRANSCRIPTS_TOPIC);
        KAFKA.createTopics(
                2,
                conf.get(FusionlineJobOptions.TEXT_EVENTS_TOPIC),
                audio,
                transcripts,
                conf.get(FusionlineJobOptions.DECISIONS_TOPIC),
                conf.get(FusionlineJobOptions.DEAD_LETTERS_TOPIC));
        KafkaTestClients kafka = new KafkaTestClients(KAFKA.bootstrapServers());

        List<byte[]> chunks = chunks("line-7", speech());
        List<byte[]> firstHalf = new ArrayList<>(chunks.subList(0, FIRST_HALF));
        firstHalf.add("not an audio chunk".getBytes(StandardCharsets.UTF_8)); // checkpoint probe
        List<byte[]> secondHalf = chunks.subList(FIRST_HALF, chunks.size());
        Map<TopicPartition, Long> stop =
                Map.of(
                        new TopicPartition(audio, 0), (long) firstHalf.size(),
                        new TopicPartition(audio, 1), (long) secondHalf.size());
        kafka.produceRaw(audio, 0, nulls(firstHalf.size()), firstHalf);

        StreamExecutionEnvironment env = TestJobs.environment(conf);
        FusionlineJob.onKafka(conf)
                .textEvents(KafkaConnectors.textEventsSource(conf, OffsetsInitializer.latest()))
                .audio(KafkaConnectors.audioSource(conf, OffsetsInitializer.offsets(stop)))
                .interceptAudio(
                        s ->
                                s.map(new FailOnceAt(FIRST_HALF))
                                        .returns(new AvroTypeInfo<>(AudioChunk.class))
                                        .uid("test-fail-once-audio")
                                        .name("fail once (test)"))
                .build()
                .addTo(env);
        JobClient job = env.executeAsync("speech-it");

        // The probe's dead letter is committed with a checkpoint taken after the first half.
        kafka.awaitCommitted(
                conf.get(FusionlineJobOptions.DEAD_LETTERS_TOPIC),
                DeadLetter.class,
                1,
                Duration.ofSeconds(90));
        kafka.produceRaw(audio, 1, nulls(secondHalf.size()), secondHalf);
        job.getJobExecutionResult().get(3, TimeUnit.MINUTES);

        assertThat(FAILURES).hasValue(1);
        List<Transcript> finals =
                kafka.readAllCommitted(transcripts, Transcript.class).stream()
                        .filter(t -> t.getKind() == TranscriptKind.FINAL)
                        .toList();
        assertThat(finals)
                .singleElement()
                .satisfies(
                        t -> {
                            assertThat(t.getSourceId()).isEqualTo("line-7");
                            assertThat(t.getText())
                                    .as("words spoken before the failure")
                                    .startsWith("deep scratch");
                            assertThat(t.getStartTime().toEpochMilli()).isBetween(T0, T0 + 1_500);
                        });
        assertThat(
                        kafka.readAllCommitted(
                                conf.get(FusionlineJobOptions.DECISIONS_TOPIC), Decision.class))
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.getLabel()).isEqualTo("scratch");
                            assertThat(d.getExplanation()).startsWith("transcript: ");
                        });
        assertThat(
                        kafka.readAllCommitted(
                                conf.get(FusionlineJobOptions.DEAD_LETTERS_TOPIC),
                                DeadLetter.class))
                .singleElement()
                .satisfies(d -> assertThat(d.getStage()).isEqualTo("decode"));
    }

    private static final long T0 = 1_764_000_000_000L;

    private static short[] speech() {
        try (PhraseSynthesizer tts = new PhraseSynthesizer()) {
            short[] s = tts.speak(PHRASE);
            return Arrays.copyOf(s, s.length + 2 * PhraseSynthesizer.RATE); // 2 s of silence
        }
    }

    private static List<byte[]> chunks(String source, short[] samples) {
        var codec = SingleObjectWireFormat.INSTANCE.codec(AudioChunk.class);
        return AudioChunks.split(source, samples, PhraseSynthesizer.RATE, CHUNK_MS, T0).stream()
                .map(codec::encode)
                .toList();
    }

    private static List<byte[]> nulls(int n) {
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add("line-7".getBytes(StandardCharsets.UTF_8));
        }
        return keys;
    }

    /** Throws once on the chunk with the given sequence number. */
    static final class FailOnceAt implements MapFunction<AudioChunk, AudioChunk> {
        private final long sequence;

        FailOnceAt(long sequence) {
            this.sequence = sequence;
        }

        @Override
        public AudioChunk map(AudioChunk chunk) {
            if (chunk.getSequence() == sequence && FAILURES.compareAndSet(0, 1)) {
                throw new IllegalStateException("injected failure mid-utterance (test)");
            }
            return chunk;
        }
    }
}
