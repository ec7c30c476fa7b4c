package io.fusionline.multimodal;

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
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A model folder the build put into a jar, copied to local disk and verified, for native engines
 * that read models from files (Vosk, Tesseract).
 *
 * <p>The files of {@code <id>} live under the class-path folder {@code fusionline/models/<id>/},
 * listed with their SHA-256 in {@code fusionline/models/<id>.SHA256SUMS} ({@code sha256sum}
 * format). The first {@link #extract} in a JVM copies them to {@code <fusionline.model.cache or
 * java.io.tmpdir/fusionline-models>/<id>-<manifest hash>} (atomically: concurrent JVMs on one
 * machine share the copy; the folder name carries the first 12 hex digits of the manifest's
 * SHA-256, so a newer build with other files under the same id extracts beside an older copy
 * instead of tripping over it); every call in a JVM after the first returns the same folder; every
 * file is verified once per JVM.
 */
public final class BundledModelFolder {

    /** System property naming the folder models are extracted to. */
    public static final String CACHE_PROPERTY = "fusionline.model.cache";

    static final String RESOURCE_FOLDER = "fusionline/models/";

    private static final Map<String, Path> EXTRACTED = new HashMap<>();

    private BundledModelFolder() {}

    /**
     * The local folder of bundled model {@code id}, extracted and verified once per JVM; {@code
     * what} names it in messages ("speech model").
     */
    public static synchronized Path extract(String id, String what) {
        Path done = EXTRACTED.get(id);
        if (done != null) {
            return done;
        }
        String manifestText = bundledManifest(id, what);
        Map<String, String> manifest = parseManifest(manifestText);
        Path cache =
                Path.of(
                        System.getProperty(
                                CACHE_PROPERTY,
                                Path.of(System.getProperty("java.io.tmpdir"), "fusionline-models")
                                        .toString()));
        String version;
        try {
            version =
                    sha256(
                                    new java.io.ByteArrayInputStream(
                                            manifestText.getBytes(StandardCharsets.UTF_8)),
                                    OutputStream.nullOutputStream())
                            .substring(0, 12);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Path target = cache.resolve(id + "-" + version);
        if (!Files.isDirectory(target)) {
            extract(id, what, manifest, cache, target);
        }
        verify(target, manifest, what);
        EXTRACTED.put(id, target);
        return target;
    }

    /**
     * Checks that every file in {@code manifest} exists under {@code dir} with its checksum; {@code
     * what} names the model in messages ("speech model").
     */
    public static void verify(Path dir, Map<String, String> manifest, String what) {
        Path root = dir.toAbsolutePath().normalize();
        for (Map.Entry<String, String> file : manifest.entrySet()) {
            Path path = root.resolve(file.getKey()).normalize();
            if (!path.startsWith(root)) {
                throw new ModelLoadException(
                        what + " checksum list names " + file.getKey() + ", outside " + dir);
            }
            if (!Files.isRegularFile(path)) {
                throw new ModelLoadException(what + " file " + path + " is missing");
            }
            String actual;
            try (InputStream in = Files.newInputStream(path)) {
                actual = sha256(in, OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new ModelLoadException("cannot read " + what + " file " + path, e);
            }
            if (!actual.equals(file.getValue())) {
                throw new ModelLoadException(
                        what
                                + " file "
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
    public static Map<String, String> parseManifest(String text) {
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

    private static String bundledManifest(String id, String what) {
        String resource = RESOURCE_FOLDER + id + ".SHA256SUMS";
        try (InputStream in = resource(resource, what)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + resource, e);
        }
    }

    private static void extract(
            String id, String what, Map<String, String> manifest, Path cache, Path target) {
        Path staging = null;
        try {
            Files.createDirectories(cache);
            staging = Files.createTempDirectory(cache, id + ".partial-");
            for (String file : manifest.keySet()) {
                Path out = staging.resolve(file);
                Files.createDirectories(out.getParent());
                try (InputStream in = resource(RESOURCE_FOLDER + id + "/" + file, what);
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
            throw new ModelLoadException("cannot extract the bundled " + what + " to " + cache, e);
        } finally {
            deleteQuietly(staging);
        }
    }

    private static InputStream resource(String name, String what) {
        InputStream in = BundledModelFolder.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new ModelLoadException(
                    "bundled "
                            + what
                            + " resource "
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
