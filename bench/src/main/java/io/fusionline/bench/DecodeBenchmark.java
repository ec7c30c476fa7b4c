package io.fusionline.bench;

import io.fusionline.multimodal.vision.ImageLimits;
import io.fusionline.operators.audio.AudioChunkValidator;
import io.fusionline.operators.audio.SpeechRecognitionOptions;
import io.fusionline.operators.decode.InputCheck;
import io.fusionline.operators.decode.InputLimits;
import io.fusionline.operators.decode.RecordValidator;
import io.fusionline.operators.text.TextEventValidator;
import io.fusionline.operators.vision.VideoFrameValidator;
import io.fusionline.runtime.Stats;
import io.fusionline.schema.media.AudioChunk;
import io.fusionline.schema.media.AudioEncoding;
import io.fusionline.schema.media.FrameFormat;
import io.fusionline.schema.media.VideoFrame;
import io.fusionline.schema.serde.RecordCodec;
import io.fusionline.schema.serde.RecordDecodingException;
import io.fusionline.schema.serde.SingleObjectWireFormat;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * {@code fusionline bench decode}: valid records of each input schema through four paths in one
 * run, on one thread:
 *
 * <ul>
 *   <li><b>raw Avro</b>: Avro's own single-object decoder, no checks (the baseline, and what the
 *       codec was before it bounded lengths);
 *   <li><b>codec</b>: fusionline's codec, which checks every declared length before allocating;
 *   <li><b>stage before</b>: raw Avro and the record type's validator, the decode operator's work
 *       before input limits;
 *   <li><b>stage now</b>: the codec, the validator and the input limits, the decode operator's
 *       whole per-record work outside Flink.
 * </ul>
 *
 * Timed rounds run the paths in turn, each going first in its turn of rounds (so garbage one leaves
 * behind is not always paid by the same next one); medians are reported.
 */
public final class DecodeBenchmark {

    private DecodeBenchmark() {}

    /** Runs {@code rounds} timed rounds (after one warm-up) and prints the table to {@code out}. */
    public static void run(int rounds, PrintStream out) throws Exception {
        long now = System.currentTimeMillis();
        out.printf(
                "decode: median of %d rounds, one thread, records/s (codec: ratio to raw Avro;"
                        + " stage now: ratio to stage before)%n",
                rounds);
        out.printf(
                "%-22s %10s %22s %14s %22s%n",
                "records", "raw Avro", "codec", "stage before", "stage now");
        row(
                out,
                "text event (payment)",
                TextEvent.class,
                texts(20_000, now),
                new TextEventValidator(),
                rounds);
        row(
                out,
                "audio chunk (250 ms)",
                AudioChunk.class,
                chunks(5_000, now),
                new AudioChunkValidator(SpeechRecognitionOptions.defaults().maxChunkBytes()),
                rounds);
        row(
                out,
                "frame (JPEG 640x480)",
                VideoFrame.class,
                frames(1_000, now),
                new VideoFrameValidator(ImageLimits.DEFAULT),
                rounds);
    }

