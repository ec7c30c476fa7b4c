package io.fusionline.multimodal.audio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Finds a Vosk model folder on local disk, verified.
 *
 * <p>{@link #bundled()}: the build puts {@value #BUNDLED_ID} (from Maven Central's {@code
 * com.alphacephei:vosk-model-en:0.3.45}) into the multimodal jar, so it travels with the job to
 * every task manager. Vosk reads models from disk, so the first call in a JVM copies it to {@code
 * <fusionline.model.cache or java.io.tmpdir/fusionline-models>/<id>} (atomically; concurrent JVMs
 * on one machine share the copy) and verifies every file against the SHA-256 manifest committed
 * beside it.
 *
 * <p>{@link #external(Path)}: a model folder of the user's (larger models); when it holds a {@code
 * SHA256SUMS} file ({@code sha256sum} format, paths relative to the folder), every listed file is
 * verified.
 */
public final class VoskModelLocator {

    /** Id of the model the build bundles. */
    public static final String BUNDLED_ID = "vosk-model-small-en-us-0.15";

    /** System property naming the folder models are extracted to. */
    public static final String CACHE_PROPERTY = "fusionline.model.cache";

    static final String RESOURCE_FOLDER = "fusionline/models/";

    private static Path bundledDir;

    private VoskModelLocator() {}

    /** The bundled model's folder, extracted and verified once per JVM. */
    public static synchronized Path bundled() {
        if (bundledDir == null) {
            Map<String, String> manifest = bundledManifest();
            Path cache =
                    Path.of(
                            System.getProperty(
                                    CACHE_PROPERTY,
                                    Path.of(
                                                    System.getProperty("java.io.tmpdir"),
                                                    "fusionline-models")
                                            .toString()));
            Path target = cache.resolve(BUNDLED_ID);
            if (!Files.isDirectory(target)) {
                extract(manifest, cache, target);
            }
            verify(target, manifest);
            bundledDir = target;
        }
        return bundledDir;
    }

    /** An external model folder, verified against its {@code SHA256SUMS} when it has one. */
    public static Path external(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelLoadException("speech model folder " + dir + " does not exist");
        }
        if (!Files.exists(dir.resolve("am/final.mdl")) && !Files.exists(dir.resolve("final.mdl"))) {
            throw new ModelLoadException(
                    "speech model folder " + dir + " has no am/final.mdl: not a Vosk model");
        }
        Path sums = dir.resolve("SHA256SUMS");
        if (Files.exists(sums)) {
            try {
                verify(dir, parseManifest(Files.readString(sums, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new ModelLoadException("cannot read " + sums, e);
            }
        }
        return dir;
    }

    /** Checks that every file in {@code manifest} exists under {@code dir} with its checksum. */
    static void verify(Path dir, Map<String, String> manifest) {
        for (Map.Entry<String, String> file : manifest.entrySet()) {
            Path path = dir.resolve(file.getKey());
            if (!Files.isRegularFile(path)) {
                throw new ModelLoadException("speech model file " + path + " is missing");
            }
            String actual;
            try (InputStream in = Files.newInputStream(path)) {
                actual = sha256(in, OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new ModelLoadException("cannot read speech model file " + path, e);
            }
            if (!actual.equals(file.getValue())) {
                throw new ModelLoadException(
                        "speech model file "
                                + path
                                + " is corrupt (sha256 "
                                + actual
                                + ", expected "
                                + file.getValue()
                                + ")");
            }
        }
    }

    /** {@code sha256sum} output to an ordered map of relative path to hex digest. */
    static Map<String, String> parseManifest(String text) {
        Map<String, String> manifest = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            String[] parts = trimmed.split("\\s+\\*?", 2);
            if (parts.length != 2 || parts[0].length() != 64) {
                throw new ModelLoadException("bad checksum line: " + trimmed);
            }
            manifest.put(parts[1], parts[0]);
        }
        return manifest;
    }

    private static Map<String, String> bundledManifest() {
        String resource = RESOURCE_FOLDER + BUNDLED_ID + ".SHA256SUMS";
        try (InputStream in = resource(resource)) {
            return parseManifest(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + resource, e);
        }
    }

    private static void extract(Map<String, String> manifest, Path cache, Path target) {
        Path staging = null;
        try {
            Files.createDirectories(cache);
            staging = Files.createTempDirectory(cache, BUNDLED_ID + ".partial-");
            for (String file : manifest.keySet()) {
                Path out = staging.resolve(file);
                Files.createDirectories(out.getParent());
                try (InputStream in = resource(RESOURCE_FOLDER + BUNDLED_ID + "/" + file);
                        OutputStream os = Files.newOutputStream(out)) {
                    in.transferTo(os);
                }
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                staging = null;
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                // Another JVM on this machine extracted it first; its copy is verified next.
                if (!Files.isDirectory(target)) {
                    throw e;
                }
            } catch (IOException e) {
                if (!Files.isDirectory(target)) {
                    throw e;
                }
            }
        } catch (IOException e) {
            throw new ModelLoadException("cannot extract the bundled speech model to " + cache, e);
        } finally {
            deleteQuietly(staging);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = VoskModelLocator.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new ModelLoadException(
                    "bundled speech model resource "
                            + name
                            + " is not on the classpath (was the multimodal module built?)");
        }
        return in;
    }

    private static String sha256(InputStream in, OutputStream copy) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (DigestInputStream din = new DigestInputStream(in, digest)) {
                din.transferTo(copy);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(paths.toList());
            all.sort(Comparator.reverseOrder());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a leftover staging folder is harmless and named as such
        }
    }
}
