package io.fusionline.multimodal.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.fusionline.multimodal.ModelLoadException;
import java.nio.file.Path;

/**
 * Opens ONNX Runtime sessions the way every fusionline model wrapper wants them: {@code
 * intraOpThreads} threads per call (parallelism comes from operator subtasks), one inter-op thread,
 * sequential execution, all graph optimizations.
 */
public final class OrtSessions {

    private OrtSessions() {}

    /**
     * Opens {@code model}; a failure is a {@link ModelLoadException} whose one-line message names
     * {@code what} and the file.
     */
    public static OrtSession open(Path model, int intraOpThreads, String what) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return OrtEnvironment.getEnvironment().createSession(model.toString(), options);
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
            String detail =
                    e.getMessage() == null
                            ? e.toString()
                            : e.getMessage().lines().findFirst().orElse("");
            throw new ModelLoadException(
                    "ONNX Runtime cannot load the " + what + " " + model + ": " + detail, e);
        }
    }
}
