package io.fusionline.simulation.vision;

import io.fusionline.multimodal.onnx.OnnxGraphBuilder;
import io.fusionline.multimodal.vision.ChannelOrder;
import io.fusionline.multimodal.vision.ImageInputSpec;
import io.fusionline.multimodal.vision.ResizeMode;
import io.fusionline.multimodal.vision.TensorLayout;
import io.fusionline.multimodal.vision.VisionModelDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Writes a ViT-style patch encoder with seeded random weights as an ONNX model plus its {@link
 * VisionModelDescriptor}: the fixture for tests and benchmarks until a trained encoder is
 * configured. Its embeddings carry no meaning; its shapes, cost profile and operators (strided
 * convolution patchify, position embedding, token MLP, mean pooling) are those of a real one.
 *
 * <pre>
 * pixels [b,3,S,S] → Conv(k=P, stride=P) → [b,D,S/P,S/P] → reshape+transpose → [b,T,D]
 *   → + position[T,D] → MatMul[D,D] + bias → tanh = patch_tokens [b,T,D] → mean over T = pooled [b,D]
 * </pre>
 */
public final class RandomPatchEncoder {

    /** Model id in its descriptor. */
    public static final String ID = "fusionline-random-patch-encoder";

    private RandomPatchEncoder() {}

    /**
     * Writes {@code model.onnx} and {@code descriptor.json} into {@code dir} and returns the
     * descriptor.
     *
     * @param size input width and height in pixels
     * @param patch patch side in pixels (divides {@code size})
     * @param dim embedding width D
     * @param seed weight seed: the same arguments give the same bytes
     */
    public static VisionModelDescriptor write(Path dir, int size, int patch, int dim, long seed)
            throws IOException {
        if (size <= 0 || patch <= 0 || size % patch != 0 || dim <= 0) {
            throw new IllegalArgumentException(
                    "patch " + patch + " must divide size " + size + ", dim must be > 0");
        }
        int grid = size / patch;
        int tokens = grid * grid;
        Random random = new Random(seed);
        OnnxGraphBuilder g = new OnnxGraphBuilder("random_patch_encoder", 17);
        g.input("pixels", "batch", 3L, (long) size, (long) size)
                .output("pooled", "batch", (long) dim)
                .output("patch_tokens", "batch", (long) tokens, (long) dim)
                .floats(
                        "patch_w",
                        gaussian(random, dim * 3 * patch * patch, 3 * patch * patch),
                        dim,
                        3,
                        patch,
                        patch)
                .floats("patch_b", new float[dim], dim)
                .longs("flat_shape", new long[] {0, dim, -1}, 3)
                .floats("position", gaussian(random, tokens * dim, 50), tokens, dim)
                .floats("mix_w", gaussian(random, dim * dim, dim), dim, dim)
                .floats("mix_b", new float[dim], dim);
        g.node("Conv", List.of("pixels", "patch_w", "patch_b"), List.of("grid"))
                .attr("kernel_shape", new long[] {patch, patch})
                .attr("strides", new long[] {patch, patch})
                .add()
                .node("Reshape", List.of("grid", "flat_shape"), List.of("flat"))
                .add()
                .node("Transpose", List.of("flat"), List.of("sequence"))
                .attr("perm", new long[] {0, 2, 1})
                .add()
                .node("Add", List.of("sequence", "position"), List.of("embedded"))
                .add()
                .node("MatMul", List.of("embedded", "mix_w"), List.of("mixed"))
                .add()
                .node("Add", List.of("mixed", "mix_b"), List.of("biased"))
                .add()
                .node("Tanh", List.of("biased"), List.of("patch_tokens"))
                .add()
                .node("ReduceMean", List.of("patch_tokens"), List.of("pooled"))
                .attr("axes", new long[] {1})
                .attr("keepdims", 0L)
                .add();
        Files.createDirectories(dir);
        Path model = dir.resolve("model.onnx");
        Files.write(
                model,
                g.toByteArray(
                        "fusionline",
                        "Random-weight patch encoder (seed "
                                + seed
                                + "): a test and benchmark fixture, not a trained model."));
        VisionModelDescriptor descriptor =
                new VisionModelDescriptor(
                        ID,
                        size + "px-p" + patch + "-d" + dim + "-s" + seed,
                        model,
                        "pixels",
                        new ImageInputSpec(
                                size,
                                size,
                                TensorLayout.NCHW,
                                ChannelOrder.RGB,
                                ResizeMode.LETTERBOX,
                                255f,
                                new float[] {0.485f, 0.456f, 0.406f},
                                new float[] {0.229f, 0.224f, 0.225f},
                                114),
                        "pooled",
                        "patch_tokens");
        descriptor.write(dir.resolve("descriptor.json"));
        return descriptor;
    }

    private static float[] gaussian(Random random, int n, int fanIn) {
        float[] out = new float[n];
        double scale = 1.0 / Math.sqrt(fanIn);
        for (int i = 0; i < n; i++) {
            out[i] = (float) (random.nextGaussian() * scale);
        }
        return out;
    }
}
