package io.fusionline.bench;

import io.fusionline.multimodal.EditDistance;
import io.fusionline.multimodal.audio.SharedSpeechModel;
import io.fusionline.multimodal.audio.SpeechRecognizer;
import io.fusionline.multimodal.audio.Utterance;
import io.fusionline.multimodal.audio.VoiceActivityGate;
import io.fusionline.multimodal.audio.VoskModelLocator;
import io.fusionline.operators.audio.SpeechRecognitionOptions;
import io.fusionline.runtime.Stats;
import io.fusionline.schema.text.Transcript;
import io.fusionline.simulation.speech.Noise;
import io.fusionline.simulation.speech.PhraseSynthesizer;
import io.fusionline.simulation.speech.SpeechPhrases;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./fusionline bench asr --duty D}: microphones that are mostly silent, as real ones are.
 * Each source speaks phrases with silence between them so that speech is {@code D} of its audio,
 * under noise: a factory station's mains hum plus white noise at 20 dB SNR, or a call's telephone
 * band-pass plus white noise at 20 dB SNR, in turn. In one run, on one core:
 *
 * <ul>
 *   <li>(a) raw Vosk: every chunk into a recognizer, in a plain loop;
 *   <li>(b) the speech operator without the gate, on a MiniCluster at parallelism 1;
 *   <li>(c) the speech operator with the gate;
 *   <li>(d) the gate and recognizer in a plain loop, to time each final against the end of its
 *       speech as a live stream would see it.
 * </ul>
 *
 * Reports real-time streams per core (audio seconds per processing second) and WER against the
 * spoken phrases for each, and the end-of-speech to final latency of (d) and (a).
 */
public final class GatedAsrBenchmark {

    private static final int RATE = SpeechRecognizer.MODEL_RATE;

    private GatedAsrBenchmark() {}

    /** One source's audio and what it says. */
    private record Stream(short[] audio, List<String> phrases, List<Long> speechEnds) {}

    /** Runs the benchmark and prints its report to {@code out}. */
    public static void run(int sources, double seconds, double duty, int rounds, PrintStream out)
            throws Exception {
        List<Stream> streams = synthesize(sources, seconds, duty);
        short[][] audio = streams.stream().map(Stream::audio).toArray(short[][]::new);
        double audioSeconds = Arrays.stream(audio).mapToDouble(a -> a.length / (double) RATE).sum();
        double spoken = streams.stream().mapToDouble(s -> s.phrases().size()).sum();
        out.printf(
                Locale.ROOT,
                "ASR at %.0f %% speech: %d sources x %.0f s (%.0f s of audio, %.0f phrases), noise: hum + white 20 dB (even sources), telephone band + white 20 dB (odd), %d ms chunks, %s%n",
                duty * 100,
                sources,
                seconds,
                audioSeconds,
                spoken,
                AsrBenchmark.CHUNK_MS,
                VoskModelLocator.BUNDLED_ID);

        short[][] warm = {Arrays.copyOf(audio[0], Math.min(audio[0].length, RATE * 3))};
        AsrBenchmark.operator(warm, SpeechRecognitionOptions.defaults(), null, null);

        double raw = Double.MAX_VALUE;
        double ungated = Double.MAX_VALUE;
        double gated = Double.MAX_VALUE;
        Loop rawLoop = null;
        Loop gateLoop = null;
        List<Transcript> ungatedFinals = List.of();
        List<Transcript> gatedFinals = List.of();
        for (int r = 0; r < rounds; r++) {
            rawLoop = loop(streams, false);
            raw = Math.min(raw, rawLoop.seconds);
            ungated =
                    Math.min(
                            ungated,
                            AsrBenchmark.operator(
                                    audio,
                                    SpeechRecognitionOptions.defaults().withGate(false),
                                    null,
                                    null));
            ungatedFinals = new ArrayList<>(AsrBenchmark.FINALS);
            gated =
                    Math.min(
                            gated,
                            AsrBenchmark.operator(
                                    audio, SpeechRecognitionOptions.defaults(), null, null));
            gatedFinals = new ArrayList<>(AsrBenchmark.FINALS);
            gateLoop = loop(streams, true);
        }
        row(out, "(a) raw Vosk loop", audioSeconds, raw, wer(streams, rawLoop.texts));
        row(
                out,
                "(b) operator, no gate",
                audioSeconds,
                ungated,
                wer(streams, texts(ungatedFinals, sources)));
        row(
                out,
                "(c) operator, gated",
                audioSeconds,
                gated,
                wer(streams, texts(gatedFinals, sources)));
        row(
                out,
                "(d) gate + Vosk loop",
                audioSeconds,
                gateLoop.seconds,
                wer(streams, gateLoop.texts));
        out.printf(
                Locale.ROOT,
                "gated operator (c): %.2f x raw Vosk's real-time streams per core (target >= 3)%n",
                raw / gated);
        out.printf(
                Locale.ROOT,
                "the gate fed %.1f %% of the audio to Vosk (speech is %.0f %%)%n",
                gateLoop.fed * 100,
                duty * 100);
        latency(out, "end of speech -> final, gated (d)", gateLoop.latencies);
        latency(out, "end of speech -> final, Vosk's endpointing (a)", rawLoop.latencies);
    }

