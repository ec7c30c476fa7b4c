package io.fusionline.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The {@code ./fusionline} launcher as a user runs it, for the end-to-end tests. */
final class Launcher {

    static final Path HOME =
            Path.of(System.getProperty("fusionline.home", "..")).toAbsolutePath().normalize();

    /** What a finished command printed, and its exit code. */
    record Result(int exit, List<String> stdout, List<String> stderr) {}

    private Launcher() {}

    /** A process of {@code ./fusionline args}, its output in {@code out} and {@code err}. */
    static ProcessBuilder builder(List<String> args, Path out, Path err) {
        List<String> command = new ArrayList<>(List.of(HOME.resolve("fusionline").toString()));
        command.addAll(args);
        ProcessBuilder pb =
                new ProcessBuilder(command)
                        .directory(HOME.toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile());
        pb.environment().put("FUSIONLINE_SKIP_BUILD", "1"); // the reactor has just built it
        return pb;
    }

    /** Runs {@code ./fusionline args} to its end, output kept in {@code tmp}. */
    static Result run(Path tmp, int timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        Path stdout = tmp.resolve("stdout");
        Path stderr = tmp.resolve("stderr");
        Process p = builder(List.of(args), stdout, stderr).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(
                    "./fusionline "
                            + String.join(" ", args)
                            + " did not end within "
                            + timeoutSeconds
                            + " s:\n"
                            + Files.readString(stderr));
        }
        return result(p, stdout, stderr);
    }

    /** The result of the ended {@code p}. */
    static Result result(Process p, Path stdout, Path stderr) throws IOException {
        return new Result(
                p.exitValue(),
                Files.readAllLines(stdout, StandardCharsets.UTF_8),
                Files.readAllLines(stderr, StandardCharsets.UTF_8));
    }
}
