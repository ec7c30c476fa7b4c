package io.fusionline.multimodal.fusion;

import com.fasterxml.jackson.databind.JsonNode;
import io.fusionline.multimodal.vision.ModelDescriptorException;
import java.nio.file.Path;
import java.util.List;

/**
 * Says how to feed and read a single-modality head (the {@code head.json} the training kit writes
 * next to its {@code model.onnx}): one input {@code numeric [B,F]} built from one text modality's
 * event by the numeric spec, one output {@code probabilities [B,C]}.
 *
 * @param modality the text modality of the fusion model the head stands in for, e.g. {@code
 *     transaction}
 * @param positiveLabel the label whose probability is the risk score, or null
 */
public record ModalityHeadDescriptor(
        String id,
        String version,
        String profile,
        Path model,
        List<String> labels,
        String positiveLabel,
        String modality,
        NumericFeatures numeric) {

    /** {@code id@version}. */
    public String modelRef() {
        return id + "@" + version;
    }

    /**
     * Reads and checks {@code head.json}; problems are one-line {@link ModelDescriptorException}s.
     */
    public static ModalityHeadDescriptor load(Path file) {
        String where = "head descriptor " + file;
        JsonNode root = ModelDescriptorException.readObject(file, where);
        Path model =
                ModelDescriptorException.modelFile(
                        file, FusionModelDescriptor.text(where, root, "model"), where);
        NumericFeatures numeric = NumericFeatures.parse(root.path("numeric"), where);
        if (numeric.size() == 0) {
            throw new ModelDescriptorException(where + ": \"numeric\" must not be empty");
        }
        List<String> labels = FusionModelDescriptor.strings(where, root, "labels");
        String positive = FusionModelDescriptor.positiveLabel(where, root, labels);
        return new ModalityHeadDescriptor(
                FusionModelDescriptor.text(where, root, "id"),
                FusionModelDescriptor.text(where, root, "version"),
                FusionModelDescriptor.text(where, root, "profile"),
                model,
                labels,
                positive,
                FusionModelDescriptor.text(where, root, "modality"),
                numeric);
    }

    /**
     * Checks that this head can stand in for {@code fusion}'s modality: same profile, same labels
     * in the same order, and a text modality of that name.
     */
    public void requireFits(FusionModelDescriptor fusion) {
        if (!profile.equals(fusion.profile())
                || !labels.equals(fusion.labels())
                || !fusion.textModalities().contains(modality)) {
            throw new ModelDescriptorException(
                    "head "
                            + modelRef()
                            + " ("
                            + profile
                            + ", "
                            + modality
                            + ", labels "
                            + labels
                            + ") does not fit fusion model "
                            + fusion.modelRef()
                            + " ("
                            + fusion.profile()
                            + ", text modalities "
                            + fusion.textModalities()
                            + ", labels "
                            + fusion.labels()
                            + ")");
        }
    }
}
