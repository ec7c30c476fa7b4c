package io.fusionline.multimodal.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fusionline.multimodal.fusion.FusionInput;
import io.fusionline.multimodal.fusion.FusionModel;
import io.fusionline.multimodal.fusion.FusionModelDescriptor;
import io.fusionline.multimodal.fusion.FusionOutput;
import io.fusionline.multimodal.text.TextEmbedding;
import io.fusionline.multimodal.text.TextEncoder;
import io.fusionline.multimodal.vision.FramePreprocessor;
import io.fusionline.multimodal.vision.ImageInputSpec;
import io.fusionline.multimodal.vision.ImageLimits;
import io.fusionline.multimodal.vision.VisionEmbedding;
import io.fusionline.multimodal.vision.VisionEncoder;
import io.fusionline.multimodal.vision.VisionModelDescriptor;
import io.fusionline.simulation.DatasetExporter;
import io.fusionline.simulation.fraud.FraudWorld;
import io.fusionline.simulation.inspection.InspectionWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One-epoch smoke run of the training kit ({@code training/train.py --smoke}) on tiny exports:
 * every model folder comes out with an ONNX file that ONNX Runtime loads and runs from Java, and a
 * card whose hashes match the files. Skipped, with the reason, where Debian's python3-torch and
 * python3-onnx are not installed. The real training is not run in CI ({@code training/retrain}).
 */
class TrainingKitSmokeTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path KIT =
            Path.of("..", "training", "train.py").toAbsolutePath().normalize();

    @TempDir Path tmp;

    @Test
    void oneEpochProducesLoadableModelsWithCards() throws Exception {
        assumeTrue(
                torchInstalled(),
                "training kit smoke run skipped: /usr/bin/python3 lacks torch or onnx "
                        + "(apt-get install python3-torch python3-onnx)");
        Path data = tmp.resolve("data");
        ImageInputSpec parts = ImageInputSpec.stretchedRgb(128, 128);
        ImageInputSpec cards = ImageInputSpec.stretchedRgb(256, 160);
        try (TextEncoder text = TextEncoder.open(1, 32)) {
            DatasetExporter.inspection(
                    new InspectionWorld(2, 1000, 224, 5),
                    5,
                    40,
                    data.resolve("inspection"),
                    new DatasetExporter.Inputs(null, text, 32, preprocessor(parts)));
            DatasetExporter.fraud(
                    new FraudWorld(2, 1000, 5),
                    5,
                    60,
                    data.resolve("fraud"),
                    new DatasetExporter.Inputs(null, text, 32, preprocessor(cards)));
        }
        DatasetExporter.documents(5, 40, data.resolve("documents"), preprocessor(cards));
        Path models = tmp.resolve("models");
        Process process =
                new ProcessBuilder(
                                PYTHON.toString(),
                                KIT.toString(),
                                "--data",
                                data.toString(),
                                "--out",
                                models.toString(),
                                "--smoke")
                        .redirectErrorStream(true)
                        .redirectOutput(tmp.resolve("train.log").toFile())
                        .start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String log = Files.readString(tmp.resolve("train.log"));
        assertThat(finished).as("smoke run finished in 5 minutes:\n" + log).isTrue();
        assertThat(process.exitValue()).as(log).isZero();

        for (String id :
                List.of(
                        "inspection-vision",
                        "document-vision",
                        "inspection-fusion",
                        "fraud-fusion")) {
            Path folder = models.resolve(id);
            JsonNode card = new ObjectMapper().readTree(folder.resolve("card.json").toFile());
            assertThat(card.get("smoke").asBoolean()).isTrue();
            assertThat(card.get("files").has("model.onnx")).isTrue();
            card.get("files")
                    .fields()
                    .forEachRemaining(
                            f ->
                                    assertThat(sha256(folder.resolve(f.getKey())))
                                            .as(id + "/" + f.getKey())
                                            .isEqualTo(f.getValue().asText()));
            assertThat(Files.readString(models.resolve(id + ".SHA256SUMS"))).contains("model.onnx");
        }
        VisionModelDescriptor vd =
                VisionModelDescriptor.load(models.resolve("inspection-vision/descriptor.json"));
        FusionModelDescriptor fd =
                FusionModelDescriptor.load(models.resolve("inspection-fusion/fusion.json"));
        try (VisionEncoder vision = VisionEncoder.open(vd, 1);
                FusionModel fusion = FusionModel.open(fd, 1);
                TextEncoder text = TextEncoder.open(1, 32)) {
            VisionEmbedding v = vision.encode(new float[vd.input().tensorSize()], 1).get(0);
            assertThat(v.patches()).isEqualTo(fd.patches());
            assertThat(v.logits()).hasSize(6);
            TextEmbedding machineLog =
                    text.encode("spindle temp 71.3 C vibration 2.4 mm/s tool wear 0.62");
            FusionOutput out =
                    fusion.decide(
                                    List.of(
                                            new FusionInput(
                                                    v.patchTokens(),
                                                    new TextEmbedding[] {machineLog, null},
                                                    Map.of("temperature", 71.3),
                                                    Map.of())))
                            .get(0);
            assertThat(out.probabilities()).hasSize(6);
            assertThat(out.alpha()[2]).isZero(); // no speech
            assertThat(out.alpha()[0] + out.alpha()[1])
                    .isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
        }
    }

    private static boolean torchInstalled() throws Exception {
        if (!Files.isExecutable(PYTHON)) {
            return false;
        }
        Process p =
                new ProcessBuilder(PYTHON.toString(), "-c", "import torch, onnx")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    private static FramePreprocessor preprocessor(ImageInputSpec spec) {
        return new FramePreprocessor(spec, ImageLimits.DEFAULT);
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
