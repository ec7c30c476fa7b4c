package io.fusionline.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's demo command, run as a user runs it: the {@code ./fusionline} launcher. */
class FusionlineCliE2ECase {

    @TempDir Path tmp;

    @Test
    void shouldRunTheFactoryLineWorldThroughFusionByDefault() throws Exception {
        Launcher.Result r = run(240, "demo", "--count", "12");

        assertThat(r.exit()).as("exit code; stderr:%n%s", r.stderr()).isZero();
        List<String> decisions =
                r.stdout().stream().filter(l -> l.startsWith("decision ")).toList();
        assertThat(decisions)
                .hasSize(12)
                .allSatisfy(
                        l ->
                                assertThat(l)
                                        .matches(
                                                "decision +line-[1-4] .*(fused vision\\+log.*"
                                                        + "α vision=.*|vision encoder alone: .*)"));
        assertThat(r.stdout()).anySatisfy(l -> assertThat(l).startsWith("dead letter "));
        assertThat(r.stdout())
                .anySatisfy(l -> assertThat(l).contains("Flink web UI http://127.0.0.1:"));
    }

    @Test
    void shouldRunTheFraudWorldThroughFusion() throws Exception {
        Launcher.Result r = run(240, "demo", "--profile", "fraud", "--count", "12");

        assertThat(r.exit()).as("exit code; stderr:%n%s", r.stderr()).isZero();
        assertThat(r.stdout().stream().filter(l -> l.startsWith("decision ")))
                .hasSize(12)
                .allSatisfy(
                        l ->
                                assertThat(l)
                                        .matches(
                                                "decision +account-[1-4] +#\\d+ +(ok|fraud) .*"
                                                        + "(fused .*transaction.*|transaction"
                                                        + " head: .*)"));
    }

    @Test
    void shouldPrintFortyTextDecisionsAndExitZero() throws Exception {
        Launcher.Result r = run(240, "demo", "--profile", "text", "--count", "40");

        assertThat(r.exit()).as("exit code; stderr:%n%s", r.stderr()).isZero();
        assertThat(r.stdout().stream().filter(l -> l.startsWith("decision "))).hasSize(40);
        // the scans of the label camera and the ID desk, read by OCR, become decisions too
        assertThat(r.stdout())
                .anySatisfy(
                        l -> assertThat(l).matches("decision +(label-cam|id-desk)-1 .*ocr: .*"));
        assertThat(r.stdout())
                .anySatisfy(l -> assertThat(l).contains("Flink web UI http://127.0.0.1:"));
    }

    @Test
    void shouldFailFastWithOneLineWhenKafkaIsUnreachable() throws Exception {
        Launcher.Result r = run(60, "demo", "--bootstrap", "127.0.0.1:1", "--count", "1");

        assertThat(r.exit()).isNotZero();
        assertThat(r.stderr())
                .last()
                .asString()
                .isEqualTo("fusionline: cannot reach Kafka at 127.0.0.1:1 (no answer within 5 s)");
        assertThat(r.stderr()).noneSatisfy(l -> assertThat(l).contains("Exception"));
    }

    @Test
    void shouldRejectBadOptionWithUsageHint() throws Exception {
        Launcher.Result r = run(60, "demo", "--count", "many");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).hasSize(1);
        assertThat(r.stderr().get(0))
                .startsWith("fusionline: ")
                .endsWith("(see ./fusionline demo --help)");
    }

    @Test
    void shouldRejectAMissingVideoAndABadModelDescriptorInOneLine() throws Exception {
        Launcher.Result video =
                run(60, "ingest", "video", "no-such-video.mp4", "--source", "cam-1");
        assertThat(video.exit()).isEqualTo(2);
        assertThat(video.stderr())
                .containsExactly(
                        "fusionline: video file no-such-video.mp4 does not exist"
                                + " (see ./fusionline ingest video --help)");

        Launcher.Result model = run(60, "demo", "--vision-model", "no-such/descriptor.json");
        assertThat(model.exit()).isEqualTo(2);
        assertThat(model.stderr()).hasSize(1);
        assertThat(model.stderr().get(0))
                .startsWith("fusionline: fusionline.vision.model: vision model descriptor ")
                .contains("does not exist");
    }

    private Launcher.Result run(int timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        return Launcher.run(tmp, timeoutSeconds, args);
    }
}
