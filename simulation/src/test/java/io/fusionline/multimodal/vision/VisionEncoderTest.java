package io.fusionline.multimodal.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fusionline.simulation.vision.RandomPatchEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VisionEncoderTest {

    @TempDir Path tmp;

    @Test
    void shouldEncodeABatchIntoPooledAndPatchTokens() throws Exception {
        VisionModelDescriptor d = RandomPatchEncoder.write(tmp, 32, 8, 16, 7);
        FramePreprocessor pre = new FramePreprocessor(d.input(), ImageLimits.DEFAULT);
        int size = d.input().tensorSize();
        float[] batch = new float[3 * size];
        for (int i = 0; i < 3; i++) {
            int shift = 40 * i;
            byte[] jpeg = TestImages.jpeg(48, 40, (x, y) -> new int[] {x + shift, y, shift});
            pre.toTensor(EncodedImage.of(jpeg), null, batch, i * size);
        }

        try (VisionEncoder encoder = VisionEncoder.open(d, 1)) {
            List<VisionEmbedding> out = encoder.encode(batch, 3);

            assertThat(out).hasSize(3);
            VisionEmbedding first = out.get(0);
            assertThat(first.dim()).isEqualTo(16);
            assertThat(first.patches()).isEqualTo(16); // (32/8)^2
            assertThat(first.pooled()).hasSize(16);
            assertThat(first.patchTokens()).hasSize(16 * 16);
            // pooled is the mean of the patch tokens
            float mean = 0;
            for (int t = 0; t < 16; t++) {
                mean += first.patchTokens()[t * 16] / 16f;
            }
            assertThat(first.pooled()[0]).isCloseTo(mean, within(1e-5f));
            assertThat(out.get(1).pooled()).isNotEqualTo(first.pooled());

            // batching does not change results: image 2 alone gives what it gave in the batch
            float[] alone = new float[size];
            System.arraycopy(batch, 2 * size, alone, 0, size);
            float[] single = encoder.encode(alone, 1).get(0).pooled();
            for (int k = 0; k < 16; k++) {
                assertThat(single[k]).isCloseTo(out.get(2).pooled()[k], within(1e-4f));
            }
        }
    }

    @Test
    void shouldShareOneSessionPerModelAndThreadsInAJvm() throws Exception {
        VisionModelDescriptor d = RandomPatchEncoder.write(tmp, 16, 8, 8, 1);
        int before = VisionEncoder.sessionsOpenedSoFar();
        VisionEncoder a = VisionEncoder.open(d, 1);
        VisionEncoder b = VisionEncoder.open(d, 1);
        assertThat(VisionEncoder.sessionsOpenedSoFar()).isEqualTo(before + 1);
        a.close();
        assertThat(b.encode(new float[d.input().tensorSize()], 1)).hasSize(1);
        b.close();
        int open = VisionEncoder.sessionsOpenNow();
        VisionEncoder c = VisionEncoder.open(d, 1);
        assertThat(VisionEncoder.sessionsOpenedSoFar()).isEqualTo(before + 2);
        assertThat(VisionEncoder.sessionsOpenNow()).isEqualTo(open + 1);
        c.close();
    }

    @Test
    void shouldWriteTheSameFixtureForTheSameSeed() throws Exception {
        RandomPatchEncoder.write(tmp.resolve("a"), 16, 8, 8, 3);
        RandomPatchEncoder.write(tmp.resolve("b"), 16, 8, 8, 3);

        assertThat(Files.readAllBytes(tmp.resolve("a/model.onnx")))
                .isEqualTo(Files.readAllBytes(tmp.resolve("b/model.onnx")));
    }

    @Test
    void shouldSayInOneLineWhenTheModelDoesNotMatchItsDescriptor() throws Exception {
        VisionModelDescriptor d = RandomPatchEncoder.write(tmp, 16, 8, 8, 1);
        VisionModelDescriptor wrongInput =
                new VisionModelDescriptor(
                        d.id(),
                        d.version(),
                        d.model(),
                        "image",
                        d.input(),
                        d.pooledOutput(),
                        d.patchTokensOutput());
        VisionModelDescriptor wrongOutput =
                new VisionModelDescriptor(
                        d.id(),
                        d.version(),
                        d.model(),
                        d.inputName(),
                        d.input(),
                        "embedding",
                        d.patchTokensOutput());

        assertThatThrownBy(() -> VisionEncoder.open(wrongInput, 1))
                .isInstanceOf(ModelDescriptorException.class)
                .hasMessageEndingWith("has no input \"image\" (it has [pixels])");
        assertThatThrownBy(() -> VisionEncoder.open(wrongOutput, 1))
                .hasMessageContaining("has no output \"embedding\"");
        assertThat(VisionEncoder.sessionsOpenNow()).isZero();
    }
}
