package io.fusionline.multimodal.fusion;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.fusionline.multimodal.JvmShared;
import io.fusionline.multimodal.onnx.OrtSessions;
import io.fusionline.multimodal.text.TextEmbedding;
import io.fusionline.multimodal.vision.ModelDescriptorException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The cross-modal attention bridge and decision head, run as the ONNX graph the training kit
 * exported (see {@code training/fusionline_kit/fusion.py}): this wrapper builds the token tensors
 * and masks of a batch of windows, runs the graph once, and reads probabilities, modality weights α
 * and attention evidence.
 *
 * <p><b>Tensors.</b> {@code vision_tokens [B,P,D]} with {@code vision_mask [B,P]} (all 0 when a
 * window has no image); {@code language_tokens [B,M,T,384]} with {@code language_mask [B,M,T]} (a
 * text's first T tokens; 0 beyond its length or when missing); {@code numeric [B,F]} from the first
 * text modality's event by the descriptor's spec (ignored by the model when that text is missing).
 *
 * <p><b>Sharing.</b> One {@link OrtSession} per (model file, intra-op threads) per JVM, shared and
 * reference-counted; an instance may be used from several threads.
 */
public final class FusionModel implements AutoCloseable {

    private static final JvmShared<SessionKey, OrtSession> SESSIONS = new JvmShared<>();

    private record SessionKey(Path model, int intraOpThreads) {}

    private final FusionModelDescriptor descriptor;
    private final JvmShared.Lease<SessionKey, OrtSession> lease;

    private FusionModel(
            FusionModelDescriptor descriptor, JvmShared.Lease<SessionKey, OrtSession> lease) {
        this.descriptor = descriptor;
        this.lease = lease;
    }

    /** Opens (or joins) the shared session of {@code descriptor}'s model and checks its inputs. */
    public static FusionModel open(FusionModelDescriptor descriptor, int intraOpThreads) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException(
                    "intra-op threads must be >= 1, got " + intraOpThreads);
        }
        SessionKey key =
                new SessionKey(descriptor.model().toAbsolutePath().normalize(), intraOpThreads);
        JvmShared.Lease<SessionKey, OrtSession> lease = SESSIONS.acquire(key, FusionModel::load);
        try {
            for (String name :
                    List.of(
                            "vision_tokens",
                            "vision_mask",
                            "language_tokens",
                            "language_mask",
                            "numeric")) {
                if (!lease.get().getInputNames().contains(name)) {
                    throw new ModelDescriptorException(
                            "fusion model "
                                    + descriptor.model()
                                    + " has no input \""
                                    + name
                                    + "\" (it has "
                                    + lease.get().getInputNames()
                                    + ")");
                }
            }
            return new FusionModel(descriptor, lease);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    /** The descriptor. */
    public FusionModelDescriptor descriptor() {
        return descriptor;
    }

    /** Decides every window of {@code inputs} in one model call; results in input order. */
    public List<FusionOutput> decide(List<FusionInput> inputs) {
        int b = inputs.size();
        if (b == 0) {
            return List.of();
        }
        FusionModelDescriptor d = descriptor;
        int p = d.patches();
        int dv = d.visionDim();
        int m = d.textModalities().size();
        int t = d.maxTokens();
        int e = 384;
        int f = d.numeric().size();
        float[] vt = new float[b * p * dv];
        float[] vm = new float[b * p];
        float[] lt = new float[b * m * t * e];
        float[] lm = new float[b * m * t];
        float[] num = new float[b * Math.max(1, f)];
        List<boolean[]> present = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            FusionInput in = inputs.get(i);
            if (in.visionTokens() != null) {
                if (in.visionTokens().length != p * dv) {
                    throw new IllegalArgumentException(
                            "vision tokens must be "
                                    + p
                                    + "x"
                                    + dv
                                    + " for "
                                    + d.modelRef()
                                    + ", got "
                                    + in.visionTokens().length
                                    + " floats");
                }
                System.arraycopy(in.visionTokens(), 0, vt, i * p * dv, p * dv);
                Arrays.fill(vm, i * p, (i + 1) * p, 1f);
            }
            for (int k = 0; k < m && k < in.texts().length; k++) {
                TextEmbedding text = in.texts()[k];
                if (text == null) {
                    continue;
                }
                if (text.dim() != e) {
                    throw new IllegalArgumentException("text vectors must be 384 wide");
                }
                int n = Math.min(t, text.length());
                int slot = (i * m + k) * t;
                System.arraycopy(text.tokenVectors(), 0, lt, slot * e, n * e);
                Arrays.fill(lm, slot, slot + n, 1f);
            }
            float[] vector = d.numeric().vector(in.features(), in.attributes());
            System.arraycopy(vector, 0, num, i * f, f);
            present.add(in.present(m));
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor vTokens = tensor(env, vt, b, p, dv);
                OnnxTensor vMask = tensor(env, vm, b, p);
                OnnxTensor lTokens = tensor(env, lt, b, m, t, e);
                OnnxTensor lMask = tensor(env, lm, b, m, t);
                OnnxTensor numeric = tensor(env, num, b, f);
                OrtSession.Result result =
                        lease.get()
                                .run(
                                        Map.of(
                                                "vision_tokens", vTokens,
                                                "vision_mask", vMask,
                                                "language_tokens", lTokens,
                                                "language_mask", lMask,
                                                "numeric", numeric))) {
            float[] probs = floats(result, "probabilities");
            float[] alpha = floats(result, "alpha");
            float[] va = floats(result, "vision_attention");
            float[] la = floats(result, "language_attention");
            int c = probs.length / b;
            List<FusionOutput> out = new ArrayList<>(b);
            for (int i = 0; i < b; i++) {
                // the graph's evidence for masked keys is meaningless (a fully masked row
                // attends uniformly); zero it, so evidence only names what the window had
                float[][] words = new float[m][];
                for (int k = 0; k < m; k++) {
                    words[k] = new float[t];
                    int slot = (i * m + k) * t;
                    for (int j = 0; j < t; j++) {
                        words[k][j] = lm[slot + j] > 0 ? la[slot + j] : 0f;
                    }
                }
                float[] patches = new float[p];
                if (vm[i * p] > 0) {
                    System.arraycopy(va, i * p, patches, 0, p);
                }
                out.add(
                        new FusionOutput(
                                Arrays.copyOfRange(probs, i * c, (i + 1) * c),
                                Arrays.copyOfRange(alpha, i * (1 + m), (i + 1) * (1 + m)),
                                patches,
                                words,
                                present.get(i)));
            }
            return out;
        } catch (OrtException ex) {
            throw new IllegalStateException(
                    "fusion inference with " + d.modelRef() + " failed: " + ex.getMessage(), ex);
        }
    }

    private static OnnxTensor tensor(OrtEnvironment env, float[] data, long... shape)
            throws OrtException {
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
    }

    private static float[] floats(OrtSession.Result result, String name) {
        OnnxTensor tensor =
                (OnnxTensor)
                        result.get(name)
                                .orElseThrow(
                                        () ->
                                                new IllegalStateException(
                                                        "model returned no " + name));
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    private static OrtSession load(SessionKey key) {
        return OrtSessions.open(key.model(), key.intraOpThreads(), "fusion model");
    }

    @Override
    public void close() {
        lease.close();
    }
}
