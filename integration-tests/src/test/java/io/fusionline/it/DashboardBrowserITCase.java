package io.fusionline.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.cli.demo.DemoDriver;
import io.fusionline.dashboard.DashboardServer;
import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.operators.Profile;
import io.fusionline.runtime.LocalRuntime;
import io.fusionline.runtime.simulate.WorldSimulator;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.serde.KafkaRecordSerde;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * The live dashboard in a real browser during a pipeline run: the factory-line demo (embedded
 * broker, MiniCluster, simulator with speech and malformed records) with the dashboard over its
 * topics, and Debian's headless Chromium ({@code .ci/run} installs it) loading the page.
 *
 * <p>Checks: without the token the server answers 401; with it, the page as the browser built it
 * (after its scripts ran) shows a tile for a decision that is committed in Kafka, and that tile's
 * heat map canvas drew attention cells; a screenshot is saved to {@code
 * target/dashboard-screenshot.png}. The same run's Prometheus endpoint exports the stage metrics
 * {@code docs/operations.md} lists, dead letters by reason among them.
 */
class DashboardBrowserITCase {

    private static final Duration BOUND = Duration.ofMinutes(3);
    private static final Pattern TILE =
            Pattern.compile("class=\"tile[^\"]*\" data-decision-id=\"([^\"]+)\"");
    private static final Pattern GRAFANA_METRIC = Pattern.compile("(flink_[a-zA-Z_]+)");
    private static final Pattern HEAT = Pattern.compile("data-heat-cells=\"(\\d+)\"");

    @Test
    void shouldShowCommittedDecisionsWithHeatMapsInHeadlessChromium() throws Exception {
        String chromium = chromium();
        Configuration conf = new Configuration();
        conf.set(FusionlineJobOptions.PROFILE, Profile.INSPECTION);
        WorldSimulator.acceptWorldClock(conf);
        conf.set(FusionlineJobOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
        conf.set(FusionlineJobOptions.CONSUMER_GROUP, "dashboard-it");
        conf.set(FusionlineJobOptions.TRANSACTIONAL_ID_PREFIX, "dashboard-it");
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());

        try (LocalRuntime runtime = LocalRuntime.start(conf, 0, 2);
                DemoDriver driver = new DemoDriver(runtime.jobConfiguration(), 42, 5, 10);
                DashboardServer dashboard =
                        DashboardServer.serve(runtime.jobConfiguration(), "127.0.0.1", 0)) {
            Thread demo = new Thread(() -> driver.run(0, quiet, System.nanoTime()), "demo");
            demo.setDaemon(true);
            demo.start();
            HttpClient http = HttpClient.newHttpClient();
            String url = dashboard.url();
            String withoutToken = url.substring(0, url.indexOf("?"));
            assertThat(get(http, withoutToken).statusCode()).isEqualTo(401);
            assertThat(get(http, withoutToken + "?token=0123").statusCode()).isEqualTo(401);
            assertThat(get(http, url).statusCode()).isEqualTo(200);

            KafkaTestClients kafka = new KafkaTestClients(runtime.bootstrapServers());
            String decisionsTopic = conf.get(FusionlineJobOptions.DECISIONS_TOPIC);
            Decision first = kafka.awaitCommitted(decisionsTopic, Decision.class, 4, BOUND).get(0);
            // A decision a broken model could write: NaN score, infinite weights.
            Decision broken =
                    Decision.newBuilder(first)
                            .setDecisionId("line-nan/w1")
                            .setSourceId("line-nan")
                            .setScore(Double.NaN)
                            .setAlpha(
                                    Map.of(
                                            "vision",
                                            Double.POSITIVE_INFINITY,
                                            "log",
                                            Double.NEGATIVE_INFINITY))
                            .build();
            kafka.produceRaw(
                    decisionsTopic,
                    null,
                    List.of("line-nan".getBytes(StandardCharsets.UTF_8)),
                    List.of(KafkaRecordSerde.of(Decision.class).serialize(decisionsTopic, broken)));

            // Bounded: load the page until it shows a committed decision with a drawn heat map.
            long deadline = System.nanoTime() + BOUND.toNanos();
            String dom = "";
            List<String> shown = List.of();
            int heatCells = 0;
            while (System.nanoTime() < deadline) {
                dom = run(chromium, "--dump-dom", url);
                shown = all(TILE, dom);
                heatCells = all(HEAT, dom).stream().mapToInt(Integer::parseInt).max().orElse(0);
                Set<String> committed =
                        kafka.readAllCommitted(decisionsTopic, Decision.class).stream()
                                .map(Decision::getDecisionId)
                                .collect(Collectors.toSet());
                if (shown.stream().anyMatch(committed::contains)
                        && heatCells > 0
                        && shown.contains(broken.getDecisionId())) {
                    break;
                }
            }
            Set<String> committed =
                    kafka.readAllCommitted(decisionsTopic, Decision.class).stream()
                            .map(Decision::getDecisionId)
                            .collect(Collectors.toSet());
            assertThat(shown).as("decision tiles in the page:\n%s", dom).isNotEmpty();
            assertThat(committed).containsAll(shown);
            assertThat(heatCells).as("heat map cells drawn").isPositive();
            // the broken decision's tile is drawn, its score and weights shown as they are
            assertThat(shown).contains(broken.getDecisionId());
            assertThat(dom).contains("NaN").contains("Infinity%");

            Path screenshot = Path.of("target", "dashboard-screenshot.png").toAbsolutePath();
            Files.deleteIfExists(screenshot);
            run(chromium, "--screenshot=" + screenshot, "--window-size=1400,1000", url);
            assertThat(screenshot).exists();
            assertThat(Files.size(screenshot)).isGreaterThan(10_000);

            String metrics = get(http, runtime.prometheusUrl()).body();
            assertThat(metrics)
                    .containsPattern("_deadLetters\\{[^}]*reason=\"[^\"]+\"[^}]*\\} [1-9]")
                    .contains("_realTimeFactor")
                    .contains("_eventTimeLagMillis")
                    .contains("_inferenceMillis")
                    .contains("_batchSize")
                    .contains("_earlyExits")
                    .contains("_lateInputs")
                    .contains("_numRecordsIn");
            // Every series the sample Grafana dashboard queries is one this job exports.
            Path grafana =
                    Path.of(System.getProperty("fusionline.home", ".."))
                            .resolve("deploy/grafana/fusionline-dashboard.json");
            List<String> queried = all(GRAFANA_METRIC, Files.readString(grafana));
            assertThat(queried).isNotEmpty();
            for (String name : queried) {
                assertThat(metrics).as("series %s (Grafana)", name).contains(name);
            }
            driver.stop();
        }
    }

    /** Debian's chromium (installed by .ci/run), or another Chromium found on PATH. */
    private static String chromium() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv("PATH").split(":")) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        throw new AssertionError("no Chromium on PATH: apt-get install chromium (.ci/run does)");
    }

    /** Runs headless Chromium once; returns its standard output (the DOM for --dump-dom). */
    private static String run(String chromium, String... args) throws Exception {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                chromium,
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-dev-shm-usage",
                                "--no-first-run",
                                "--user-data-dir=" + Files.createTempDirectory("chromium-profile-"),
                                // Lets the page's polling timer fire and its fetches finish
                                // before the DOM is dumped or the screenshot taken.
                                "--virtual-time-budget=4000"));
        command.addAll(List.of(args));
        Process p =
                new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 60 s");
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> get(HttpClient http, String url)
            throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> all(Pattern pattern, String text) {
        List<String> out = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
