package io.fusionline.schema.vision;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Float tensors carried as bytes in {@link VisionFeatures} and {@code TextFeatures}: little-endian
 * float32, row-major.
 */
public final class VisionTensors {

    private VisionTensors() {}

    /** Packs floats as little-endian float32 bytes. */
    public static ByteBuffer pack(float[] values) {
        ByteBuffer out =
                ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        out.asFloatBuffer().put(values);
        return out;
    }

    /** Unpacks little-endian float32 bytes. */
    public static float[] unpack(ByteBuffer bytes) {
        ByteBuffer view = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[view.remaining() / Float.BYTES];
        view.asFloatBuffer().get(out);
        return out;
    }

    /** Floats as the boxed list an Avro {@code array<float>} field takes. */
    public static List<Float> list(float[] values) {
        List<Float> out = new ArrayList<>(values.length);
        for (float v : values) {
            out.add(v);
        }
        return out;
    }

    /** The patch tokens of {@code features} as {@code patchCount × patchDim} floats. */
    public static float[] patchTokens(VisionFeatures features) {
        return unpack(features.getPatchTokens());
    }
}
