package io.fusionline.multimodal.audio;

import io.fusionline.multimodal.ModelLoadException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;

/**
 * A Vosk model loaded once per JVM and shared by every user (all subtasks of a task manager):
 * {@link #acquire} loads it on first use or adds a reference; {@link #close} drops the reference
 * and frees the native model with its last user. A loaded model is read-only and safe to share;
 * recognizers are per stream ({@link SpeechRecognizer}).
 */
public final class SharedSpeechModel implements AutoCloseable {

    private static final Map<Path, Loaded> LOADED = new HashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private static final class Loaded {
        final Model model;
        int references;

        Loaded(Model model) {
            this.model = model;
        }
    }

    private final Path dir;
    private final Loaded loaded;
    private boolean closed;

    private SharedSpeechModel(Path dir, Loaded loaded) {
        this.dir = dir;
        this.loaded = loaded;
    }

    /** A reference to the model in {@code dir}, loading it if this JVM has not yet. */
    public static SharedSpeechModel acquire(Path dir) {
        Path key = dir.toAbsolutePath().normalize();
        synchronized (LOADED) {
            Loaded loaded = LOADED.get(key);
            if (loaded == null) {
                LibVosk.setLogLevel(LogLevel.WARNINGS);
                try {
                    loaded = new Loaded(new Model(key.toString()));
                } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
                    throw new ModelLoadException(
                            "Vosk cannot load the speech model in " + key + ": " + e.getMessage(),
                            e);
                }
                LOADS.incrementAndGet();
                LOADED.put(key, loaded);
            }
            loaded.references++;
            return new SharedSpeechModel(key, loaded);
        }
    }

    /** How many times a model was loaded from disk in this JVM (for tests and metrics). */
    public static int loadsSoFar() {
        return LOADS.get();
    }

    /** How many models are loaded in this JVM now. */
    public static int loadedNow() {
        synchronized (LOADED) {
            return LOADED.size();
        }
    }

    /** The model folder. */
    public Path dir() {
        return dir;
    }

    Model vosk() {
        if (closed) {
            throw new IllegalStateException("speech model reference already closed");
        }
        return loaded.model;
    }

    @Override
    public void close() {
        synchronized (LOADED) {
            if (closed) {
                return;
            }
            closed = true;
            if (--loaded.references == 0) {
                LOADED.remove(dir);
                loaded.model.close();
            }
        }
    }
}
