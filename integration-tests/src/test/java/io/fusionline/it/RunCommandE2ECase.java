package io.fusionline.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.it.Launcher.Result;
import io.fusionline.jobs.KafkaAccess;
import io.fusionline.runtime.cluster.LocalClusterOptions;
import io.fusionline.runtime.cluster.LocalFlinkCluster;
import io.fusionline.runtime.kafka.EmbeddedKafkaBroker.Listener;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.media.AudioChunk;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./fusionline run} and {@code ingest} as a user runs them against a secured Kafka: JSON
 * lines in over SASL_SSL, the job alone deciding them, Ctrl-C (SIGTERM) stopping it with a
 * savepoint that the next run resumes without deciding anything twice; audio in over mutual TLS; a
 * wrong password refused in one line. No output carries a secret.
 */
class RunCommandE2ECase {

    @RegisterExtension static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.secured();

    private static final Duration WAIT = Duration.ofMinutes(3);

    @TempDir Path tmp;

    @Test
    void shouldDecideIngestedLinesAndResumeFromTheSavepointOfCtrlC() throws Exception {
        KafkaAccess sasl = KAFKA.access(Listener.SASL_SSL);
        String password = secretOf(sasl.file());
        List<String> job =
                List.of(
                        "run",
                        "--profile",
                        "text",
                        "--bootstrap",
                        sasl.bootstrapServers(),
                        "--kafka-config",
                        sasl.file().toString(),
                        "--job-name",
                        "run-e2e",
                        "--set",
                        "fusionline.topic.text-events=run-e2e-text",
                        "--set",
                        "fusionline.topic.decisions=run-e2e-decisions",
                        "--set",
                        "fusionline.topic.dead-letters=run-e2e-dead-letters",
                        "--set",
                        "fusionline.speech.enabled=false",
                        "--set",
                        "fusionline.vision.model=none",
                        "--no-dashboard",
                        "--savepoint-dir",
                        tmp.resolve("savepoints").toString());
        KAFKA.createTopics(2, "run-e2e-text", "run-e2e-decisions", "run-e2e-dead-letters");
        Path lines = lines(0, 9);
        Result in = ingestText(lines, "run-e2e-text", sasl);
        assertThat(in.exit()).as("ingest: %s", in.stderr()).isZero();
        assertThat(in.stdout()).containsExactly("published 9 text events to run-e2e-text");

        KafkaTestClients kafka = new KafkaTestClients(sasl);
        Started first = start(job);
        kafka.awaitCommitted("run-e2e-decisions", Decision.class, 9, WAIT);
        Result stopped = first.stop();
        String savepoint =
                stopped.stderr().stream()
                        .filter(l -> l.startsWith("fusionline run: stopped with savepoint "))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no savepoint: " + stopped))
                        .replaceAll(".*--from-savepoint (\\S+).*", "$1");
        assertThat(first.stdout()).anyMatch(l -> l.startsWith("Job run-e2e, profile text"));
        assertThat(first.stdout()).anyMatch(l -> l.startsWith("Flink web UI http://127.0.0.1:"));
        assertThat(first.stdout()).anyMatch(l -> l.contains("(SASL_SSL)"));

        ingestText(lines(9, 4), "run-e2e-text", sasl);
        List<String> resumed = new ArrayList<>(job);
        resumed.addAll(List.of("--from-savepoint", savepoint));
        Started second = start(resumed);
        List<Decision> decisions =
                kafka.awaitCommitted("run-e2e-decisions", Decision.class, 13, WAIT);
        Result again = second.stop();

        assertThat(decisions).extracting(Decision::getDecisionId).doesNotHaveDuplicates();
        assertThat(kafka.readAllCommitted("run-e2e-decisions", Decision.class)).hasSize(13);
        for (Result r : List.of(in, stopped, again)) {
            assertThat(String.join("\n", r.stdout()) + String.join("\n", r.stderr()))
                    .doesNotContain(password);
        }
    }

