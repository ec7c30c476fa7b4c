package io.fusionline.multimodal.audio;

import io.fusionline.multimodal.BundledModelFolder;
import io.fusionline.multimodal.ModelLoadException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds a Vosk model folder on local disk, verified.
 *
 * <p>{@link #bundled()}: the build puts {@value #BUNDLED_ID} (from Maven Central's {@code
 * com.alphacephei:vosk-model-en:0.3.45}) into the multimodal jar, so it travels with the job to
 * every task manager. Vosk reads models from disk, so the first call in a JVM copies it to {@code
 * <fusionline.model.cache or java.io.tmpdir/fusionline-models>/<id>-<manifest hash>} (atomically;
 * concurrent JVMs on one machine share the copy) and verifies every file against the SHA-256
 * manifest committed beside it.
 *
 * <p>{@link #external(Path)}: a model folder of the user's (larger models); when it holds a {@code
 * SHA256SUMS} file ({@code sha256sum} format, paths relative to the folder), every listed file is
 * verified.
 */
public final class VoskModelLocator {

    /** Id of the model the build bundles. */
    public static final String BUNDLED_ID = "vosk-model-small-en-us-0.15";

    private static final String WHAT = "speech model";

    private VoskModelLocator() {}

    /**
     * The bundled model's folder, extracted and verified once per JVM ({@link BundledModelFolder}).
     */
    public static Path bundled() {
        return BundledModelFolder.extract(BUNDLED_ID, WHAT);
    }

    /**
     * An external model folder, verified against its {@code SHA256SUMS}. A folder without one is
     * refused unless {@code unverified} says to load it unchecked.
     */
    public static Path external(Path dir, boolean unverified) {
        if (!Files.isDirectory(dir)) {
            throw new ModelLoadException("speech model folder " + dir + " does not exist");
        }
        if (!Files.exists(dir.resolve("am/final.mdl")) && !Files.exists(dir.resolve("final.mdl"))) {
            throw new ModelLoadException(
                    "speech model folder " + dir + " has no am/final.mdl: not a Vosk model");
        }
        Path sums = dir.resolve("SHA256SUMS");
        if (!Files.exists(sums) && !unverified) {
            throw new ModelLoadException(
                    "speech model folder "
                            + dir
                            + " has no SHA256SUMS: add one (sha256sum of every file) or load it"
                            + " unchecked with fusionline.speech.model-unverified=true");
        }
        if (Files.exists(sums)) {
            try {
                BundledModelFolder.verify(
                        dir,
                        BundledModelFolder.parseManifest(
                                Files.readString(sums, StandardCharsets.UTF_8)),
                        WHAT);
            } catch (IOException e) {
                throw new ModelLoadException("cannot read " + sums, e);
            }
        }
        return dir;
    }
}
