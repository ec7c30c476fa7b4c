package io.fusionline.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client properties file: applied as written, secrets by reference, ours refused. */
class KafkaAccessTest {

    @TempDir Path dir;

    @Test
    void shouldPassSettingsAndReferToSecretsInTheFile() throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "security.protocol=SASL_SSL",
                        "sasl.mechanism=SCRAM-SHA-512",
                        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule"
                                + " required username=\"u\" password=\"hunter2\";",
                        "ssl.truststore.location=/etc/kafka/truststore.p12",
                        "ssl.truststore.password=changeit"));

        Configuration conf = new Configuration();
        conf.set(FusionlineJobOptions.BOOTSTRAP_SERVERS, "kafka:9093");
        conf.set(FusionlineJobOptions.KAFKA_CLIENT_CONFIG, file.toString());
        KafkaAccess access = KafkaAccess.of(conf);
        Map<String, Object> settings = access.clientConfig();

        assertThat(settings)
                .containsEntry("bootstrap.servers", "kafka:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12")
                .containsEntry(
                        "sasl.jaas.config", "${fusionline-file:" + file + ":sasl.jaas.config}")
                .containsEntry(
                        "ssl.truststore.password",
                        "${fusionline-file:" + file + ":ssl.truststore.password}")
                .containsEntry("config.providers", "fusionline-file");
        assertThat(settings.toString()).doesNotContain("hunter2").doesNotContain("changeit");
        assertThat(access.toString()).isEqualTo("kafka:9093 (SASL_SSL)");
        assertThat(KafkaAccess.plaintext("k:1").clientConfig())
                .containsOnlyKeys("bootstrap.servers");
    }

    @Test
    void shouldRefuseAMissingFileAndSettingsFusionlineOwnsInOneLine() throws Exception {
        Configuration conf = new Configuration();
        conf.set(FusionlineJobOptions.BOOTSTRAP_SERVERS, "kafka:9093");
        conf.set(FusionlineJobOptions.KAFKA_CLIENT_CONFIG, dir.resolve("nope").toString());
        assertThatThrownBy(() -> FusionlineJobOptions.validate(conf))
                .hasMessage(
                        "fusionline.kafka.client-config: cannot read "
                                + dir.resolve("nope")
                                + " (NoSuchFileException)");

        Path file = dir.resolve("owned.properties");
        Files.writeString(file, "security.protocol=SSL\ngroup.id=theirs\n");
        conf.set(FusionlineJobOptions.KAFKA_CLIENT_CONFIG, file.toString());
        assertThatThrownBy(() -> FusionlineJobOptions.validate(conf))
                .hasMessage(
                        "fusionline.kafka.client-config: "
                                + file
                                + " sets group.id, which fusionline sets itself");
        Files.writeString(file, "bootstrap.servers=elsewhere:9092\n");
        assertThatThrownBy(() -> KafkaAccess.of(conf))
                .hasMessageEndingWith(
                        "sets bootstrap.servers, which fusionline sets itself (give the servers"
                                + " with --bootstrap)");
    }

    @Test
    void shouldKnowKafkasPasswordSettings() {
        assertThat(KafkaAccess.isSecret("sasl.jaas.config")).isTrue();
        assertThat(KafkaAccess.isSecret("ssl.keystore.password")).isTrue();
        assertThat(KafkaAccess.isSecret("ssl.key.password")).isTrue();
        assertThat(KafkaAccess.isSecret("ssl.keystore.key")).isTrue();
        assertThat(KafkaAccess.isSecret("basic.auth.user.info.password")).isTrue();
        assertThat(KafkaAccess.isSecret("security.protocol")).isFalse();
        assertThat(KafkaAccess.isSecret("ssl.truststore.location")).isFalse();
    }
}
