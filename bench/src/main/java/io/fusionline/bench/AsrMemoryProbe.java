package io.fusionline.bench;

import io.fusionline.multimodal.audio.SharedSpeechModel;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child-JVM main of {@link AsrBenchmark}'s memory figure: runs the speech operator on a fresh
 * MiniCluster over the audio in a file, then prints {@code <peak RSS bytes> <model loads>} as its
 * last line. A fresh JVM per figure, because native allocators keep freed memory.
 */
final class AsrMemoryProbe {

    private AsrMemoryProbe() {}

    public static void main(String[] args) throws Exception {
        short[][] audio = read(Path.of(args[0]));
        long[] rss = {0};
        int[] loads = {0};
        AsrBenchmark.operator(audio, rss, loads);
        // operator() reports growth over its baseline; add the baseline back for an absolute peak
        System.out.println((rss[0] + baselineAfterRun()) + " " + SharedSpeechModel.loadsSoFar());
        System.exit(0);
    }

    private static long baselineAfterRun() {
        return AsrBenchmark.lastBaseline;
    }

    static void write(Path file, short[][] audio) throws IOException {
        try (DataOutputStream out =
                new DataOutputStream(
                        new java.io.BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(audio.length);
            for (short[] a : audio) {
                out.writeInt(a.length);
                for (short s : a) {
                    out.writeShort(s);
                }
            }
        }
    }

    static short[][] read(Path file) throws IOException {
        try (DataInputStream in =
                new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            short[][] audio = new short[in.readInt()][];
            for (int s = 0; s < audio.length; s++) {
                audio[s] = new short[in.readInt()];
                for (int i = 0; i < audio[s].length; i++) {
                    audio[s][i] = in.readShort();
                }
            }
            return audio;
        }
    }
}
