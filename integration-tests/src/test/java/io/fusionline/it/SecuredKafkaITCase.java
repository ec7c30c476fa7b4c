package io.fusionline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.jobs.KafkaAccess;
import io.fusionline.jobs.KafkaPreflight;
import io.fusionline.runtime.kafka.EmbeddedKafkaBroker.Listener;
import io.fusionline.runtime.simulate.WorldSimulator;
import io.fusionline.schema.decision.Decision;
import io.fusionline.simulation.fraud.FraudWorld;
import io.fusionline.simulation.inspection.InspectionWorld;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Both worlds end to end on a broker that authenticates its clients, as production clusters do:
 * over SASL_SSL with a SCRAM-SHA-512 user, and over mutual TLS with a client certificate. Every
 * client (the simulator, the job's sources and sinks, the readers) takes the same client properties
 * file; every item is decided exactly once. A wrong password and a missing certificate are refused
 * in one line that carries no secret.
 */
class SecuredKafkaITCase {

    @RegisterExtension
    @Order(1)
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.secured();

    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension FLINK = TestJobs.miniCluster();

    private static final Instant START = Instant.parse("2026-11-23T09:00:00Z");

    @ParameterizedTest(name = "{1} over {0}")
    @CsvSource({"SASL_SSL, inspection", "SASL_SSL, fraud", "MTLS, inspection", "MTLS, fraud"})
    void shouldDecideEveryItemExactlyOnce(Listener listener, String profile) throws Exception {
        if (profile.equals("inspection")) {
            inspection(listener, listener.name().toLowerCase(java.util.Locale.ROOT) + "-insp");
        } else {
            fraud(listener, listener.name().toLowerCase(java.util.Locale.ROOT) + "-fraud");
        }
    }

    @Test
    void shouldRefuseAWrongPasswordAndAMissingCertificateInOneLine() throws Exception {
        KafkaAccess wrong = KAFKA.broker().accessWithWrongPassword();
        String password =
                Files.readAllLines(wrong.file()).stream()
                        .filter(l -> l.startsWith("sasl.jaas.config"))
                        .findFirst()
                        .orElseThrow()
                        .replaceAll(".*password=\"([^\"]+)\".*", "$1");
        assertThatThrownBy(() -> KafkaPreflight.requireReachable(wrong, Duration.ofSeconds(20)))
                .hasMessageStartingWith("Kafka at " + wrong.bootstrapServers() + " (SASL_SSL)")
                .hasMessageContaining("refused the client's credentials")
                .satisfies(
                        e ->
                                assertThat(e.getMessage())
                                        .doesNotContain(password)
                                        .doesNotContain("\n"));

        KafkaAccess noCertificate = KAFKA.broker().accessWithoutCertificate();
        assertThatThrownBy(
                        () ->
                                KafkaPreflight.requireReachable(
                                        noCertificate, Duration.ofSeconds(20)))
                .hasMessageStartingWith("Kafka at " + noCertificate.bootstrapServers() + " (SSL)")
                .hasMessageContaining("refused the client's credentials");

        // the right credentials on the same listeners are let in
        assertThat(
                        KafkaPreflight.requireReachable(
                                KAFKA.access(Listener.SASL_SSL), Duration.ofSeconds(20)))
                .isNotBlank();
        assertThat(
                        KafkaPreflight.requireReachable(
                                KAFKA.access(Listener.MTLS), Duration.ofSeconds(20)))
                .isNotBlank();
    }

    @Test
    void shouldKeepSecretsOutOfTheJobsClientSettings() {
        KafkaAccess sasl = KAFKA.access(Listener.SASL_SSL);
        Map<String, Object> settings = sasl.clientConfig();
        assertThat(settings.get("sasl.jaas.config"))
                .isEqualTo("${fusionline-file:" + sasl.file() + ":sasl.jaas.config}");
        assertThat(settings.get("ssl.truststore.password"))
                .isEqualTo("${fusionline-file:" + sasl.file() + ":ssl.truststore.password}");
        assertThat(settings.get("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(settings.toString()).doesNotContain("password=\"");
    }

    private static void inspection(Listener listener, String test) throws Exception {
        Configuration conf = conf(listener, test, "inspection");
        try (WorldSimulator simulator = new WorldSimulator(conf)) {
            simulator.run(new InspectionWorld(2, 10_000, 224, 11), 8, 0, START, true, n -> {});
        }
        Map<String, Decision> decisions = WorldPipelines.runAndCheckExactlyOnce(conf, 8);
        assertThat(decisions.values())
                .allSatisfy(d -> assertThat(d.getModalities()).contains("vision", "log"));
    }

    private static void fraud(Listener listener, String test) throws Exception {
        Configuration conf = conf(listener, test, "fraud");
        try (WorldSimulator simulator = new WorldSimulator(conf)) {
            simulator.run(new FraudWorld(3, 10_000, 4), 12, 0, START, true, n -> {});
        }
        Map<String, Decision> decisions = WorldPipelines.runAndCheckExactlyOnce(conf, 12);
        assertThat(decisions.values())
                .allSatisfy(d -> assertThat(d.getModalities()).contains("transaction"));
    }

    private static Configuration conf(Listener listener, String test, String profile) {
        Configuration conf = TestJobs.worldConf(KAFKA, KAFKA.access(listener), test, profile);
        assertThat(KafkaAccess.of(conf).securityProtocol())
                .isEqualTo(listener == Listener.SASL_SSL ? "SASL_SSL" : "SSL");
        assertThat(conf.get(FusionlineJobOptions.KAFKA_CLIENT_CONFIG)).isNotBlank();
        return conf;
    }
}
