package io.fusionline.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fusionline.operators.Profile;
import io.fusionline.operators.fusion.FusionOptions;
import io.fusionline.schema.text.TextKind;
import io.fusionline.simulation.vision.RandomPatchEncoder;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FusionlineJobOptionsTest {

    @Test
    void shouldAcceptDefaultsWithAnAddress() {
        Configuration conf = new Configuration();
        conf.set(FusionlineJobOptions.BOOTSTRAP_SERVERS, "127.0.0.1:9092,kafka-2:9093");

        assertThatCode(() -> FusionlineJobOptions.validate(conf)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "''                 | fusionline.kafka.bootstrap-servers is not set",
                "kafka              | bad Kafka address 'kafka' (expected host:port)",
                "kafka:             | bad Kafka address 'kafka:' (expected host:port)",
                "kafka:99999        | bad port in Kafka address 'kafka:99999'",
                "a:1,b:x            | bad port in Kafka address 'b:x'"
            })
    void shouldRejectBadAddressesWithOneLine(String bootstrap, String message) {
        Configuration conf = new Configuration();
        conf.set(FusionlineJobOptions.BOOTSTRAP_SERVERS, bootstrap);

        assertThatThrownBy(() -> FusionlineJobOptions.validate(conf)).hasMessage(message);
    }

    @Test
    void shouldRefuseAnUncheckedSpeechModelUnlessToldAndBadInputBounds(@TempDir Path tmp) {
        Configuration conf = new Configuration();
        conf.set(FusionlineJobOptions.BOOTSTRAP_SERVERS, "k:1");
        conf.set(FusionlineJobOptions.SPEECH_MODEL_DIR, tmp.toString());
        assertThatThrownBy(() -> FusionlineJobOptions.validate(conf))
                .hasMessage(
                        "fusionline.speech.model-dir "
                                + tmp
                                + " has no SHA256SUMS: add one, or set"
                                + " fusionline.speech.model-unverified=true to load it unchecked");
        conf.set(FusionlineJobOptions.SPEECH_MODEL_UNVERIFIED, true);
        assertThatCode(() -> FusionlineJobOptions.validate(conf)).doesNotThrowAnyException();
        assertThat(FusionlineJobOptions.speech(conf).unverifiedModel()).isTrue();

        conf.set(FusionlineJobOptions.INPUT_MAX_EVENT_SKEW, Duration.ofSeconds(-1));
        assertThatThrownBy(() -> FusionlineJobOptions.validate(conf))
                .hasMessage(
                        "fusionline.input.max-event-lag and fusionline.input.max-event-skew"
                                + " must not be negative");
        conf.set(FusionlineJobOptions.INPUT_MAX_EVENT_SKEW, Duration.ofMinutes(5));
        conf.set(FusionlineJobOptions.DEAD_LETTER_MAX_PAYLOAD_BYTES, 10);
        assertThatThrownBy(() -> FusionlineJobOptions.validate(conf))
                .hasMessage(
                        "fusionline.dead-letters.max-payload-bytes must be at least 1024, was 10");
    }

    @Test
    void shouldRefuseAnUnknownOptionNamingTheCloseOnes() {
        assertThatThrownBy(
                        () ->
                                FusionlineJobMain.configuration(
                                        "--bootstrap",
                                        "k:1",
                                        "--set",
                                        "fusionline.topic.decision=x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "unknown option fusionline.topic.decision (did you mean"
                                + " fusionline.topic.decisions?)");
        assertThatThrownBy(
                        () ->
                                FusionlineJobMain.configuration(
                                        "--bootstrap", "k:1", "--set", "fusionline.nothing=1"))
                .hasMessage("unknown option fusionline.nothing (fusionline-job --help lists them)");
    }

    @Test
    void shouldLetAnExplicitSettingWinOverTheDefault() {
        Configuration set =
                FusionlineJobMain.configuration(
                        "--bootstrap", "k:1", "--set", "fusionline.checkpoint-interval=PT7S");
        assertThat(set.get(FusionlineJobOptions.CHECKPOINT_INTERVAL))
                .isEqualTo(Duration.ofSeconds(7));
        Configuration flag =
                FusionlineJobMain.configuration(
                        "--bootstrap", "k:1", "--checkpoint-interval", "PT3S");
        assertThat(flag.get(FusionlineJobOptions.CHECKPOINT_INTERVAL))
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(
                        FusionlineJobMain.configuration("--bootstrap", "k:1")
                                .get(FusionlineJobOptions.CHECKPOINT_INTERVAL))
                .isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void shouldRejectNonPositiveCheckpointIntervalAndUnknownWireFormat() {
        Configuration conf = new Configuration();
        conf.set(FusionlineJobOptions.BOOTSTRAP_SERVERS, "k:1");
        conf.set(FusionlineJobOptions.CHECKPOINT_INTERVAL, Duration.ZERO);
        assertThatThrownBy(() -> FusionlineJobOptions.validate(conf))
                .hasMessage("fusionline.checkpoint-interval must be positive, was PT0S");

        conf.set(FusionlineJobOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
        conf.set(FusionlineJobOptions.LATENCY_BUFFER_TIMEOUT, Duration.ZERO);
        assertThatThrownBy(() -> FusionlineJobOptions.validate(conf))
                .hasMessage("fusionline.fusion.buffer-timeout must be positive, was PT0S");
        conf.set(FusionlineJobOptions.LATENCY_BUFFER_TIMEOUT, Duration.ofMillis(5));
        conf.set(FusionlineJobOptions.WIRE_FORMAT, "protobuf");
        assertThatThrownBy(() -> FusionlineJobOptions.validate(conf))
                .hasMessage("unknown wire format 'protobuf' (known: single-object)");
    }

    @Test
    void shouldRejectBadVisionSettingsInOneLine(@TempDir Path tmp) throws Exception {
        Configuration conf = new Configuration();
        conf.set(FusionlineJobOptions.BOOTSTRAP_SERVERS, "k:1");
        conf.set(FusionlineJobOptions.VISION_MODEL, tmp.resolve("descriptor.json").toString());
        assertThatThrownBy(() -> FusionlineJobOptions.validate(conf))
                .hasMessage(
                        "fusionline.vision.model: vision model descriptor "
                                + tmp.resolve("descriptor.json")
                                + " does not exist");

        RandomPatchEncoder.write(tmp, 16, 8, 8, 1);
        assertThatThrownBy(() -> FusionlineJobOptions.validate(conf))
                .hasMessage(
                        "fusionline.vision.model: fusionline-inspection-fusion@1.0-seed1 reads "
                                + "features of fusionline-inspection-vision, but the vision stage "
                                + "runs fusionline-random-patch-encoder");
        conf.set(FusionlineJobOptions.PROFILE, Profile.TEXT);
        assertThatCode(() -> FusionlineJobOptions.validate(conf)).doesNotThrowAnyException();

        conf.set(FusionlineJobOptions.VISION_MODEL, "builtin:nope");
        assertThatThrownBy(() -> FusionlineJobOptions.validate(conf))
                .hasMessage(
                        "fusionline.vision.model: no built-in vision model \"nope\" (there are "
                                + "inspection-vision and document-vision)");
        conf.removeConfig(FusionlineJobOptions.VISION_MODEL);
        assertThat(FusionlineJobOptions.vision(conf).descriptor())
                .isEqualTo("builtin:inspection-vision");
        assertThatCode(() -> FusionlineJobOptions.validate(conf)).doesNotThrowAnyException();
        conf.set(FusionlineJobOptions.VISION_MODEL, FusionlineJobOptions.NO_VISION);
        assertThat(FusionlineJobOptions.vision(conf)).isNull();
        conf.removeConfig(FusionlineJobOptions.VISION_MODEL);
        assertThat(FusionlineJobOptions.vision(conf).batchSize()).isEqualTo(16);

        conf.set(FusionlineJobOptions.VISION_BATCH_SIZE, 0);
        assertThatThrownBy(() -> FusionlineJobOptions.validate(conf))
                .hasMessage("fusionline.vision.batch-size must be 1..1024, was 0");
        conf.set(FusionlineJobOptions.VISION_BATCH_SIZE, 8);
        conf.set(FusionlineJobOptions.OCR_LAYOUT, "sparse");
        assertThatThrownBy(() -> FusionlineJobOptions.validate(conf))
                .hasMessage("fusionline.ocr.layout must be PAGE or SINGLE_LINE, was sparse");
        conf.set(FusionlineJobOptions.OCR_SOURCES, " id-desk, ,label-cam ");
        assertThat(FusionlineJobOptions.ocrSources(conf)).containsExactly("id-desk", "label-cam");
    }

    @Test
    void shouldTakeTheProfilesModelsAndRejectBadFusionSettingsInOneLine() {
        Configuration conf = new Configuration();
        conf.set(FusionlineJobOptions.BOOTSTRAP_SERVERS, "k:1");
        FusionOptions inspection = FusionlineJobOptions.fusion(conf);
        assertThat(inspection.model()).isEqualTo("builtin:inspection-fusion");
        assertThat(inspection.modalityOf(TextKind.TRANSCRIPT)).isEqualTo("speech");
        assertThat(FusionlineJobOptions.vision(conf).descriptor())
                .isEqualTo("builtin:inspection-vision");

        conf.set(FusionlineJobOptions.PROFILE, Profile.FRAUD);
        conf.set(FusionlineJobOptions.ALERT_THRESHOLD, 0.9);
        assertThatCode(() -> FusionlineJobOptions.validate(conf)).doesNotThrowAnyException();
        FusionOptions fraud = FusionlineJobOptions.fusion(conf);
        assertThat(fraud.model()).isEqualTo("builtin:fraud-fusion");
        assertThat(fraud.alertThreshold()).isEqualTo(0.9);
        assertThat(fraud.modalityOf(TextKind.TRANSACTION)).isEqualTo("transaction");
        assertThat(FusionlineJobOptions.vision(conf).descriptor())
                .isEqualTo("builtin:document-vision");

        conf.set(FusionlineJobOptions.FUSION_MODEL, "builtin:inspection-fusion");
        conf.set(FusionlineJobOptions.VISION_MODEL, FusionlineJobOptions.NO_VISION);
        assertThatThrownBy(() -> FusionlineJobOptions.validate(conf))
                .hasMessage(
                        "fusionline.fusion.model: fusionline-inspection-fusion@1.0-seed1 was "
                                + "trained for profile inspection, not fraud");
        conf.set(FusionlineJobOptions.FUSION_MODEL, "builtin:nope");
        assertThatThrownBy(() -> FusionlineJobOptions.validate(conf))
                .hasMessage(
                        "fusionline.fusion.model: no built-in fusion model \"nope\" (there are "
                                + "inspection-fusion and fraud-fusion)");
        conf.removeConfig(FusionlineJobOptions.FUSION_MODEL);
        assertThat(FusionlineJobOptions.fusion(conf).head()).isEqualTo("builtin:fraud-payment");
        conf.set(FusionlineJobOptions.FUSION_HEAD, "builtin:nope");
        assertThatThrownBy(() -> FusionlineJobOptions.validate(conf))
                .hasMessage(
                        "fusionline.fusion.head: no built-in head \"nope\" (there is"
                                + " fraud-payment)");
        conf.set(FusionlineJobOptions.FUSION_HEAD, "none");
        assertThat(FusionlineJobOptions.fusion(conf).head()).isNull();
        conf.removeConfig(FusionlineJobOptions.FUSION_HEAD);
        conf.set(FusionlineJobOptions.REVIEW_THRESHOLD, 0.95);
        assertThatThrownBy(() -> FusionlineJobOptions.validate(conf))
                .hasMessage(
                        "fusionline.fusion: thresholds must satisfy 0 <= review <= alert <= 1, got"
                                + " review 0.95, alert 0.9");
        conf.addAll(Configuration.fromMap(java.util.Map.of("fusionline.profile", "weather")));
        assertThatThrownBy(() -> FusionlineJobOptions.validate(conf))
                .hasMessage("fusionline.profile must be inspection, fraud or text, was 'weather'");
        conf.addAll(Configuration.fromMap(java.util.Map.of("fusionline.profile", "TEXT")));
        assertThat(FusionlineJobOptions.fusion(conf)).isNull();
    }

    @Test
    void shouldTieTransactionsToCheckpointsAndNamesToTheJob() {
        Configuration conf = new Configuration();
        conf.set(FusionlineJobOptions.BOOTSTRAP_SERVERS, "k:1");
        assertThatCode(() -> FusionlineJobOptions.validate(conf)).doesNotThrowAnyException();
        assertThat(FusionlineJobOptions.consumerGroup(conf)).isEqualTo("fusionline");
        conf.set(FusionlineJobOptions.JOB_NAME, "fraud-eu");
        assertThat(FusionlineJobOptions.consumerGroup(conf)).isEqualTo("fraud-eu");
        assertThat(FusionlineJobOptions.transactionalIdPrefix(conf)).isEqualTo("fraud-eu");
        conf.set(FusionlineJobOptions.TRANSACTIONAL_ID_PREFIX, "tx");
        assertThat(FusionlineJobOptions.transactionalIdPrefix(conf)).isEqualTo("tx");

        conf.set(FusionlineJobOptions.CHECKPOINT_TIMEOUT, java.time.Duration.ofMinutes(9));
        assertThatThrownBy(() -> FusionlineJobOptions.validate(conf))
                .hasMessageStartingWith(
                        "fusionline.kafka.transaction-timeout (PT10M) must exceed"
                                + " fusionline.checkpoint-timeout + fusionline.checkpoint-interval"
                                + " + 1 min for a restart (PT10M2S)");
        conf.set(FusionlineJobOptions.KAFKA_TRANSACTION_TIMEOUT, java.time.Duration.ofMinutes(11));
        assertThatCode(() -> FusionlineJobOptions.validate(conf)).doesNotThrowAnyException();
        conf.set(FusionlineJobOptions.JOB_NAME, "two words");
        assertThatThrownBy(() -> FusionlineJobOptions.validate(conf))
                .hasMessage("fusionline.job-name must be 1-100 letters, digits, '.', '_' or '-'");
    }

    @Test
    void shouldRefuseToBuildWithoutSinks() {
        assertThatThrownBy(() -> FusionlineJob.builder().build())
                .hasMessage("no text-events source set");
    }
}
