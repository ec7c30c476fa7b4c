package io.fusionline.multimodal.audio;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Maps a recognizer's stream time (seconds of audio fed so far) to event time. Each chunk adds an
 * anchor: the stream sample where it starts and its event time; a time between anchors is the
 * earlier anchor's event time plus the audio elapsed since it. Gaps between chunks therefore show
 * up in event time, not in stream time. Not thread-safe.
 */
public final class StreamTimeline {

    private record Anchor(long sample, long eventTimeMs) {}

    private final int sampleRate;
    private final Deque<Anchor> anchors = new ArrayDeque<>();
    private long samples;

    public StreamTimeline(int sampleRate) {
        this.sampleRate = sampleRate;
    }

    /** Records that the next {@code count} stream samples start at {@code eventTimeMs}. */
    public void append(long eventTimeMs, int count) {
        anchors.addLast(new Anchor(samples, eventTimeMs));
        samples += count;
    }

    /** Stream samples appended so far. */
    public long samples() {
        return samples;
    }

    /** Event time (epoch ms) of stream time {@code seconds}. */
    public long eventTimeAt(double seconds) {
        long sample = Math.round(seconds * sampleRate);
        Anchor base = anchors.peekFirst();
        if (base == null) {
            throw new IllegalStateException("no audio appended yet");
        }
        for (Anchor a : anchors) {
            if (a.sample() > sample) {
                break;
            }
            base = a;
        }
        return base.eventTimeMs() + (sample - base.sample()) * 1000L / sampleRate;
    }

    /** Forgets anchors wholly before stream time {@code seconds} (keeps the one covering it). */
    public void forgetBefore(double seconds) {
        long sample = Math.round(seconds * sampleRate);
        while (anchors.size() > 1) {
            Anchor first = anchors.pollFirst();
            if (anchors.peekFirst().sample() > sample) {
                anchors.addFirst(first);
                return;
            }
        }
    }
}
