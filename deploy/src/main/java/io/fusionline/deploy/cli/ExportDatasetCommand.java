package io.fusionline.deploy.cli;

import io.fusionline.multimodal.world.DatasetExporter;
import io.fusionline.multimodal.world.SpeechTranscriber;
import io.fusionline.multimodal.world.fraud.FraudWorld;
import io.fusionline.multimodal.world.inspection.InspectionWorld;
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

    @Option(
            names = "--profile",
            defaultValue = "inspection",
            description = "World: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    SimulateCommand.Profile profile;

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
        DatasetExporter.Result result;
        try (SpeechTranscriber asr = noAsr ? null : new SpeechTranscriber()) {
            result =
                    switch (profile) {
                        case inspection ->
                                DatasetExporter.inspection(
                                        new InspectionWorld(sources, 2000, imageSize, seed),
                                        seed,
                                        count,
                                        out,
                                        asr);
                        case fraud ->
                                DatasetExporter.fraud(
                                        new FraudWorld(sources, 2000, seed), seed, count, out, asr);
                    };
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