    private static <T extends SpecificRecord> void row(
            PrintStream out,
            String name,
            Class<T> type,
            List<T> records,
            RecordValidator<T> validator,
            int rounds)
            throws Exception {
        RecordCodec<T> codec = SingleObjectWireFormat.INSTANCE.codec(type);
        List<byte[]> encoded = new ArrayList<>();
        for (T record : records) {
            encoded.add(codec.encode(record));
        }
        SpecificData model = SpecificData.getForClass(type);
        BinaryMessageDecoder<T> raw = new BinaryMessageDecoder<>(model, model.getSchema(type));
        InputCheck<T> check = new InputCheck<>(type, validator, InputLimits.DEFAULT);
        Function<byte[], Object> rawPath =
                bytes -> {
                    try {
                        return raw.decode(bytes);
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                };
        Function<byte[], Object> codecPath = bytes -> decode(codec, bytes);
        Function<byte[], Object> beforePath =
                bytes -> {
                    @SuppressWarnings("unchecked")
                    T record = (T) rawPath.apply(bytes);
                    String problem = validator.problemWith(record);
                    if (problem != null) {
                        throw new IllegalStateException("a valid record was refused: " + problem);
                    }
                    return record;
                };
        Function<byte[], Object> stagePath =
                bytes -> {
                    T record = decode(codec, bytes);
                    String problem = check.problemWith(record, System.currentTimeMillis());
                    if (problem != null) {
                        throw new IllegalStateException("a valid record was refused: " + problem);
                    }
                    return record;
                };
        List<Function<byte[], Object>> paths = List.of(rawPath, codecPath, beforePath, stagePath);
        double[][] perSecond = new double[paths.size()][rounds];
        for (int round = -1; round < rounds; round++) {
            for (int k = 0; k < paths.size(); k++) {
                int p = Math.floorMod(k + round, paths.size()); // each path goes first in turn
                double rate = time(paths.get(p), encoded);
                if (round >= 0) {
                    perSecond[p][round] = rate;
                }
            }
        }
        double rawRate = Stats.median(perSecond[0]);
        double before = Stats.median(perSecond[2]);
        out.printf(
                "%-22s %10.0f %13.0f (%.2f×) %14.0f %13.0f (%.2f×)%n",
                name,
                rawRate,
                Stats.median(perSecond[1]),
                Stats.median(perSecond[1]) / rawRate,
                before,
                Stats.median(perSecond[3]),
                Stats.median(perSecond[3]) / before);
    }

    private static <T> T decode(RecordCodec<T> codec, byte[] bytes) {
        try {
            return codec.decode(bytes);
        } catch (RecordDecodingException e) {
            throw new IllegalStateException("a valid record did not decode: " + e.getMessage());
        }
    }

    private static double time(Function<byte[], Object> path, List<byte[]> encoded) {
        long start = System.nanoTime();
        int sink = 0;
        for (byte[] bytes : encoded) {
            sink += path.apply(bytes).hashCode() & 1;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (sink < 0) {
            throw new AssertionError(); // keeps the results alive
        }
        return encoded.size() / seconds;
    }

    private static List<TextEvent> texts(int count, long now) {
        Random random = new Random(1);
        List<TextEvent> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(
                    TextEvent.newBuilder()
                            .setSourceId("acct-" + random.nextInt(1000))
                            .setEventTime(Instant.ofEpochMilli(now - i))
                            .setKind(TextKind.TRANSACTION)
                            .setText(
                                    "payment of "
                                            + random.nextInt(500)
                                            + ".00 EUR at merchant category 5411 in DE")
                            .setAttributes(
                                    Map.of(
                                            "merchant", "m-" + random.nextInt(100),
                                            "country", "DE",
                                            "device", "known"))
                            .setFeatures(
                                    Map.of("amount", random.nextDouble() * 500, "velocity10m", 1.0))
                            .build());
        }
        return out;
    }

    private static List<AudioChunk> chunks(int count, long now) {
        byte[] pcm = new byte[8_000]; // 250 ms of 16 kHz S16LE mono
        new Random(2).nextBytes(pcm);
        List<AudioChunk> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(
                    AudioChunk.newBuilder()
                            .setSourceId("mic-" + (i % 8))
                            .setSequence(i / 8)
                            .setEventTime(Instant.ofEpochMilli(now - count + i))
                            .setSampleRate(16_000)
                            .setChannels(1)
                            .setEncoding(AudioEncoding.PCM_S16LE)
                            .setPayload(ByteBuffer.wrap(pcm))
                            .build());
        }
        return out;
    }

    private static List<VideoFrame> frames(int count, long now) throws Exception {
        java.awt.image.BufferedImage image =
                new java.awt.image.BufferedImage(
                        640, 480, java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        Random random = new Random(3);
        for (int y = 0; y < 480; y++) {
            for (int x = 0; x < 640; x++) {
                image.setRGB(
                        x, y, (x * 255 / 640) << 16 | (y * 255 / 480) << 8 | random.nextInt(64));
            }
        }
        java.io.ByteArrayOutputStream jpeg = new java.io.ByteArrayOutputStream();
        ImageIO.write(image, "jpg", jpeg);
        List<VideoFrame> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(
                    VideoFrame.newBuilder()
                            .setSourceId("cam-" + (i % 4))
                            .setSequence(i / 4)
                            .setEventTime(Instant.ofEpochMilli(now - count + i))
                            .setWidth(640)
                            .setHeight(480)
                            .setFormat(FrameFormat.JPEG)
                            .setPayload(ByteBuffer.wrap(jpeg.toByteArray()))
                            .build());
        }
        return out;
    }
}
