package io.fusionline.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fusionline.multimodal.Float16;
import io.fusionline.multimodal.text.TextEmbedding;
import io.fusionline.multimodal.text.TextEncoder;
import io.fusionline.multimodal.vision.EncodedImage;
import io.fusionline.multimodal.vision.FramePreprocessor;
import io.fusionline.multimodal.vision.ImageDecoder;
import io.fusionline.multimodal.vision.ImageInputSpec;
import io.fusionline.multimodal.vision.ImageLimits;
import io.fusionline.simulation.fraud.FraudCase;
import io.fusionline.simulation.fraud.FraudWorld;
import io.fusionline.simulation.inspection.InspectionItem;
import io.fusionline.simulation.inspection.InspectionWorld;
import io.fusionline.simulation.speech.SpeechTranscriber;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetExporterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    @Test
    void shouldRoundTripTheInspectionWorldWithTranscripts() throws Exception {
        DatasetExporter.Result result;
        try (SpeechTranscriber asr = new SpeechTranscriber()) {
            result =
                    DatasetExporter.inspection(
                            new InspectionWorld(2, 500, 96, 3),
                            3,
                            20,
                            tmp,
                            DatasetExporter.Inputs.speech(asr));
        }
        InspectionWorld world = new InspectionWorld(2, 500, 96, 3);
        List<String> lines = Files.readAllLines(tmp.resolve("items.jsonl"));

        assertThat(lines).hasSize(20);
        assertThat(result)
                .extracting(
                        DatasetExporter.Result::train,
                        DatasetExporter.Result::validation,
                        DatasetExporter.Result::test)
                .containsExactly(14, 3, 3);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        int transcribed = 0;
        for (String line : lines) {
            JsonNode o = JSON.readTree(line);
            InspectionItem item = world.next();
            byte[] image = Files.readAllBytes(tmp.resolve(o.get("image").asText()));
            byte[] mask = Files.readAllBytes(tmp.resolve(o.get("mask").asText()));
            sha.update(image);
            sha.update(mask);
            sha.update((line + "\n").getBytes());
            assertThat(o.get("label").asText()).isEqualTo(item.defect().label());
            assertThat(o.get("source").asText()).isEqualTo(item.lineId());
            assertThat(o.get("toolWear").asDouble()).isEqualTo(item.log().toolWear());
            assertThat(pixels(image)).isEqualTo(item.image().bgr()); // PNG is lossless
            if (item.voiceNote() != null) {
                assertThat(o.get("note").asText()).isEqualTo(item.voiceNote());
                String transcript = o.get("transcript").asText();
                if (List.of(transcript.split(" ")).stream()
                        .anyMatch(w -> item.voiceNote().contains(w) && w.length() > 3)) {
                    transcribed++;
                }
            } else {
                assertThat(o.get("transcript").isNull()).isTrue();
            }
        }
        assertThat(transcribed).isPositive();
        assertThat(result.sha256()).isEqualTo(HexFormat.of().formatHex(sha.digest()));
        JsonNode manifest = JSON.readTree(tmp.resolve("manifest.json").toFile());
        assertThat(manifest.get("sha256").asText()).isEqualTo(result.sha256());
        assertThat(manifest.get("items").asInt()).isEqualTo(20);
        assertThat(manifest.get("imageSize").asInt()).isEqualTo(96);
        byte[] raw = Files.readAllBytes(tmp.resolve("pixels.u8"));
        assertThat(raw).hasSize(20 * 96 * 96 * 3);
        byte[] first = new byte[96 * 96 * 3];
        System.arraycopy(raw, 0, first, 0, first.length);
        assertThat(first).isEqualTo(new InspectionWorld(2, 500, 96, 3).next().image().bgr());
    }

    @Test
    void shouldRoundTripTheFraudWorld() throws Exception {
        DatasetExporter.fraud(
                new FraudWorld(4, 1000, 8), 8, 60, tmp, DatasetExporter.Inputs.speech(null));
        FraudWorld world = new FraudWorld(4, 1000, 8);
        List<String> lines = Files.readAllLines(tmp.resolve("items.jsonl"));

        assertThat(lines).hasSize(60);
        for (String line : lines) {
            JsonNode o = JSON.readTree(line);
            FraudCase c = world.next();
            assertThat(o.get("label").asText()).isEqualTo(c.fraud() ? "fraud" : "ok");
            assertThat(o.get("amount").asDouble()).isEqualTo(c.transaction().amount());
            assertThat(o.get("newDevice").asBoolean()).isEqualTo(c.transaction().newDevice());
            if (c.document() != null) {
                assertThat(Files.readAllBytes(tmp.resolve(o.get("document").asText())))
                        .isEqualTo(c.document().png());
                assertThat(o.get("tampering").asText())
                        .isEqualTo(c.document().tampering().name().toLowerCase());
            } else {
                assertThat(o.get("document").isNull()).isTrue();
            }
        }
    }

    private static byte[] pixels(byte[] png) throws Exception {
        try (Mat mat = ImageDecoder.decode(EncodedImage.of(png), ImageLimits.DEFAULT)) {
            byte[] out = new byte[mat.rows() * mat.cols() * 3];
            mat.data().get(out);
            return out;
        }
    }

    @Test
    void shouldExportWhatThePipelineStagesSee() throws Exception {
        FramePreprocessor vision =
                new FramePreprocessor(ImageInputSpec.stretchedRgb(64, 64), ImageLimits.DEFAULT);
        try (TextEncoder text = TextEncoder.open(1, 16)) {
            DatasetExporter.inspection(
                    new InspectionWorld(2, 500, 96, 4),
                    4,
                    10,
                    tmp,
                    new DatasetExporter.Inputs(null, text, 16, vision));
            InspectionItem first = new InspectionWorld(2, 500, 96, 4).next();
            JsonNode o = JSON.readTree(Files.readAllLines(tmp.resolve("items.jsonl")).get(0));

            byte[] pixels = Files.readAllBytes(tmp.resolve("pixels.u8"));
            assertThat(pixels).hasSize(10 * 64 * 64 * 3);
            byte[] jpeg = first.image().cameraJpeg();
            assertThat(java.util.Arrays.copyOf(pixels, 64 * 64 * 3))
                    .isEqualTo(vision.toPixels(EncodedImage.of(jpeg), null));
            assertThat(Files.size(tmp.resolve("masks.u8"))).isEqualTo(10 * 64 * 64);

            JsonNode ref = o.get("logTokens");
            TextEmbedding log = text.encode(first.log().text());
            assertThat(ref.get("length").asInt()).isEqualTo(Math.min(16, log.length()));
            ByteBuffer tokens =
                    ByteBuffer.wrap(Files.readAllBytes(tmp.resolve("tokens.f16")))
                            .order(ByteOrder.LITTLE_ENDIAN);
            int base = ref.get("row").asInt() * 16 * TextEncoder.DIM * 2;
            for (int i = 0; i < 50; i++) {
                assertThat(Float16.toFloat(tokens.getShort(base + 2 * i)))
                        .isCloseTo(
                                log.tokenVectors()[i],
                                within(Math.abs(log.tokenVectors()[i]) / 1000 + 1e-4f));
            }
            JsonNode files = JSON.readTree(tmp.resolve("manifest.json").toFile()).get("files");
            assertThat(files.get("tokens.f16").asText())
                    .isEqualTo(
                            HexFormat.of()
                                    .formatHex(
                                            MessageDigest.getInstance("SHA-256")
                                                    .digest(
                                                            Files.readAllBytes(
                                                                    tmp.resolve("tokens.f16")))));
        }
    }

    @Test
    void shouldExportBalancedDocuments() throws Exception {
        FramePreprocessor vision =
                new FramePreprocessor(ImageInputSpec.stretchedRgb(96, 60), ImageLimits.DEFAULT);
        DatasetExporter.documents(3, 80, tmp, vision);
        List<String> lines = Files.readAllLines(tmp.resolve("items.jsonl"));
        long genuine = lines.stream().filter(l -> l.contains("\"tampering\":\"none\"")).count();
        assertThat(genuine).isBetween(25L, 55L);
        for (String kind : List.of("altered_digits", "mismatched_font", "swapped_photo")) {
            assertThat(lines).anyMatch(l -> l.contains("\"" + kind + "\""));
        }
        assertThat(Files.size(tmp.resolve("documents.u8"))).isEqualTo(80L * 96 * 60 * 3);
    }
}
