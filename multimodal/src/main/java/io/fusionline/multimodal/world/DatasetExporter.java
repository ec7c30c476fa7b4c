package io.fusionline.multimodal.world;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fusionline.multimodal.vision.ImageEncoder;
import io.fusionline.multimodal.world.fraud.FraudCase;
import io.fusionline.multimodal.world.fraud.FraudWorld;
import io.fusionline.multimodal.world.inspection.InspectionItem;
import io.fusionline.multimodal.world.inspection.InspectionWorld;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Writes a world to disk for the training kit: one folder per world with the images and an {@code
 * items.jsonl}. The factory line also gets {@code pixels.u8}: every image's raw 8-bit BGR pixels
 * back to back ({@code count × size × size × 3} bytes), so the kit needs no image library. {@code
 * items.jsonl} has one JSON object per item (split, source, sequence, label, every modality's input
 * as the pipeline sees it, the truth). {@code manifest.json} gives world, seed, count, split sizes,
 * image size, and the SHA-256 of {@code items.jsonl} and of every PNG, combined in file order.
 *
 * <p>Splits are fixed by item number: of every 20 items, 14 train, 3 validation, 3 test. Speech
 * goes through {@link SpeechTranscriber} when one is given, so transcripts carry the speech stage's
 * errors; without one the {@code transcript} field is null.
 */
public final class DatasetExporter {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What was written. */
    public record Result(Path dir, int items, int train, int validation, int test, String sha256) {}

    private DatasetExporter() {}

    /** The split of item {@code index}: train, validation or test. */
    public static String split(long index) {
        long slot = index % 20;
        return slot < 14 ? "train" : slot < 17 ? "validation" : "test";
    }

    /** Exports {@code count} parts of the factory-line world into {@code dir}. */
    public static Result inspection(
            InspectionWorld world, long seed, int count, Path dir, SpeechTranscriber asr)
            throws IOException {
        Files.createDirectories(dir.resolve("images"));
        Files.createDirectories(dir.resolve("masks"));
        Digest digest = new Digest();
        int[] splits = new int[3];
        try (BufferedWriter items =
                        Files.newBufferedWriter(
                                dir.resolve("items.jsonl"), StandardCharsets.UTF_8);
                OutputStream pixels =
                        new BufferedOutputStream(Files.newOutputStream(dir.resolve("pixels.u8")))) {
            for (int i = 0; i < count; i++) {
                InspectionItem item = world.next();
                pixels.write(item.image().bgr());
                String id = String.format(Locale.ROOT, "%06d", i);
                int size = item.image().size();
                byte[] png = png(item.image().bgr(), size, size, 3);
                byte[] mask = png(item.image().mask(), size, size, 1);
                write(dir.resolve("images/" + id + ".png"), png, digest);
                write(dir.resolve("masks/" + id + ".png"), mask, digest);
                ObjectNode o = JSON.createObjectNode();
                o.put("id", id).put("split", count(split(i), splits));
                o.put("source", item.lineId())
                        .put("sequence", item.sequence())
                        .put("offsetMillis", item.offsetMillis());
                o.put("label", item.defect().label()).put("severity", item.severity());
                o.put("image", "images/" + id + ".png").put("mask", "masks/" + id + ".png");
                o.put("logText", item.log().text());
                o.put("temperature", item.log().temperature());
                o.put("vibration", item.log().vibration());
                o.put("toolWear", item.log().toolWear());
                o.put("note", item.voiceNote());
                o.put("noteClaims", item.noteClaims() == null ? null : item.noteClaims().label());
                o.put(
                        "transcript",
                        item.voiceNote() == null || asr == null
                                ? null
                                : asr.transcribe(item.voiceNote()));
                line(items, o, digest);
            }
        }
        return finish(dir, "inspection", seed, count, splits, digest, world.imageSize());
    }

    /** Exports {@code count} cases of the fraud world into {@code dir}. */
    public static Result fraud(
            FraudWorld world, long seed, int count, Path dir, SpeechTranscriber asr)
            throws IOException {
        Files.createDirectories(dir.resolve("documents"));
        Digest digest = new Digest();
        int[] splits = new int[3];
        try (BufferedWriter items =
                Files.newBufferedWriter(dir.resolve("items.jsonl"), StandardCharsets.UTF_8)) {
            for (int i = 0; i < count; i++) {
                FraudCase c = world.next();
                String id = String.format(Locale.ROOT, "%06d", i);
                ObjectNode o = JSON.createObjectNode();
                o.put("id", id).put("split", count(split(i), splits));
                o.put("source", c.accountId())
                        .put("sequence", c.sequence())
                        .put("offsetMillis", c.offsetMillis());
                o.put("label", c.fraud() ? "fraud" : "ok");
                o.put("text", c.transaction().text());
                o.put("amount", c.transaction().amount());
                o.put("merchant", c.transaction().merchantCategory());
                o.put("country", c.transaction().country());
                o.put("newDevice", c.transaction().newDevice());
                o.put("velocity10m", c.transaction().velocity10m());
                o.put("remark", c.callRemark());
                o.put(
                        "transcript",
                        c.callRemark() == null || asr == null
                                ? null
                                : asr.transcribe(c.callRemark()));
                if (c.document() != null) {
                    write(dir.resolve("documents/" + id + ".png"), c.document().png(), digest);
                    o.put("document", "documents/" + id + ".png");
                    o.put("tampering", c.document().tampering().name().toLowerCase(Locale.ROOT));
                } else {
                    o.putNull("document");
                    o.putNull("tampering");
                }
                line(items, o, digest);
            }
        }
        return finish(dir, "fraud", seed, count, splits, digest, 0);
    }

    private static String count(String split, int[] splits) {
        splits[split.equals("train") ? 0 : split.equals("validation") ? 1 : 2]++;
        return split;
    }

    private static Result finish(
            Path dir,
            String world,
            long seed,
            int count,
            int[] splits,
            Digest digest,
            int imageSize)
            throws IOException {
        String sha = digest.hex();
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("world", world).put("seed", seed).put("items", count);
        manifest.putObject("splits")
                .put("train", splits[0])
                .put("validation", splits[1])
                .put("test", splits[2]);
        if (imageSize > 0) {
            manifest.put("imageSize", imageSize);
        }
        manifest.put("sha256", sha);
        manifest.put("generator", "fusionline " + world + " world");
        Files.writeString(
                dir.resolve("manifest.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(manifest));
        return new Result(dir, count, splits[0], splits[1], splits[2], sha);
    }

    private static void line(BufferedWriter out, ObjectNode o, Digest digest) throws IOException {
        String line = JSON.writeValueAsString(o) + "\n";
        out.write(line);
        digest.update(line.getBytes(StandardCharsets.UTF_8));
    }

    private static void write(Path file, byte[] bytes, Digest digest) throws IOException {
        Files.write(file, bytes);
        digest.update(bytes);
    }

    private static byte[] png(byte[] pixels, int width, int height, int channels) {
        try (Mat mat =
                new Mat(height, width, channels == 3 ? opencv_core.CV_8UC3 : opencv_core.CV_8UC1)) {
            mat.data().put(pixels, 0, pixels.length);
            return ImageEncoder.png(mat);
        }
    }

    /** SHA-256 over everything written, in order. */
    private static final class Digest {
        private final MessageDigest sha;

        Digest() {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 missing from this JVM", e);
            }
        }

        void update(byte[] bytes) {
            sha.update(bytes);
        }

        String hex() {
            return HexFormat.of().formatHex(sha.digest());
        }
    }
}
