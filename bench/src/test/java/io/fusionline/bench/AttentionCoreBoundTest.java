package io.fusionline.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.fusionline.multimodal.onnx.OrtSessions;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttentionCoreBoundTest {

    private static final int H = AttentionCoreBound.HEADS;
    private static final int D = AttentionCoreBound.HEAD_DIM;

    @Test
    void shouldComputeScaledDotProductAttentionInBothDirectionsAsWrittenOut(@TempDir Path dir)
            throws Exception {
        int language = 3;
        int patches = 5;
        Random random = new Random(1);
        Map<String, float[]> values = new HashMap<>();
        for (String name : new String[] {"q_lang", "k_lang", "v_lang"}) {
            values.put(name, gaussian(random, H * language * D));
        }
        for (String name : new String[] {"q_patch", "k_patch", "v_patch"}) {
            values.put(name, gaussian(random, H * patches * D));
        }
        Path model = dir.resolve("core.onnx");
        Files.write(model, AttentionCoreBound.graph());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try (OrtSession session = OrtSessions.open(model, 1, "attention core")) {
            for (Map.Entry<String, float[]> e : values.entrySet()) {
                int tokens = e.getKey().endsWith("lang") ? language : patches;
                inputs.put(
                        e.getKey(),
                        OnnxTensor.createTensor(
                                env, FloatBuffer.wrap(e.getValue()), new long[] {1, H, tokens, D}));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                float[][][][] lang = (float[][][][]) result.get("lang_out").get().getValue();
                float[][][][] patch = (float[][][][]) result.get("patch_out").get().getValue();
                float[] expectLang =
                        reference(values, "q_lang", "k_patch", "v_patch", language, patches);
                float[] expectPatch =
                        reference(values, "q_patch", "k_lang", "v_lang", patches, language);
                for (int h = 0; h < H; h++) {
                    for (int d = 0; d < D; d++) {
                        assertThat(lang[0][h][0][d])
                                .isCloseTo(expectLang[h * D + d], within(1e-4f));
                        assertThat(patch[0][h][0][d])
                                .isCloseTo(expectPatch[h * D + d], within(1e-4f));
                    }
                }
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** Per head: the mean over queries of softmax(q kᵀ / √D) v. */
    private static float[] reference(
            Map<String, float[]> x, String q, String k, String v, int queries, int keys) {
        float[] out = new float[H * D];
        for (int h = 0; h < H; h++) {
            for (int i = 0; i < queries; i++) {
                double[] scores = new double[keys];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < keys; j++) {
                    double dot = 0;
                    for (int d = 0; d < D; d++) {
                        dot +=
                                x.get(q)[(h * queries + i) * D + d]
                                        * x.get(k)[(h * keys + j) * D + d];
                    }
                    scores[j] = dot / Math.sqrt(D);
                    max = Math.max(max, scores[j]);
                }
                double sum = 0;
                for (int j = 0; j < keys; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    sum += scores[j];
                }
                for (int j = 0; j < keys; j++) {
                    for (int d = 0; d < D; d++) {
                        out[h * D + d] +=
                                (float)
                                        (scores[j]
                                                / sum
                                                * x.get(v)[(h * keys + j) * D + d]
                                                / queries);
                    }
                }
            }
        }
        return out;
    }

    private static float[] gaussian(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
