package io.fusionline.cli;

import io.fusionline.multimodal.text.TextEncoder;
import io.fusionline.multimodal.vision.FramePreprocessor;
import io.fusionline.multimodal.vision.ImageInputSpec;
import io.fusionline.multimodal.vision.ImageLimits;
import io.fusionline.simulation.DatasetExporter;
import io.fusionline.simulation.fraud.FraudWorld;
import io.fusionline.simulation.inspection.InspectionWorld;
import io.fusionline.simulation.speech.SpeechTranscriber;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fusionline export-dataset}: a synthetic world on disk, for the training kit. */
@Command(
        name = "export-dataset",
        mixinStandardHelpOptions = true,
        description =
                "Writes a synthetic world to a folder for training: images, items.jsonl (every "
                        + "modality's input and the truth, with train/validation/test splits) and "
                        + "manifest.json. Speech goes through FreeTTS and the bundled Vosk model, as "
                        + "the pipeline would hear it.")
final class ExportDatasetCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    /** What to export: a world, or ID cards for the document encoder. */
    enum Dataset {
        inspection,
        fraud,
        documents
    }

    @Option(
            names = "--profile",
            defaultValue = "inspection",
            description =
                    "World: ${COMPLETION-CANDIDATES} (documents: balanced genuine and forged ID "
                            + "cards for the document encoder; default: ${DEFAULT-VALUE}).")
    Dataset profile;

    @Option(
            names = "--vision-input",
            description =
                    "Vision model input WIDTHxHEIGHT: also write the pixels the vision stage feeds "
                            + "the model (pixels.u8 / documents.u8); default 128x128 for parts, "
                            + "256x160 for cards.")
    String visionInput;

    @Option(
            names = "--no-text",
            description = "Leave out the text encoder's token vectors (tokens.f16).")
    boolean noText;

    @Option(
            names = "--max-tokens",
            defaultValue = "32",
            description =
                    "Tokens per text in tokens.f16, [CLS] and [SEP] included (default: "
                            + "${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(
            names = "--out",
            required = true,
            description = "Folder to write (must be empty or absent).")
    Path out;

    @Option(
            names = "--count",
            defaultValue = "2000",
            description = "Items (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(
            names = "--sources",
            defaultValue = "4",
            description = "Lines or accounts (default: ${DEFAULT-VALUE}).")
    int sources;

    @Option(
            names = "--image-size",
            defaultValue = "224",
            description = "Part image side in pixels (default: ${DEFAULT-VALUE}).")
    int imageSize;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "World seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--no-asr",
            description =
                    "Leave transcripts out (faster; the speech stage's errors are then missing).")
    boolean noAsr;

    /** The vision input size: the option, or the default for the profile. */
    static int[] visionInput(CommandSpec spec, String option, Dataset profile) {
        String value =
                option != null ? option : profile == Dataset.inspection ? "128x128" : "256x160";
        String[] parts = value.toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (parts.length == 2) {
                int w = Integer.parseInt(parts[0].trim());
                int h = Integer.parseInt(parts[1].trim());
                if (w >= 16 && h >= 16 && w <= 1024 && h <= 1024) {
                    return new int[] {w, h};
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CommandLine.ParameterException(
                spec.commandLine(),
                "--vision-input must be WIDTHxHEIGHT, 16..1024 each, got " + value);
    }

    @Override
    public Integer call() throws Exception {
        if (count < 1 || sources < 1 || imageSize < 96 || imageSize > 1024) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--count and --sources must be positive, --image-size 96..1024");
        }
        if (Files.exists(out)) {
            try (var entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(), "--out " + out + " is not empty");
                }
            }
        }
        if (maxTokens < 2 || maxTokens > 128) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--max-tokens must be 2..128, got " + maxTokens);
        }
        int[] size = visionInput(spec, visionInput, profile);
        FramePreprocessor vision =
                new FramePreprocessor(
                        ImageInputSpec.stretchedRgb(size[0], size[1]), ImageLimits.DEFAULT);
        DatasetExporter.Result result;
        if (profile == Dataset.documents) {
            result = DatasetExporter.documents(seed, count, out, vision);
        } else {
            try (SpeechTranscriber asr = noAsr ? null : new SpeechTranscriber();
                    TextEncoder text = noText ? null : TextEncoder.open(1, maxTokens)) {
                DatasetExporter.Inputs inputs =
                        new DatasetExporter.Inputs(asr, text, maxTokens, vision);
                result =
                        switch (profile) {
                            case inspection ->
                                    DatasetExporter.inspection(
                                            new InspectionWorld(sources, 2000, imageSize, seed),
                                            seed,
                                            count,
                                            out,
                                            inputs);
                            case fraud ->
                                    DatasetExporter.fraud(
                                            new FraudWorld(sources, 2000, seed),
                                            seed,
                                            count,
                                            out,
                                            inputs);
                            case documents -> throw new IllegalStateException();
                        };
            }
        }
        System.out.printf(
                "wrote %d %s items to %s (train %d, validation %d, test %d), sha256 %s%n",
                result.items(),
                profile,
                out,
                result.train(),
                result.validation(),
                result.test(),
                result.sha256());
        return 0;
    }
}
