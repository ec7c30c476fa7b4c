package io.fusionline.multimodal;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Read-only native resources (a loaded model, an inference session) opened once per JVM and shared
 * by every user, e.g. all subtasks of a task manager. {@link #acquire} opens the resource for a key
 * on first use or adds a reference; closing the returned {@link Lease} drops the reference, and the
 * last one closes the resource.
 *
 * @param <K> what identifies a resource (a path, a path and settings)
 * @param <V> the resource
 */
public final class JvmShared<K, V extends AutoCloseable> {

    private final Map<K, Entry<V>> open = new HashMap<>();
    private int opens;

    private static final class Entry<V> {
        final V value;
        int references;

        Entry(V value) {
            this.value = value;
        }
    }

    /** A reference to the resource for {@code key}, opened by {@code opener} if none is open. */
    public synchronized Lease<K, V> acquire(K key, Function<K, V> opener) {
        Entry<V> entry = open.get(key);
        if (entry == null) {
            entry = new Entry<>(opener.apply(key));
            opens++;
            open.put(key, entry);
        }
        entry.references++;
        return new Lease<>(this, key, entry.value);
    }

    /** How many times a resource was opened so far (for tests and metrics). */
    public synchronized int opensSoFar() {
        return opens;
    }

    /** How many resources are open now. */
    public synchronized int openNow() {
        return open.size();
    }

    private synchronized void release(K key) {
        Entry<V> entry = open.get(key);
        if (entry != null && --entry.references == 0) {
            open.remove(key);
            try {
                entry.value.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing shared resource " + key + " failed", e);
            }
        }
    }

    /**
     * One user's reference; {@link #close} is idempotent and closes the resource when it was the
     * last reference.
     *
     * @param <K> key type
     * @param <V> resource type
     */
    public static final class Lease<K, V extends AutoCloseable> implements AutoCloseable {
        private final JvmShared<K, V> owner;
        private final K key;
        private final V value;
        private boolean closed;

        private Lease(JvmShared<K, V> owner, K key, V value) {
            this.owner = owner;
            this.key = key;
            this.value = value;
        }

        /** The shared resource; valid until this lease is closed. */
        public V get() {
            if (closed) {
                throw new IllegalStateException("shared resource " + key + " already released");
            }
            return value;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                owner.release(key);
            }
        }
    }
}
