package io.fusionline.multimodal.vision;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.fusionline.multimodal.JvmShared;
import io.fusionline.multimodal.onnx.OrtSessions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX image encoder described by a {@link VisionModelDescriptor}: a batch of pre-processed
 * images in, one {@link VisionEmbedding} (pooled embedding + patch tokens) per image out.
 *
 * <p><b>Sharing.</b> The {@link OrtSession} is opened once per JVM for each (model file, intra-op
 * threads) and shared by every encoder (ONNX Runtime sessions are safe to run from many threads);
 * {@link #close} releases this encoder's reference, and the last one closes the session.
 *
 * <p><b>Threads.</b> An encoder instance is used by one thread at a time (it reuses its input
 * buffer); open one per operator subtask. The session behind it is shared.
 *
 * <p><b>Checks at open.</b> The model must have the descriptor's input, of rank 4 with the
 * descriptor's size and 3 channels where fixed; the pooled output must be rank 2 and the patch
 * tokens rank 3 with the same width. A mismatch fails with a one-line {@link
 * ModelDescriptorException}.
 */
public final class VisionEncoder implements AutoCloseable {

    private static final JvmShared<SessionKey, OrtSession> SESSIONS = new JvmShared<>();

    private record SessionKey(Path model, int intraOpThreads) {}

    private final VisionModelDescriptor descriptor;
    private final JvmShared.Lease<SessionKey, OrtSession> lease;
    private final OrtSession session;
    private final int maxBatch;
    private final int dim;
    private final Set<String> outputs;

    /**
     * Native-order direct input buffer, reused for every call: ONNX Runtime reads a direct buffer
     * in place, while a heap array would be copied into a fresh direct buffer per call (9.6 MB per
     * batch of 16 at 224×224), churning direct memory and forcing garbage collections.
     */
    private FloatBuffer input;

    private VisionEncoder(
            VisionModelDescriptor descriptor,
            JvmShared.Lease<SessionKey, OrtSession> lease,
            int maxBatch,
            int dim) {
        this.descriptor = descriptor;
        this.lease = lease;
        this.session = lease.get();
        this.maxBatch = maxBatch;
        this.dim = dim;
        this.outputs =
                descriptor.logitsOutput() == null
                        ? Set.of(descriptor.pooledOutput(), descriptor.patchTokensOutput())
                        : Set.of(
                                descriptor.pooledOutput(),
                                descriptor.patchTokensOutput(),
                                descriptor.logitsOutput());
    }

    /**
     * Opens (or joins) the shared session for {@code descriptor}'s model.
     *
     * @param intraOpThreads ONNX Runtime threads per inference call (1 when many subtasks share a
     *     machine's cores)
     */
    public static VisionEncoder open(VisionModelDescriptor descriptor, int intraOpThreads) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException(
                    "intra-op threads must be >= 1, got " + intraOpThreads);
        }
        SessionKey key =
                new SessionKey(descriptor.model().toAbsolutePath().normalize(), intraOpThreads);
        JvmShared.Lease<SessionKey, OrtSession> lease = SESSIONS.acquire(key, VisionEncoder::load);
        try {
            int[] checked = check(descriptor, lease.get());
            return new VisionEncoder(descriptor, lease, checked[0], checked[1]);
        } catch (RuntimeException e) {
            closeQuietly(lease, e);
            throw e;
        }
    }

    /** How many sessions were opened in this JVM so far (for tests). */
    public static int sessionsOpenedSoFar() {
        return SESSIONS.opensSoFar();
    }

    /** How many sessions are open in this JVM now (for tests). */
    public static int sessionsOpenNow() {
        return SESSIONS.openNow();
    }

    /** The descriptor this encoder follows. */
    public VisionModelDescriptor descriptor() {
        return descriptor;
    }

    /** Largest batch the model takes: its fixed batch dimension, or {@link Integer#MAX_VALUE}. */
    public int maxBatch() {
        return maxBatch;
    }

    /** Embedding width D. */
    public int dim() {
        return dim;
    }

    /**
     * Encodes {@code count} images whose tensors lie back to back in {@code batch} (each {@link
     * ImageInputSpec#tensorSize()} floats). Batches larger than {@link #maxBatch()} run in several
     * calls.
     */
    public List<VisionEmbedding> encode(float[] batch, int count) {
        int size = descriptor.input().tensorSize();
        if (count < 0 || (long) count * size > batch.length) {
            throw new IllegalArgumentException(
                    "batch of "
                            + count
                            + " images needs "
                            + (long) count * size
                            + " floats, got "
                            + batch.length);
        }
        List<VisionEmbedding> out = new ArrayList<>(count);
        for (int start = 0; start < count; start += maxBatch) {
            int n = Math.min(maxBatch, count - start);
            run(staged(batch, start * size, n * size), n, out);
        }
        return out;
    }

    private FloatBuffer staged(float[] batch, int offset, int length) {
        if (input == null || input.capacity() < length) {
            input =
                    ByteBuffer.allocateDirect(length * Float.BYTES)
                            .order(ByteOrder.nativeOrder())
                            .asFloatBuffer();
        }
        input.clear();
        input.put(batch, offset, length);
        input.flip();
        return input;
    }

    private void run(FloatBuffer pixels, int n, List<VisionEmbedding> out) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor input = OnnxTensor.createTensor(env, pixels, descriptor.input().shape(n));
                OrtSession.Result result =
                        session.run(Map.of(descriptor.inputName(), input), outputs)) {
            float[] pooled = floats(result, descriptor.pooledOutput());
            float[] logits =
                    descriptor.logitsOutput() == null
                            ? null
                            : floats(result, descriptor.logitsOutput());
            int classes = logits == null ? 0 : logits.length / n;
            OnnxTensor tokensTensor = tensor(result, descriptor.patchTokensOutput());
            long[] tokenShape = tokensTensor.getInfo().getShape();
            float[] tokens = tokensTensor.getFloatBuffer().array();
            int patches = (int) tokenShape[1];
            int perImage = patches * dim;
            for (int i = 0; i < n; i++) {
                out.add(
                        new VisionEmbedding(
                                Arrays.copyOfRange(pooled, i * dim, (i + 1) * dim),
                                Arrays.copyOfRange(tokens, i * perImage, (i + 1) * perImage),
                                patches,
                                dim,
                                logits == null
                                        ? null
                                        : Arrays.copyOfRange(
                                                logits, i * classes, (i + 1) * classes)));
            }
        } catch (OrtException e) {
            throw new IllegalStateException(
                    "inference with " + descriptor.modelRef() + " failed: " + e.getMessage(), e);
        }
    }

    private static OnnxTensor tensor(OrtSession.Result result, String name) {
        OnnxValue value =
                result.get(name)
                        .orElseThrow(() -> new IllegalStateException("model returned no " + name));
        return (OnnxTensor) value;
    }

    private static float[] floats(OrtSession.Result result, String name) {
        return tensor(result, name).getFloatBuffer().array();
    }

    private static OrtSession load(SessionKey key) {
        return OrtSessions.open(key.model(), key.intraOpThreads(), "vision model");
    }

    /** Returns {max batch, D}. */
    private static int[] check(VisionModelDescriptor d, OrtSession session) {
        String where = "vision model " + d.model() + " (" + d.modelRef() + ")";
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            NodeInfo input = inputs.get(d.inputName());
            if (input == null) {
                throw new ModelDescriptorException(
                        where
                                + " has no input \""
                                + d.inputName()
                                + "\" (it has "
                                + inputs.keySet()
                                + ")");
            }
            long[] in = shapeOf(where, input);
            ImageInputSpec spec = d.input();
            long[] expected = spec.shape(-1);
            if (in.length != 4) {
                throw new ModelDescriptorException(
                        where
                                + " input \""
                                + d.inputName()
                                + "\" has rank "
                                + in.length
                                + ", expected 4");
            }
            for (int i = 1; i < 4; i++) {
                if (in[i] > 0 && in[i] != expected[i]) {
                    throw new ModelDescriptorException(
                            where
                                    + " input shape "
                                    + Arrays.toString(in)
                                    + " does not match the descriptor's "
                                    + spec.layout()
                                    + " "
                                    + spec.width()
                                    + "x"
                                    + spec.height());
                }
            }
            List<String> required =
                    new ArrayList<>(List.of(d.pooledOutput(), d.patchTokensOutput()));
            if (d.logitsOutput() != null) {
                required.add(d.logitsOutput());
            }
            for (String name : required) {
                if (!outputs.containsKey(name)) {
                    throw new ModelDescriptorException(
                            where
                                    + " has no output \""
                                    + name
                                    + "\" (it has "
                                    + outputs.keySet()
                                    + ")");
                }
            }
            long[] pooled = shapeOf(where, outputs.get(d.pooledOutput()));
            long[] tokens = shapeOf(where, outputs.get(d.patchTokensOutput()));
            if (pooled.length != 2 || tokens.length != 3) {
                throw new ModelDescriptorException(
                        where
                                + " outputs must be pooled [batch, D] and patch tokens [batch, N, D], got "
                                + Arrays.toString(pooled)
                                + " and "
                                + Arrays.toString(tokens));
            }
            if (pooled[1] <= 0 || pooled[1] != tokens[2]) {
                throw new ModelDescriptorException(
                        where
                                + " pooled width "
                                + pooled[1]
                                + " and patch token width "
                                + tokens[2]
                                + " must be the same fixed D");
            }
            int maxBatch = in[0] > 0 ? (int) in[0] : Integer.MAX_VALUE;
            return new int[] {maxBatch, (int) pooled[1]};
        } catch (OrtException e) {
            throw new ModelDescriptorException(
                    where + " cannot be inspected: " + e.getMessage(), e);
        }
    }

    private static long[] shapeOf(String where, NodeInfo node) {
        if (!(node.getInfo() instanceof TensorInfo info)) {
            throw new ModelDescriptorException(
                    where + " value \"" + node.getName() + "\" is not a tensor");
        }
        return info.getShape();
    }

    private static void closeQuietly(JvmShared.Lease<?, ?> lease, Throwable primary) {
        try {
            lease.close();
        } catch (RuntimeException e) {
            primary.addSuppressed(e);
        }
    }

    @Override
    public void close() {
        lease.close();
    }
}
