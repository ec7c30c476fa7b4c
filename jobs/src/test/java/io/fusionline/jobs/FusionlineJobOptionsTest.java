package io.fusionline.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fusionline.multimodal.vision.RandomPatchEncoder;
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
    void shouldRejectNonPositiveCheckpointIntervalAndUnknownWireFormat() {
        Configuration conf = new Configuration();
        conf.set(FusionlineJobOptions.BOOTSTRAP_SERVERS, "k:1");
        conf.set(FusionlineJobOptions.CHECKPOINT_INTERVAL, Duration.ZERO);
        assertThatThrownBy(() -> FusionlineJobOptions.validate(conf))
                .hasMessage("fusionline.checkpoint-interval must be positive, was PT0S");

        conf.set(FusionlineJobOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
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
    void shouldRefuseToBuildWithoutSinks() {
        assertThatThrownBy(() -> FusionlineJob.builder().build())
                .hasMessage("no text-events source set");
    }
}
