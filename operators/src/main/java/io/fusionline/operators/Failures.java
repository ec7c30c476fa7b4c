package io.fusionline.operators;

import io.fusionline.operators.decode.InputLimits;

/**
 * One-line dead-letter reasons for failures a stage did not expect: an exception or {@code Error}
 * from a codec, a native library (OpenCV, ONNX Runtime, Vosk) or a model, thrown while working on
 * one record. The stage catches it, dead-letters the record with this reason and goes on.
 */
public final class Failures {

    private static final int MAX_DETAIL = 200;

    private Failures() {}

    /**
     * {@code what}, then the failure's class and the first line of its message: for example {@code
     * "vision encoder failed: OrtException: [ONNXRuntimeError] ..."}. Control characters in the
     * message are escaped.
     */
    public static String reason(String what, Throwable failure) {
        String message = failure.getMessage();
        String line = message == null ? "" : message.strip().lines().findFirst().orElse("").strip();
        String detail =
                failure.getClass().getSimpleName()
                        + (line.isEmpty() ? "" : ": " + InputLimits.escaped(line, MAX_DETAIL));
        return what + ": " + detail;
    }
}
