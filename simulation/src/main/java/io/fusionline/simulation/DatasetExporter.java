package io.fusionline.simulation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fusionline.multimodal.Float16;
import io.fusionline.multimodal.text.TextEmbedding;
import io.fusionline.multimodal.text.TextEncoder;
import io.fusionline.multimodal.vision.EncodedImage;
import io.fusionline.multimodal.vision.FramePreprocessor;
import io.fusionline.multimodal.vision.ImageEncoder;
import io.fusionline.multimodal.vision.ImageFormatException;
import io.fusionline.simulation.fraud.FraudCase;
import io.fusionline.simulation.fraud.FraudWorld;
import io.fusionline.simulation.fraud.IdCardRenderer;
import io.fusionline.simulation.fraud.IdDocument;
import io.fusionline.simulation.fraud.Tampering;
import io.fusionline.simulation.inspection.InspectionItem;
import io.fusionline.simulation.inspection.InspectionWorld;
import io.fusionline.simulation.speech.SpeechTranscriber;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Writes a world to disk for the training kit: one folder per world with the images and an {@code
 * items.jsonl}. The factory line also gets {@code pixels.u8}: every image's raw 8-bit BGR pixels
 * back to back ({@code count × size × size × 3} bytes), so the kit needs no image library. {@code
 * items.jsonl} has one JSON object per item (split, source, sequence, label, every modality's input
 * as the pipeline sees it, the truth). {@code manifest.json} gives world, seed, count, split sizes,
 * image size, the SHA-256 of {@code items.jsonl} and of every PNG, combined in file order, and the
 * SHA-256 of each tensor file.
 *
 * <p>With {@link Inputs}, the export also holds what the pipeline's stages make of each item:
 * transcripts from the speech stage, the text encoder's token vectors ({@code tokens.f16}), and the
 * pixels the vision stage feeds its model ({@code pixels.u8}, {@code documents.u8}), so the
 * training kit trains on exactly what the job will see.
 *
 * <p>Splits are fixed by item number: of every 20 items, 14 train, 3 validation, 3 test. Speech
 * goes through {@link SpeechTranscriber} when one is given, so transcripts carry the speech stage's
 * errors; without one the {@code transcript} field is null.
 */
public final class DatasetExporter {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Tensor files, each listed in the manifest with its own SHA-256. */
    private static final String[] BINARY_FILES = {
        "pixels.u8", "masks.u8", "documents.u8", "tokens.f16"
    };

    /** What was written. */
    public record Result(Path dir, int items, int train, int validation, int test, String sha256) {}

    /**
     * How the pipeline's stages see each item, for the parts of the export that need them; any of
     * them may be null to leave that part out.
     *
     * @param asr speech stage: transcripts in {@code transcript}
     * @param text text encoder: token vectors of every text in {@code tokens.f16}
     * @param maxTokens tokens per text row in {@code tokens.f16} (the fusion model's slot length)
     * @param vision the vision stage's pre-processing: {@code pixels.u8} (parts) or {@code
     *     documents.u8} (ID cards) at the model's input size, from the JPEG or PNG the simulator
     *     publishes; without it, parts' rendered pixels as they are and no document pixels
     */
    public record Inputs(
            SpeechTranscriber asr, TextEncoder text, int maxTokens, FramePreprocessor vision) {

        /** Transcripts only (or nothing, when {@code asr} is null). */
        public static Inputs speech(SpeechTranscriber asr) {
            return new Inputs(asr, null, 0, null);
        }
    }

    private DatasetExporter() {}

    /** The split of item {@code index}: train, validation or test. */
    public static String split(long index) {
        long slot = index % 20;
        return slot < 14 ? "train" : slot < 17 ? "validation" : "test";
    }

