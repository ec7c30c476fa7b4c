package io.fusionline.multimodal.audio;

import io.fusionline.multimodal.JvmShared;
import io.fusionline.multimodal.ModelLoadException;
import java.io.IOException;
import java.nio.file.Path;
import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;

/**
 * A Vosk model loaded once per JVM and shared by every user (all subtasks of a task manager):
 * {@link #acquire} loads it on first use or adds a reference; {@link #close} drops the reference
 * and frees the native model with its last user ({@link JvmShared}). A loaded model is read-only
 * and safe to share; recognizers are per stream ({@link SpeechRecognizer}).
 */
public final class SharedSpeechModel implements AutoCloseable {

    private static final JvmShared<Path, Model> MODELS = new JvmShared<>();

    private final Path dir;
    private final JvmShared.Lease<Path, Model> lease;

    private SharedSpeechModel(Path dir, JvmShared.Lease<Path, Model> lease) {
        this.dir = dir;
        this.lease = lease;
    }

    /** A reference to the model in {@code dir}, loading it if this JVM has not yet. */
    public static SharedSpeechModel acquire(Path dir) {
        Path key = dir.toAbsolutePath().normalize();
        return new SharedSpeechModel(key, MODELS.acquire(key, SharedSpeechModel::load));
    }

    private static Model load(Path dir) {
        LibVosk.setLogLevel(LogLevel.WARNINGS);
        try {
            return new Model(dir.toString());
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            throw new ModelLoadException(
                    "Vosk cannot load the speech model in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** How many times a model was loaded from disk in this JVM (for tests and metrics). */
    public static int loadsSoFar() {
        return MODELS.opensSoFar();
    }

    /** How many models are loaded in this JVM now. */
    public static int loadedNow() {
        return MODELS.openNow();
    }

    /** The model folder. */
    public Path dir() {
        return dir;
    }

    Model vosk() {
        return lease.get();
    }

    @Override
    public void close() {
        lease.close();
    }
}