    private static void row(
            PrintStream out, String name, double audio, double seconds, double wer) {
        out.printf(
                Locale.ROOT,
                "%-24s: %6.2f s  %6.1f real-time streams per core  WER %5.1f %%%n",
                name,
                seconds,
                audio / seconds,
                wer * 100);
    }

    private static void latency(PrintStream out, String name, List<Double> ms) {
        double[] v = ms.stream().mapToDouble(Double::doubleValue).toArray();
        out.printf(
                Locale.ROOT,
                "%s: n=%d  p50 %.0f ms  p99 %.0f ms  max %.0f ms%n",
                name,
                v.length,
                Stats.percentile(ms, 50),
                Stats.percentile(ms, 99),
                Arrays.stream(v).max().orElse(0));
    }

    /** What a plain loop produced: its time, texts per source, and latencies. */
    private record Loop(
            double seconds, List<List<String>> texts, List<Double> latencies, double fed) {}

    /**
     * Chunks round-robin through one recognizer per source, gated or not. A final's latency is the
     * end of the chunk that produced it, in audio time, minus the end of the speech it belongs to,
     * plus the processing time of that chunk: what a live stream, fed in real time, would wait.
     */
    private static Loop loop(List<Stream> streams, boolean gate) {
        try (SharedSpeechModel model = SharedSpeechModel.acquire(VoskModelLocator.bundled())) {
            int n = streams.size();
            List<SpeechRecognizer> recognizers = new ArrayList<>();
            List<VoiceActivityGate> gates = new ArrayList<>();
            List<List<String>> texts = new ArrayList<>();
            for (int s = 0; s < n; s++) {
                recognizers.add(new SpeechRecognizer(model));
                gates.add(new VoiceActivityGate(RATE));
                texts.add(new ArrayList<>());
            }
            List<Double> latencies = new ArrayList<>();
            int chunk = RATE / 1000 * AsrBenchmark.CHUNK_MS;
            int chunks =
                    AsrBenchmark.maxChunks(
                            streams.stream().map(Stream::audio).toArray(short[][]::new));
            long start = System.nanoTime();
            for (int c = 0; c < chunks; c++) {
                for (int s = 0; s < n; s++) {
                    short[] audio = streams.get(s).audio();
                    int from = c * chunk;
                    if (from >= audio.length) {
                        continue;
                    }
                    short[] part =
                            Arrays.copyOfRange(audio, from, Math.min(audio.length, from + chunk));
                    long t = (long) from * 1000 / RATE;
                    long began = System.nanoTime();
                    List<Utterance> done = new ArrayList<>();
                    if (!gate) {
                        recognizers.get(s).accept(part, t).ifPresent(done::add);
                    } else {
                        recognizers.get(s).acceptGated(gates.get(s), part, t, done);
                    }
                    double processing = (System.nanoTime() - began) / 1e6;
                    long chunkEnd = t + part.length * 1000L / RATE;
                    for (Utterance u : done) {
                        texts.get(s).add(u.text());
                        long speechEnd = speechEndBefore(streams.get(s).speechEnds(), chunkEnd);
                        if (speechEnd >= 0) {
                            latencies.add(chunkEnd - speechEnd + processing);
                        }
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double fed =
                    gates.stream().mapToDouble(VoiceActivityGate::speechDuty).average().orElse(0);
            for (int s = 0; s < n; s++) {
                recognizers.get(s).finish().ifPresent(u -> {});
                recognizers.get(s).close();
            }
            return new Loop(seconds, texts, latencies, fed);
        }
    }

    /** The last speech end at or before {@code t} (ms), or -1. */
    private static long speechEndBefore(List<Long> ends, long t) {
        long found = -1;
        for (long e : ends) {
            if (e <= t) {
                found = e;
            }
        }
        return found;
    }

    private static List<List<String>> texts(List<Transcript> finals, int sources) {
        Map<String, List<Transcript>> bySource = new HashMap<>();
        finals.forEach(
                t -> bySource.computeIfAbsent(t.getSourceId(), k -> new ArrayList<>()).add(t));
        List<List<String>> out = new ArrayList<>();
        for (int s = 0; s < sources; s++) {
            out.add(
                    bySource.getOrDefault("bench-" + s, List.of()).stream()
                            .sorted(Comparator.comparing(Transcript::getStartTime))
                            .map(Transcript::getText)
                            .toList());
        }
        return out;
    }

    /** Word error rate of all sources' texts, in order, against what each said. */
    private static double wer(List<Stream> streams, List<List<String>> texts) {
        long errors = 0;
        long words = 0;
        for (int s = 0; s < streams.size(); s++) {
            String reference = String.join(" ", streams.get(s).phrases());
            errors += EditDistance.words(reference, String.join(" ", texts.get(s)));
            words += reference.split("\\s+").length;
        }
        return words == 0 ? 0 : errors / (double) words;
    }

    /**
     * Phrases of both domains with silence between them, so speech is {@code duty} of the audio.
     */
    private static List<Stream> synthesize(int sources, double seconds, double duty) {
        List<String> phrases = new ArrayList<>(SpeechPhrases.INSPECTION);
        phrases.addAll(SpeechPhrases.FRAUD);
        Map<String, short[]> spoken = new HashMap<>();
        List<Stream> out = new ArrayList<>();
        try (PhraseSynthesizer tts = new PhraseSynthesizer()) {
            for (int s = 0; s < sources; s++) {
                short[] clean = new short[0];
                List<String> said = new ArrayList<>();
                List<Long> ends = new ArrayList<>();
                for (int p = s; clean.length < seconds * RATE; p += 3) {
                    String phrase = phrases.get(p % phrases.size());
                    short[] speech = spoken.computeIfAbsent(phrase, tts::speak);
                    int silence = (int) (speech.length * (1 - duty) / duty);
                    int at = clean.length + silence / 2;
                    clean = Arrays.copyOf(clean, clean.length + silence + speech.length);
                    System.arraycopy(speech, 0, clean, at, speech.length);
                    said.add(phrase.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9' ]", ""));
                    ends.add((long) (at + lastLoud(speech)) * 1000 / RATE);
                }
                short[] audio = clean.clone();
                if (s % 2 == 0) {
                    Noise.hum(audio, RATE, -45, s);
                } else {
                    Noise.telephone(audio, RATE);
                }
                Noise.white(audio, clean, 20, 100 + s);
                out.add(new Stream(audio, said, ends));
            }
        }
        return out;
    }

    private static int lastLoud(short[] a) {
        for (int i = a.length - 1; i >= 0; i--) {
            if (Math.abs(a[i]) > 1000) {
                return i;
            }
        }
        return a.length;
    }
}
