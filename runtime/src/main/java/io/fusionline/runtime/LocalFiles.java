package io.fusionline.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Folder and log-file chores of the local runtime's processes (broker, cluster, MiniCluster). */
public final class LocalFiles {

    private LocalFiles() {}

    /**
     * Deletes {@code dir} and everything in it, as far as it can: what cannot be deleted stays
     * (best effort: the callers' folders are temporary or emptied again on the next start).
     */
    public static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort, as documented
        }
    }

    /**
     * The last {@code count} lines of {@code file}, each preceded by a line break (ready to append
     * to a message); empty when the file is empty or cannot be read.
     */
    public static String tail(Path file, int count) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            List<String> last = lines.subList(Math.max(0, lines.size() - count), lines.size());
            return last.isEmpty() ? "" : "\n" + String.join("\n", last);
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }
}
