package io.fusionline.multimodal.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fusionline.multimodal.vision.ModelDescriptorException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fraud profile's payment head: its descriptor, its fit to the bridge, its outputs. */
class ModalityHeadTest {

    private static final Map<String, String> HOME =
            Map.of("merchant", "groceries", "country", "DE", "device", "known");
    private static final Map<String, String> RISKY =
            Map.of("merchant", "gift_cards", "country", "NG", "device", "new");

    @Test
    void ranksARiskyPaymentAboveAnOrdinaryOneInOneCall() {
        ModalityHeadDescriptor d = BuiltInModels.resolveHead("builtin:fraud-payment");
        assertThat(d.modality()).isEqualTo("transaction");
        assertThat(d.labels()).containsExactly("ok", "fraud");
        try (ModalityHead head = ModalityHead.open(d, 1)) {
            List<float[]> p =
                    head.probabilities(
                            List.of(
                                    new FusionInput(
                                            null,
                                            null,
                                            Map.of("amount", 12.5, "velocity10m", 1.0),
                                            HOME),
                                    new FusionInput(
                                            null,
                                            null,
                                            Map.of("amount", 900.0, "velocity10m", 4.0),
                                            RISKY),
                                    new FusionInput(null, null, Map.of(), Map.of())));
            assertThat(p).hasSize(3);
            for (float[] row : p) {
                assertThat(row[0] + row[1]).isCloseTo(1f, within(1e-5f));
            }
            assertThat(p.get(1)[1]).isGreaterThan(0.5f).isGreaterThan(p.get(0)[1] + 0.3f);
            assertThat(head.probabilities(List.of())).isEmpty();
        }
    }

    @Test
    void fitsTheFraudBridgeOnlyAndRefusesBadDescriptors(@TempDir Path dir) throws Exception {
        ModalityHeadDescriptor d = BuiltInModels.resolveHead("builtin:fraud-payment");
        d.requireFits(BuiltInModels.fusion(BuiltInModels.FRAUD_FUSION));
        assertThatThrownBy(
                        () -> d.requireFits(BuiltInModels.fusion(BuiltInModels.INSPECTION_FUSION)))
                .isInstanceOf(ModelDescriptorException.class)
                .hasMessageContaining("does not fit fusion model fusionline-inspection-fusion");
        assertThatThrownBy(() -> BuiltInModels.resolveHead("builtin:inspection-fusion"))
                .hasMessage("no built-in head \"inspection-fusion\" (there is fraud-payment)");

        Path json = dir.resolve("head.json");
        Files.writeString(
                json,
                "{\"id\":\"h\",\"version\":\"1\",\"profile\":\"fraud\",\"model\":\"model.onnx\","
                        + "\"labels\":[\"ok\",\"fraud\"],\"modality\":\"transaction\","
                        + "\"numeric\":[]}");
        Files.write(dir.resolve("model.onnx"), new byte[] {1});
        assertThatThrownBy(() -> ModalityHeadDescriptor.load(json))
                .isInstanceOf(ModelDescriptorException.class)
                .hasMessageEndingWith(": \"numeric\" must not be empty");
        Files.writeString(
                json,
                "{\"id\":\"h\",\"version\":\"1\",\"profile\":\"fraud\",\"model\":\"model.onnx\","
                        + "\"labels\":[\"ok\",\"fraud\"],\"positiveLabel\":\"risk\","
                        + "\"modality\":\"transaction\","
                        + "\"numeric\":[{\"attribute\":\"device\",\"equals\":\"new\"}]}");
        assertThatThrownBy(() -> ModalityHeadDescriptor.load(json))
                .hasMessageEndingWith(": positiveLabel risk is not one of [ok, fraud]");
    }
}
