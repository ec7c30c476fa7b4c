package io.fusionline.multimodal.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fusionline.simulation.vision.RandomPatchEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VisionModelDescriptorTest {

    @TempDir Path tmp;

    @Test
    void shouldRoundTripThroughItsJsonFile() throws Exception {
        VisionModelDescriptor written = RandomPatchEncoder.write(tmp, 32, 8, 16, 1);

        VisionModelDescriptor read = VisionModelDescriptor.load(tmp.resolve("descriptor.json"));

        assertThat(read).isEqualTo(written);
        assertThat(read.modelRef()).isEqualTo("fusionline-random-patch-encoder@32px-p8-d16-s1");
    }

    @Test
    void shouldNameFileAndFieldOfEachProblemInOneLine() throws Exception {
        Files.write(tmp.resolve("model.onnx"), new byte[] {1});
        String valid =
                """
                {"id": "m", "version": "1", "model": "model.onnx",
                 "input": {"name": "x", "width": 8, "height": 8, "mean": [0,0,0], "std": [1,1,1]},
                 "outputs": {"pooled": "p", "patchTokens": "t"}}
                """;
        Path file = tmp.resolve("d.json");

        assertProblem(file, null, "vision model descriptor " + file + " does not exist");
        assertProblem(
                file, "{\"id\": ", "vision model descriptor " + file + " is not valid JSON: ");
        assertProblem(
                file,
                valid.replace("\"id\": \"m\", ", ""),
                "vision model descriptor " + file + ": missing field \"id\"");
        assertProblem(
                file,
                valid.replace("\"width\": 8", "\"width\": \"8\""),
                "vision model descriptor "
                        + file
                        + " input: field \"width\" must be an integer, got \"8\"");
        assertProblem(
                file,
                valid.replace("\"name\": \"x\",", "\"name\": \"x\", \"layout\": \"CHW\","),
                "vision model descriptor "
                        + file
                        + " input: field \"layout\" must be one of NCHW, NHWC, got \"CHW\"");
        assertProblem(
                file,
                valid.replace("\"std\": [1,1,1]", "\"std\": [1,0,1]"),
                "vision model descriptor "
                        + file
                        + ": input std values must be > 0, got [1.0, 0.0, 1.0]");
        assertProblem(
                file,
                valid.replace("model.onnx", "missing.onnx"),
                "vision model descriptor "
                        + file
                        + ": model file "
                        + tmp.resolve("missing.onnx")
                        + " does not exist");
        // a user's descriptor cannot point outside its folder, by path or by link
        Path outside =
                Files.write(
                        tmp.getParent().resolve(tmp.getFileName() + "-outside.onnx"),
                        new byte[] {1});
        assertProblem(
                file,
                valid.replace("model.onnx", "../" + outside.getFileName()),
                "vision model descriptor "
                        + file
                        + ": model file ../"
                        + outside.getFileName()
                        + " is outside the descriptor's folder");
        assertProblem(
                file,
                valid.replace("model.onnx", outside.toString()),
                "vision model descriptor "
                        + file
                        + ": model file "
                        + outside
                        + " is outside the descriptor's folder");
        Files.createSymbolicLink(tmp.resolve("link.onnx"), outside);
        assertProblem(
                file,
                valid.replace("model.onnx", "link.onnx"),
                "vision model descriptor "
                        + file
                        + ": model file link.onnx links outside the descriptor's folder");
        Files.delete(outside);
        assertThat(VisionModelDescriptor.load(writeOrDelete(file, valid)).inputName())
                .isEqualTo("x");
    }

    private static void assertProblem(Path file, String content, String message) throws Exception {
        writeOrDelete(file, content);
        assertThatThrownBy(() -> VisionModelDescriptor.load(file))
                .isInstanceOf(ModelDescriptorException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    private static Path writeOrDelete(Path file, String content) throws Exception {
        if (content == null) {
            Files.deleteIfExists(file);
        } else {
            Files.writeString(file, content);
        }
        return file;
    }
}
