package io.fusionline.multimodal.fusion;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.fusionline.multimodal.JvmShared;
import io.fusionline.multimodal.onnx.OrtSessions;
import io.fusionline.multimodal.vision.ModelDescriptorException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A single-modality head run as the ONNX graph the training kit exported ({@code
 * training/fusionline_kit/head.py}): the numeric features of a window's one text modality in, class
 * probabilities out. It decides windows where that modality is all there is, in microseconds,
 * instead of the attention bridge (no text encoder, no attention).
 *
 * <p><b>Sharing.</b> One {@link OrtSession} per (model file, intra-op threads) per JVM, shared and
 * reference-counted; an instance may be used from several threads.
 */
public final class ModalityHead implements AutoCloseable {

    private static final JvmShared<SessionKey, OrtSession> SESSIONS = new JvmShared<>();

    private record SessionKey(Path model, int intraOpThreads) {}

    private final ModalityHeadDescriptor descriptor;
    private final JvmShared.Lease<SessionKey, OrtSession> lease;

    private ModalityHead(
            ModalityHeadDescriptor descriptor, JvmShared.Lease<SessionKey, OrtSession> lease) {
        this.descriptor = descriptor;
        this.lease = lease;
    }

    /** Opens (or joins) the shared session of {@code descriptor}'s model and checks its input. */
    public static ModalityHead open(ModalityHeadDescriptor descriptor, int intraOpThreads) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException(
                    "intra-op threads must be >= 1, got " + intraOpThreads);
        }
        SessionKey key =
                new SessionKey(descriptor.model().toAbsolutePath().normalize(), intraOpThreads);
        JvmShared.Lease<SessionKey, OrtSession> lease =
                SESSIONS.acquire(
                        key, k -> OrtSessions.open(k.model(), k.intraOpThreads(), "head model"));
        if (!lease.get().getInputNames().contains("numeric")) {
            String names = lease.get().getInputNames().toString();
            lease.close();
            throw new ModelDescriptorException(
                    "head model "
                            + descriptor.model()
                            + " has no input \"numeric\" (it has "
                            + names
                            + ")");
        }
        return new ModalityHead(descriptor, lease);
    }

    /** The descriptor. */
    public ModalityHeadDescriptor descriptor() {
        return descriptor;
    }

    /**
     * Class probabilities of every input in one model call, from each input's numeric features and
     * attributes by the head's spec; results in input order.
     */
    public List<float[]> probabilities(List<FusionInput> inputs) {
        int b = inputs.size();
        if (b == 0) {
            return List.of();
        }
        NumericFeatures spec = descriptor.numeric();
        int f = spec.size();
        float[] x = new float[b * f];
        for (int i = 0; i < b; i++) {
            FusionInput in = inputs.get(i);
            System.arraycopy(spec.vector(in.features(), in.attributes()), 0, x, i * f, f);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor numeric =
                        OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {b, f});
                OrtSession.Result result = lease.get().run(Map.of("numeric", numeric))) {
            OnnxTensor out =
                    (OnnxTensor)
                            result.get("probabilities")
                                    .orElseThrow(
                                            () ->
                                                    new IllegalStateException(
                                                            "head returned no probabilities"));
            FloatBuffer buffer = out.getFloatBuffer();
            float[] all = new float[buffer.remaining()];
            buffer.get(all);
            int c = all.length / b;
            if (c != descriptor.labels().size()) {
                throw new IllegalStateException(
                        "head "
                                + descriptor.modelRef()
                                + " returned "
                                + c
                                + " probabilities per input, its labels are "
                                + descriptor.labels());
            }
            List<float[]> probabilities = new ArrayList<>(b);
            for (int i = 0; i < b; i++) {
                probabilities.add(Arrays.copyOfRange(all, i * c, (i + 1) * c));
            }
            return probabilities;
        } catch (OrtException e) {
            throw new IllegalStateException(
                    "head inference with " + descriptor.modelRef() + " failed: " + e.getMessage(),
                    e);
        }
    }

    @Override
    public void close() {
        lease.close();
    }
}
