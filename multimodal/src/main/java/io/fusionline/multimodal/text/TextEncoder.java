package io.fusionline.multimodal.text;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.fusionline.multimodal.BundledModelFolder;
import io.fusionline.multimodal.JvmShared;
import io.fusionline.multimodal.onnx.OrtSessions;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Sentence and token embeddings in the JVM with all-MiniLM-L6-v2 (quantized ONNX, 384-d), the model
 * and tokenizer the build takes from Maven Central; operator notes, machine logs, ASR transcripts,
 * OCR text and table-to-sequence transactions all go through it.
 *
 * <p><b>Semantics.</b> A text is tokenized by {@link WordPieceTokenizer} (at most {@link
 * #maxTokens()} tokens, cut at the end), run through the model, and returned as its token vectors
 * (last hidden state) and their mean, L2-normalized, as the sentence embedding.
 *
 * <p><b>One text per model call.</b> The model is dynamically quantized: each call derives its
 * 8-bit scales from the whole input tensor, so padding a text into a batch with others moves its
 * vectors by up to a few hundredths. Each text therefore runs alone, and a text's embedding depends
 * on the text only, which is what lets the training kit's exported embeddings match the job's.
 *
 * <p><b>Sharing.</b> The tokenizer and the {@link OrtSession} are loaded once per JVM for each
 * intra-op thread count and shared, reference-counted; {@link #close} releases this encoder's
 * share. An encoder may be called from several threads.
 */
public final class TextEncoder implements AutoCloseable {

    /** Id of the bundled model folder. */
    public static final String BUNDLED_ID = "all-minilm-l6-v2-q";

    /** Id and version recorded in decisions and model cards. */
    public static final String MODEL_ID = "all-MiniLM-L6-v2-q (langchain4j 1.20.0-beta30)";

    /** Width of every vector. */
    public static final int DIM = 384;

    /** Default token limit (the model's own tokenizer cuts at 128). */
    public static final int DEFAULT_MAX_TOKENS = 128;

    private record Loaded(WordPieceTokenizer tokenizer, OrtSession session)
            implements AutoCloseable {
        @Override
        public void close() throws OrtException {
            session.close();
        }
    }

    private static final JvmShared<Integer, Loaded> MODELS = new JvmShared<>();

    private final JvmShared.Lease<Integer, Loaded> lease;
    private final int maxTokens;

    private TextEncoder(JvmShared.Lease<Integer, Loaded> lease, int maxTokens) {
        this.lease = lease;
        this.maxTokens = maxTokens;
    }

    /** Opens (or joins) the bundled model with one intra-op thread and 128 tokens. */
    public static TextEncoder open() {
        return open(1, DEFAULT_MAX_TOKENS);
    }

    /**
     * Opens (or joins) the bundled model.
     *
     * @param intraOpThreads ONNX Runtime threads per call
     * @param maxTokens longest token sequence, {@code [CLS]} and {@code [SEP]} included (2..512)
     */
    public static TextEncoder open(int intraOpThreads, int maxTokens) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException(
                    "intra-op threads must be >= 1, got " + intraOpThreads);
        }
        if (maxTokens < 2 || maxTokens > 512) {
            throw new IllegalArgumentException("max tokens must be 2..512, got " + maxTokens);
        }
        return new TextEncoder(MODELS.acquire(intraOpThreads, TextEncoder::load), maxTokens);
    }

    /** How many models were loaded in this JVM so far (for tests). */
    public static int modelsLoadedSoFar() {
        return MODELS.opensSoFar();
    }

    /** Token limit of this encoder. */
    public int maxTokens() {
        return maxTokens;
    }

    /** The tokenizer (shared). */
    public WordPieceTokenizer tokenizer() {
        return lease.get().tokenizer();
    }

    /** Embeds one text. */
    public TextEmbedding encode(String text) {
        return encode(List.of(text)).get(0);
    }

    /** Embeds each of {@code texts} (one model call each); results in input order. */
    public List<TextEmbedding> encode(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        WordPieceTokenizer tokenizer = lease.get().tokenizer();
        List<TextEmbedding> out = new ArrayList<>(texts.size());
        for (String text : texts) {
            WordPieceTokenizer.Encoding e = tokenizer.encode(text, maxTokens);
            float[] tokens = run(e.ids());
            out.add(
                    new TextEmbedding(
                            e.pieces(),
                            e.wordList(),
                            e.words(),
                            tokens,
                            meanPool(tokens, e.length()),
                            DIM));
        }
        return out;
    }

    /** The last hidden state of one text: {@code ids.length × DIM} floats. */
    private float[] run(long[] ids) {
        int length = ids.length;
        long[] mask = new long[length];
        Arrays.fill(mask, 1);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = {1, length};
        try (OnnxTensor idTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
                OnnxTensor maskTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
                OnnxTensor typeTensor =
                        OnnxTensor.createTensor(env, LongBuffer.wrap(new long[length]), shape);
                OrtSession.Result result =
                        lease.get()
                                .session()
                                .run(
                                        Map.of(
                                                "input_ids", idTensor,
                                                "attention_mask", maskTensor,
                                                "token_type_ids", typeTensor))) {
            OnnxTensor hidden = (OnnxTensor) result.get(0);
            float[] out = new float[length * DIM];
            hidden.getFloatBuffer().get(out);
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("text encoder inference failed: " + e.getMessage(), e);
        }
    }

    static float[] meanPool(float[] tokens, int length) {
        float[] mean = new float[DIM];
        for (int t = 0; t < length; t++) {
            for (int d = 0; d < DIM; d++) {
                mean[d] += tokens[t * DIM + d];
            }
        }
        double norm = 0;
        for (int d = 0; d < DIM; d++) {
            mean[d] /= length;
            norm += mean[d] * mean[d];
        }
        float scale = (float) (1 / Math.max(1e-12, Math.sqrt(norm)));
        for (int d = 0; d < DIM; d++) {
            mean[d] *= scale;
        }
        return mean;
    }

    private static Loaded load(int intraOpThreads) {
        Path dir = BundledModelFolder.extract(BUNDLED_ID, "text encoder");
        WordPieceTokenizer tokenizer =
                WordPieceTokenizer.load(dir.resolve("all-minilm-l6-v2-q-tokenizer.json"));
        OrtSession session =
                OrtSessions.open(
                        dir.resolve("all-minilm-l6-v2-q.onnx"), intraOpThreads, "text encoder");
        return new Loaded(tokenizer, session);
    }

    @Override
    public void close() {
        lease.close();
    }
}
