package io.fusionline.operators.vision;

import io.fusionline.multimodal.vision.ImageLimits;
import java.io.Serializable;
import java.time.Duration;

/**
 * Settings of the vision encoder operator.
 *
 * @param descriptor path of the model's {@code descriptor.json} on every task manager, or {@code
 *     builtin:<id>} for a model the training kit produced (in the job jar)
 * @param batchSize most frames per inference call (B)
 * @param batchTimeout longest a frame waits for its batch to fill (T)
 * @param intraOpThreads ONNX Runtime threads per call
 * @param limits payload and pixel bounds applied before decoding
 * @param keepPatchTokens whether features carry patch tokens (fusion needs them; dashboards do not)
 */
public record VisionOptions(
        String descriptor,
        int batchSize,
        Duration batchTimeout,
        int intraOpThreads,
        ImageLimits limits,
        boolean keepPatchTokens)
        implements Serializable {

    public VisionOptions {
        if (descriptor == null || descriptor.isBlank()) {
            throw new IllegalArgumentException("vision model descriptor path must be set");
        }
        if (batchSize < 1 || batchSize > 1024) {
            throw new IllegalArgumentException(
                    "vision batch size must be 1..1024, got " + batchSize);
        }
        if (batchTimeout == null || batchTimeout.isNegative() || batchTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "vision batch timeout must be > 0, got " + batchTimeout);
        }
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException(
                    "vision intra-op threads must be >= 1, got " + intraOpThreads);
        }
    }

    /** Frames per inference call unless configured. */
    public static final int DEFAULT_BATCH_SIZE = 16;

    /** Longest a frame waits for its batch unless configured. */
    public static final Duration DEFAULT_BATCH_TIMEOUT = Duration.ofMillis(20);

    /** B = 16, T = 20 ms, one thread, default limits, patch tokens kept. */
    public static VisionOptions of(String descriptor) {
        return new VisionOptions(
                descriptor,
                DEFAULT_BATCH_SIZE,
                DEFAULT_BATCH_TIMEOUT,
                1,
                ImageLimits.DEFAULT,
                true);
    }

    public VisionOptions withBatch(int size, Duration timeout) {
        return new VisionOptions(
                descriptor, size, timeout, intraOpThreads, limits, keepPatchTokens);
    }

    public VisionOptions withIntraOpThreads(int threads) {
        return new VisionOptions(
                descriptor, batchSize, batchTimeout, threads, limits, keepPatchTokens);
    }
}
