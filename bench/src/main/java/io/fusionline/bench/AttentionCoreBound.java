package io.fusionline.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.fusionline.multimodal.onnx.OnnxGraphBuilder;
import io.fusionline.multimodal.onnx.OrtSessions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The cheapest possible bridge of the shape the fusion issue fixes, timed on this machine: every
 * language token attends over every vision patch token and every patch over every language token, 8
 * heads, d = 128, with every projection already done (queries, keys and values given) and no
 * feed-forward, residual or head: two score matrices, two softmaxes, two weighted sums, per window.
 * Any bridge with token-level attention in both directions over {@code L} language and {@code P}
 * patch tokens does at least this much per window, so its windows/s on one core is an upper bound
 * for the fusion stage at those token counts.
 */
public final class AttentionCoreBound {

    static final int HEADS = 8;
    static final int HEAD_DIM = 16;

    private AttentionCoreBound() {}

    /** Windows/s of the attention core on one ORT thread at batch {@code batch}, best of rounds. */
    public static double windowsPerSecond(
            int languageTokens, int patchTokens, int batch, int rounds, PrintStream out)
            throws IOException, OrtException {
        Path dir = Files.createTempDirectory("fusionline-attention-core");
        Path model = dir.resolve("attention-core.onnx");
        Files.write(model, graph());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Random random = new Random(5);
        Map<String, long[]> shapes =
                Map.of(
                        "q_lang", shape(batch, languageTokens),
                        "k_lang", shape(batch, languageTokens),
                        "v_lang", shape(batch, languageTokens),
                        "q_patch", shape(batch, patchTokens),
                        "k_patch", shape(batch, patchTokens),
                        "v_patch", shape(batch, patchTokens));
        Map<String, OnnxTensor> inputs = new HashMap<>();
        double best = 0;
        try (OrtSession session = OrtSessions.open(model, 1, "attention core")) {
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                long[] s = e.getValue();
                float[] values = new float[(int) (s[0] * s[1] * s[2] * s[3])];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) random.nextGaussian();
                }
                inputs.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(values), s));
            }
            int calls = Math.max(20, 20_000 / batch);
            for (int r = -1; r < rounds; r++) { // round -1 warms up
                long start = System.nanoTime();
                for (int c = 0; c < calls; c++) {
                    try (OrtSession.Result result = session.run(inputs)) {
                        result.get(0);
                    }
                }
                double rate = (double) calls * batch / ((System.nanoTime() - start) / 1e9);
                if (r >= 0) {
                    best = Math.max(best, rate);
                }
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
            Files.deleteIfExists(model);
            Files.deleteIfExists(dir);
        }
        double macs = 4.0 * languageTokens * patchTokens * HEADS * HEAD_DIM;
        out.printf(
                "(c) attention core alone (L=%d language x P=%d patch tokens, both directions, 8"
                        + " heads, d=128, projections given, no feed-forward; batch %d, 1 ORT"
                        + " thread): %.0f windows/s per core, %.2f M multiply-adds per window, %.1f"
                        + " GFLOP/s%n",
                languageTokens, patchTokens, batch, best, macs / 1e6, best * 2 * macs / 1e9);
        return best;
    }

    private static long[] shape(int batch, int tokens) {
        return new long[] {batch, HEADS, tokens, HEAD_DIM};
    }

    /**
     * softmax(q_lang k_patchᵀ / 4) v_patch and softmax(q_patch k_langᵀ / 4) v_lang, each pooled
     * over its queries, as the outputs (so ORT cannot skip any of it).
     */
    static byte[] graph() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("attention_core", 17);
        for (String name : List.of("q_lang", "k_lang", "v_lang")) {
            g.input(name, "batch", (long) HEADS, "language", (long) HEAD_DIM);
        }
        for (String name : List.of("q_patch", "k_patch", "v_patch")) {
            g.input(name, "batch", (long) HEADS, "patches", (long) HEAD_DIM);
        }
        g.output("lang_out", "batch", (long) HEADS, 1L, (long) HEAD_DIM)
                .output("patch_out", "batch", (long) HEADS, 1L, (long) HEAD_DIM)
                .floats("scale", new float[] {1f / (float) Math.sqrt(HEAD_DIM)});
        direction(g, "q_lang", "k_patch", "v_patch", "lang");
        direction(g, "q_patch", "k_lang", "v_lang", "patch");
        return g.toByteArray("fusionline bench", "attention core bound");
    }

    private static void direction(OnnxGraphBuilder g, String q, String k, String v, String out) {
        g.node("Transpose", List.of(k), List.of(out + "_kt"))
                .attr("perm", new long[] {0, 1, 3, 2})
                .add()
                .node("MatMul", List.of(q, out + "_kt"), List.of(out + "_scores"))
                .add()
                .node("Mul", List.of(out + "_scores", "scale"), List.of(out + "_scaled"))
                .add()
                .node("Softmax", List.of(out + "_scaled"), List.of(out + "_weights"))
                .attr("axis", -1L)
                .add()
                .node("MatMul", List.of(out + "_weights", v), List.of(out + "_mixed"))
                .add()
                .node("ReduceMean", List.of(out + "_mixed"), List.of(out + "_out"))
                .attr("axes", new long[] {2})
                .add();
    }
}