    @Test
    void shouldPublishAudioOverMutualTlsAndRefuseAWrongPasswordInOneLine() throws Exception {
        KafkaAccess mtls = KAFKA.access(Listener.MTLS);
        KAFKA.createTopics(2, "e2e-audio");
        Result audio =
                run(
                        120,
                        "ingest",
                        "audio",
                        wav(2).toString(),
                        "--source",
                        "mic-1",
                        "--topic",
                        "e2e-audio",
                        "--fast",
                        "--bootstrap",
                        mtls.bootstrapServers(),
                        "--kafka-config",
                        mtls.file().toString());
        assertThat(audio.exit()).as("ingest audio: %s", audio.stderr()).isZero();
        assertThat(audio.stdout())
                .containsExactly("published 4 chunks (2.0 s of audio) of mic-1 to e2e-audio");
        List<AudioChunk> chunks =
                new KafkaTestClients(mtls).readAllCommitted("e2e-audio", AudioChunk.class);
        assertThat(chunks).extracting(AudioChunk::getSequence).containsExactly(0L, 1L, 2L, 3L);
        assertThat(chunks).allSatisfy(c -> assertThat(c.getSampleRate()).isEqualTo(16_000));
        assertThat(
                        chunks.get(1).getEventTime().toEpochMilli()
                                - chunks.get(0).getEventTime().toEpochMilli())
                .isEqualTo(500);

        KafkaAccess wrong = KAFKA.broker().accessWithWrongPassword();
        Result refused = ingestText(lines(0, 1), "text-events", wrong);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.stderr()).hasSize(1);
        assertThat(refused.stderr().get(0))
                .startsWith("fusionline: Kafka at " + wrong.bootstrapServers() + " (SASL_SSL)")
                .contains("refused the client's credentials")
                .doesNotContain(secretOf(wrong.file()));
    }

    @Test
    void shouldSubmitTheJobJarToAFlinkClusterOverRest() throws Exception {
        KafkaAccess sasl = KAFKA.access(Listener.SASL_SSL);
        KAFKA.createTopics(2, "run-jm-text", "run-jm-decisions", "run-jm-dead-letters");
        Result in = ingestText(lines(0, 6), "run-jm-text", sasl);
        assertThat(in.exit()).as("ingest: %s", in.stderr()).isZero();
        try (LocalFlinkCluster cluster =
                LocalFlinkCluster.start(
                        LocalClusterOptions.defaults(tmp.resolve("cluster"))
                                .withTaskManagers(1, 2))) {
            String rest = cluster.rest().url().replaceAll("^http://|/$", "");
            Result submitted =
                    run(
                            180,
                            "run",
                            "--profile",
                            "text",
                            "--jobmanager",
                            rest,
                            "--bootstrap",
                            sasl.bootstrapServers(),
                            "--kafka-config",
                            sasl.file().toString(),
                            "--job-name",
                            "run-jm",
                            "--parallelism",
                            "1",
                            "--set",
                            "fusionline.topic.text-events=run-jm-text",
                            "--set",
                            "fusionline.topic.decisions=run-jm-decisions",
                            "--set",
                            "fusionline.topic.dead-letters=run-jm-dead-letters",
                            "--set",
                            "fusionline.speech.enabled=false",
                            "--set",
                            "fusionline.vision.model=none");
            assertThat(submitted.exit()).as("run --jobmanager: %s", submitted.stderr()).isZero();
            String line = submitted.stdout().get(submitted.stdout().size() - 1);
            assertThat(line).startsWith("Job run-jm submitted to http://" + rest);
            List<Decision> decisions =
                    new KafkaTestClients(sasl)
                            .awaitCommitted("run-jm-decisions", Decision.class, 6, WAIT);
            assertThat(decisions).extracting(Decision::getDecisionId).doesNotHaveDuplicates();
            cluster.rest().cancel(line.substring(line.lastIndexOf(' ') + 1));
        }
    }

    /**
     * {@code ./fusionline ingest text} of {@code lines} into {@code topic} through {@code kafka}.
     */
    private Result ingestText(Path lines, String topic, KafkaAccess kafka) throws Exception {
        return run(
                120,
                "ingest",
                "text",
                lines.toString(),
                "--topic",
                topic,
                "--bootstrap",
                kafka.bootstrapServers(),
                "--kafka-config",
                kafka.file().toString());
    }

    /** {@code count} JSON lines, three sources, some of them about defects. */
    private Path lines(int first, int count) throws IOException {
        List<String> out = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            out.add(
                    String.format(
                            "{\"source\": \"line-%d\", \"kind\": \"operator_note\", \"text\": \"%s\"}",
                            i % 3, i % 4 == 0 ? "crack in the housing" : "part " + i + " fine"));
        }
        Path file = tmp.resolve("lines-" + first + ".jsonl");
        Files.write(file, out, StandardCharsets.UTF_8);
        return file;
    }

    /** A {@code seconds}-long 440 Hz tone as a 22.05 kHz stereo WAV (resampled on ingest). */
    private Path wav(int seconds) throws IOException {
        float rate = 22_050;
        int frames = (int) rate * seconds;
        byte[] pcm = new byte[frames * 4];
        for (int i = 0; i < frames; i++) {
            short v = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / rate));
            for (int c = 0; c < 2; c++) {
                pcm[i * 4 + c * 2] = (byte) v;
                pcm[i * 4 + c * 2 + 1] = (byte) (v >> 8);
            }
        }
        Path file = tmp.resolve("tone.wav");
        AudioFormat format = new AudioFormat(rate, 16, 2, true, false);
        AudioSystem.write(
                new AudioInputStream(new ByteArrayInputStream(pcm), format, frames),
                AudioFileFormat.Type.WAVE,
                file.toFile());
        return file;
    }

    private static String secretOf(Path clientConfig) throws IOException {
        return Files.readAllLines(clientConfig).stream()
                .filter(l -> l.startsWith("sasl.jaas.config"))
                .map(l -> l.replaceAll(".*password=\"([^\"]+)\".*", "$1"))
                .findFirst()
                .orElse("(none)");
    }

    /** A {@code ./fusionline} process left running. */
    private final class Started {
        final Process process;
        final Path stdout;
        final Path stderr;

        Started(Process process, Path stdout, Path stderr) {
            this.process = process;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        List<String> stdout() throws IOException {
            return Files.readAllLines(stdout, StandardCharsets.UTF_8);
        }

        /** SIGTERM, as Ctrl-C; waits for the exit. */
        Result stop() throws Exception {
            process.destroy();
            if (!process.waitFor(150, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("run did not stop: " + Files.readString(stderr));
            }
            return Launcher.result(process, stdout, stderr);
        }
    }

    private int started;

    private Started start(List<String> args) throws IOException {
        Path out = tmp.resolve("run-" + started + ".out");
        Path err = tmp.resolve("run-" + started++ + ".err");
        return new Started(Launcher.builder(args, out, err).start(), out, err);
    }

    private Result run(int timeoutSeconds, String... args) throws Exception {
        return Launcher.run(tmp, timeoutSeconds, args);
    }
}
