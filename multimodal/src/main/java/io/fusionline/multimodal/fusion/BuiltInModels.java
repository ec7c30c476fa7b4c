package io.fusionline.multimodal.fusion;

import io.fusionline.multimodal.BundledModelFolder;
import io.fusionline.multimodal.vision.VisionModelDescriptor;
import java.nio.file.Path;
import java.util.List;

/**
 * The models the training kit produced and the repository's {@code models/} folder holds; the build
 * puts them into this module's jar, and the job loads them by default.
 *
 * <ul>
 *   <li>{@link #INSPECTION_VISION}: parts encoder, 128×128 → 8×8 patch tokens, defect logits;
 *   <li>{@link #DOCUMENT_VISION}: ID-card encoder, 256×160 → 16×10 patch tokens, forgery logits;
 *   <li>{@link #INSPECTION_FUSION}: bridge + defect head over vision, machine log, operator speech;
 *   <li>{@link #FRAUD_FUSION}: bridge + risk head over ID card, transaction, call speech;
 *   <li>{@link #FRAUD_PAYMENT}: the fraud profile's payment head, risk from a payment alone.
 * </ul>
 *
 * Each folder holds the ONNX file, its descriptor, {@code card.json} and {@code MODEL_CARD.md}; it
 * is copied to local disk and checked against its SHA-256 list once per JVM ({@link
 * BundledModelFolder}).
 */
public final class BuiltInModels {

    public static final String INSPECTION_VISION = "inspection-vision";
    public static final String DOCUMENT_VISION = "document-vision";
    public static final String INSPECTION_FUSION = "inspection-fusion";
    public static final String FRAUD_FUSION = "fraud-fusion";
    public static final String FRAUD_PAYMENT = "fraud-payment";

    /** Every built-in model id. */
    public static final List<String> ALL =
            List.of(
                    INSPECTION_VISION,
                    DOCUMENT_VISION,
                    INSPECTION_FUSION,
                    FRAUD_FUSION,
                    FRAUD_PAYMENT);

    private BuiltInModels() {}

    /** The verified local folder of built-in model {@code id}. */
    public static Path folder(String id) {
        return BundledModelFolder.extract(id, "built-in model " + id);
    }

    /** The descriptor of a built-in vision encoder. */
    public static VisionModelDescriptor vision(String id) {
        return VisionModelDescriptor.load(folder(id).resolve("descriptor.json"));
    }

    /** The descriptor of a built-in fusion model. */
    public static FusionModelDescriptor fusion(String id) {
        return FusionModelDescriptor.load(folder(id).resolve("fusion.json"));
    }

    /** Prefix of a model reference that names a built-in model instead of a file. */
    public static final String PREFIX = "builtin:";

    /**
     * The vision descriptor a reference names: {@code builtin:<id>} for a built-in encoder, else
     * the path of a {@code descriptor.json}. Problems are one-line {@link
     * io.fusionline.multimodal.vision.ModelDescriptorException}s.
     */
    public static VisionModelDescriptor resolveVision(String reference) {
        if (reference.startsWith(PREFIX)) {
            String id = reference.substring(PREFIX.length());
            if (!List.of(INSPECTION_VISION, DOCUMENT_VISION).contains(id)) {
                throw new io.fusionline.multimodal.vision.ModelDescriptorException(
                        "no built-in vision model \""
                                + id
                                + "\" (there are "
                                + INSPECTION_VISION
                                + " and "
                                + DOCUMENT_VISION
                                + ")");
            }
            return vision(id);
        }
        return VisionModelDescriptor.load(Path.of(reference));
    }

    /**
     * The fusion descriptor a reference names: {@code builtin:<id>} for a built-in fusion model,
     * else the path of a {@code fusion.json}. Problems are one-line {@link
     * io.fusionline.multimodal.vision.ModelDescriptorException}s.
     */
    public static FusionModelDescriptor resolveFusion(String reference) {
        if (reference.startsWith(PREFIX)) {
            String id = reference.substring(PREFIX.length());
            if (!List.of(INSPECTION_FUSION, FRAUD_FUSION).contains(id)) {
                throw new io.fusionline.multimodal.vision.ModelDescriptorException(
                        "no built-in fusion model \""
                                + id
                                + "\" (there are "
                                + INSPECTION_FUSION
                                + " and "
                                + FRAUD_FUSION
                                + ")");
            }
            return fusion(id);
        }
        return FusionModelDescriptor.load(Path.of(reference));
    }

    /**
     * The head descriptor a reference names: {@code builtin:fraud-payment}, else the path of a
     * {@code head.json}. Problems are one-line {@link
     * io.fusionline.multimodal.vision.ModelDescriptorException}s.
     */
    public static ModalityHeadDescriptor resolveHead(String reference) {
        if (reference.startsWith(PREFIX)) {
            String id = reference.substring(PREFIX.length());
            if (!id.equals(FRAUD_PAYMENT)) {
                throw new io.fusionline.multimodal.vision.ModelDescriptorException(
                        "no built-in head \"" + id + "\" (there is " + FRAUD_PAYMENT + ")");
            }
            return ModalityHeadDescriptor.load(folder(id).resolve("head.json"));
        }
        return ModalityHeadDescriptor.load(Path.of(reference));
    }

    /** The vision encoder a fusion profile's model was trained with. */
    public static String visionFor(String fusionId) {
        return fusionId.equals(FRAUD_FUSION) ? DOCUMENT_VISION : INSPECTION_VISION;
    }
}