    /**
     * Exports {@code count} parts of the factory-line world into {@code dir}, with what {@code
     * inputs} gives: transcripts, token vectors of the log line and the transcript, and pixels at
     * the vision model's input size (then also {@code masks.u8}, each mask resized the same way).
     */
    public static Result inspection(
            InspectionWorld world, long seed, int count, Path dir, Inputs inputs)
            throws IOException {
        Files.createDirectories(dir.resolve("images"));
        Files.createDirectories(dir.resolve("masks"));
        Digest digest = new Digest();
        int[] splits = new int[3];
        try (BufferedWriter items =
                        Files.newBufferedWriter(
                                dir.resolve("items.jsonl"), StandardCharsets.UTF_8);
                OutputStream pixels =
                        new BufferedOutputStream(Files.newOutputStream(dir.resolve("pixels.u8")));
                OutputStream masks =
                        inputs.vision() == null
                                ? OutputStream.nullOutputStream()
                                : new BufferedOutputStream(
                                        Files.newOutputStream(dir.resolve("masks.u8")));
                TokenRows tokens = TokenRows.open(dir, inputs)) {
            for (int i = 0; i < count; i++) {
                InspectionItem item = world.next();
                String id = String.format(Locale.ROOT, "%06d", i);
                int size = item.image().size();
                byte[] png = png(item.image().bgr(), size, size, 3);
                byte[] mask = png(item.image().mask(), size, size, 1);
                if (inputs.vision() == null) {
                    pixels.write(item.image().bgr());
                } else {
                    pixels.write(modelPixels(inputs.vision(), item.image().cameraJpeg()));
                    masks.write(modelMask(inputs.vision(), item.image().mask(), size));
                }
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
                String transcript =
                        item.voiceNote() == null || inputs.asr() == null
                                ? null
                                : inputs.asr().transcribe(item.voiceNote());
                o.put("transcript", transcript);
                tokens.add(o, "logTokens", item.log().text());
                tokens.add(o, "transcriptTokens", transcript);
                line(items, o, digest);
            }
        }
        return finish(dir, "inspection", seed, count, splits, digest, world.imageSize(), inputs);
    }

    /**
     * Exports {@code count} cases of the fraud world into {@code dir}, with what {@code inputs}
     * gives: transcripts, token vectors of the transaction text and the transcript, and every
     * presented card's pixels at the vision model's input size ({@code documents.u8}; {@code
     * documentRow} in the item).
     */
    public static Result fraud(FraudWorld world, long seed, int count, Path dir, Inputs inputs)
            throws IOException {
        Files.createDirectories(dir.resolve("documents"));
        Digest digest = new Digest();
        int[] splits = new int[3];
        int documentRows = 0;
        try (BufferedWriter items =
                        Files.newBufferedWriter(
                                dir.resolve("items.jsonl"), StandardCharsets.UTF_8);
                OutputStream documents =
                        inputs.vision() == null
                                ? OutputStream.nullOutputStream()
                                : new BufferedOutputStream(
                                        Files.newOutputStream(dir.resolve("documents.u8")));
                TokenRows tokens = TokenRows.open(dir, inputs)) {
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
                String transcript =
                        c.callRemark() == null || inputs.asr() == null
                                ? null
                                : inputs.asr().transcribe(c.callRemark());
                o.put("transcript", transcript);
                tokens.add(o, "textTokens", c.transaction().text());
                tokens.add(o, "transcriptTokens", transcript);
                if (c.document() != null) {
                    write(dir.resolve("documents/" + id + ".png"), c.document().png(), digest);
                    o.put("document", "documents/" + id + ".png");
                    o.put("tampering", c.document().tampering().name().toLowerCase(Locale.ROOT));
                    if (inputs.vision() != null) {
                        documents.write(modelPixels(inputs.vision(), c.document().png()));
                        o.put("documentRow", documentRows++);
                    }
                } else {
                    o.putNull("document");
                    o.putNull("tampering");
                }
                line(items, o, digest);
            }
        }
        return finish(dir, "fraud", seed, count, splits, digest, 0, inputs);
    }

    /**
     * Exports {@code count} ID cards for training the document encoder: half genuine, the other
     * half split evenly between the {@link Tampering} kinds, in a seeded random order. Writes
     * {@code documents/}, {@code documents.u8} at the model's input size, {@code items.jsonl}
     * ({@code tampering} per card) and the manifest.
     */
    public static Result documents(long seed, int count, Path dir, FramePreprocessor vision)
            throws IOException {
        Files.createDirectories(dir.resolve("documents"));
        Digest digest = new Digest();
        int[] splits = new int[3];
        Random random = new Random(seed);
        IdCardRenderer cards = new IdCardRenderer();
        Tampering[] kinds = Tampering.values();
        try (BufferedWriter items =
                        Files.newBufferedWriter(
                                dir.resolve("items.jsonl"), StandardCharsets.UTF_8);
                OutputStream documents =
                        new BufferedOutputStream(
                                Files.newOutputStream(dir.resolve("documents.u8")))) {
            for (int i = 0; i < count; i++) {
                Tampering tampering =
                        random.nextBoolean()
                                ? Tampering.NONE
                                : kinds[1 + random.nextInt(kinds.length - 1)];
                IdDocument card =
                        FraudWorld.document(
                                cards, FraudWorld.randomHolder(random), tampering, random);
                String id = String.format(Locale.ROOT, "%06d", i);
                write(dir.resolve("documents/" + id + ".png"), card.png(), digest);
                documents.write(modelPixels(vision, card.png()));
                ObjectNode o = JSON.createObjectNode();
                o.put("id", id).put("split", count(split(i), splits));
                o.put("document", "documents/" + id + ".png").put("documentRow", i);
                o.put("tampering", tampering.name().toLowerCase(Locale.ROOT));
                o.put("holder", card.holder()).put("number", card.number());
                line(items, o, digest);
            }
        }
        return finish(
                dir,
                "documents",
                seed,
                count,
                splits,
                digest,
                0,
                new Inputs(null, null, 0, vision));
    }

    private static byte[] modelPixels(FramePreprocessor vision, byte[] encoded) {
        try {
            return vision.toPixels(EncodedImage.of(encoded), null);
        } catch (ImageFormatException e) {
            throw new IllegalStateException(
                    "a rendered image did not decode: " + e.getMessage(), e);
        }
    }

    /** The defect mask at the model's input size (area-averaged, so 0..255 is the coverage). */
    private static byte[] modelMask(FramePreprocessor vision, byte[] mask, int size) {
        int w = vision.spec().width();
        int h = vision.spec().height();
        try (Mat in = new Mat(size, size, opencv_core.CV_8UC1);
                Mat out = new Mat();
                Size target = new Size(w, h)) {
            in.data().put(mask, 0, mask.length);
            opencv_imgproc.resize(in, out, target, 0, 0, opencv_imgproc.INTER_AREA);
            byte[] bytes = new byte[w * h];
            out.data().get(bytes);
            return bytes;
        }
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
            int imageSize,
            Inputs inputs)
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
        if (inputs.vision() != null) {
            manifest.putObject("pixels")
                    .put("width", inputs.vision().spec().width())
                    .put("height", inputs.vision().spec().height())
                    .put("channels", "BGR")
                    .put("resize", inputs.vision().spec().resize().name());
        }
        if (inputs.text() != null) {
            manifest.putObject("tokens")
                    .put("encoder", TextEncoder.MODEL_ID)
                    .put("dim", TextEncoder.DIM)
                    .put("maxTokens", inputs.maxTokens())
                    .put("dtype", "float16");
        }
        if (inputs.asr() != null) {
            manifest.put("asr", "FreeTTS + bundled Vosk model");
        }
        ObjectNode files = manifest.putObject("files");
        for (String name : BINARY_FILES) {
            Path file = dir.resolve(name);
            if (Files.exists(file)) {
                files.put(name, sha256(file));
            }
        }
        manifest.put("sha256", sha);
        manifest.put("generator", "fusionline " + world + " world");
        Files.writeString(
                dir.resolve("manifest.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(manifest));
        return new Result(dir, count, splits[0], splits[1], splits[2], sha);
    }

    private static String sha256(Path file) throws IOException {
        Digest digest = new Digest();
        try (var in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, n);
            }
        }
        return digest.hex();
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

    /**
     * {@code tokens.f16}: one row of {@code maxTokens × 384} little-endian float16 per distinct
     * text (zero-padded), so the kit needs no tokenizer or text model; an item names its row and
     * token count per text field. Without a text encoder it writes nothing.
     */
    private static final class TokenRows implements AutoCloseable {
        private final TextEncoder encoder;
        private final int maxTokens;
        private final OutputStream out;
        private final Map<String, Integer> rows = new HashMap<>();
        private final Map<String, Integer> lengths = new HashMap<>();

        private TokenRows(TextEncoder encoder, int maxTokens, OutputStream out) {
            this.encoder = encoder;
            this.maxTokens = maxTokens;
            this.out = out;
        }

        static TokenRows open(Path dir, Inputs inputs) throws IOException {
            if (inputs.text() == null) {
                return new TokenRows(null, 0, null);
            }
            return new TokenRows(
                    inputs.text(),
                    inputs.maxTokens(),
                    new BufferedOutputStream(Files.newOutputStream(dir.resolve("tokens.f16"))));
        }

        void add(ObjectNode item, String field, String text) throws IOException {
            if (encoder == null) {
                return;
            }
            if (text == null) {
                item.putNull(field);
                return;
            }
            Integer row = rows.get(text);
            if (row == null) {
                TextEmbedding e = encoder.encode(text);
                int n = Math.min(maxTokens, e.length());
                ByteBuffer buffer =
                        ByteBuffer.allocate(maxTokens * TextEncoder.DIM * 2)
                                .order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n * TextEncoder.DIM; i++) {
                    buffer.putShort(Float16.of(e.tokenVectors()[i]));
                }
                out.write(buffer.array());
                row = rows.size();
                rows.put(text, row);
                lengths.put(text, n);
            }
            item.putObject(field).put("row", row).put("length", lengths.get(text));
        }

        @Override
        public void close() throws IOException {
            if (out != null) {
                out.close();
            }
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

        void update(byte[] bytes, int length) {
            sha.update(bytes, 0, length);
        }

        String hex() {
            return HexFormat.of().formatHex(sha.digest());
        }
    }
}
