package dev.prefwork.inference;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.translate.TranslateException;
import ai.djl.util.PairList;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A sequence-classification ONNX model that reads (prompt, response) as a text pair — an exported reward
 * model (OpenAssistant DeBERTa: one logit) or a cross-encoder / classifier (several classes) — from a folder
 * holding {@code model.onnx} and {@code tokenizer.json}.
 *
 * <p>With one output logit the score is that logit, as the model gives it (reward models are trained on
 * logit differences; thresholds are set on the same scale). With several classes the score is the softmax
 * probability of the class {@link Config#positiveIndex()} names, and all probabilities come back too.
 * Pairs longer than {@link Config#maxTokens()} are truncated longest-first (the longer of the two loses
 * tokens first), the way the models were trained. Thread-safe.
 */
public final class ExternalScorer implements PairScorer {

    /**
     * @param positiveIndex class whose probability is the score when the model has several outputs (e.g. 1 for
     *                      a [BAD, GOOD] classifier); ignored for a single logit
     * @param maxTokens     pair length limit, special tokens included (the model's position limit, 512 for BERT/DeBERTa)
     */
    public record Config(int positiveIndex, int maxTokens) {
        public Config {
            if (positiveIndex < 0) throw new IllegalArgumentException("positiveIndex must be >= 0");
            if (maxTokens < 8) throw new IllegalArgumentException("maxTokens must be >= 8");
        }

        public static Config defaults() {
            return new Config(1, 512);
        }
    }

    /**
     * @param score         the single logit, or the probability of the positive class
     * @param probabilities softmax over the classes; empty for a single-logit model
     */
    public record Score(double score, float[] probabilities) { }

    private final String id;
    private final HuggingFaceTokenizer tokenizer;
    private final OnnxSession session;
    private final PredictorPool<TokenWindow, float[]> predictors;
    private final BatchRunner runner;
    private final Config config;
    private final int batchSize;
    private final boolean takesTypeIds;
    private final int classes;
    private volatile boolean closed;
    /** Calls hold the read lock, close() the write lock: closing waits for calls in flight to finish. */
    private final ReentrantReadWriteLock inUse = new ReentrantReadWriteLock();

    private ExternalScorer(String id, HuggingFaceTokenizer tokenizer, OnnxSession session, Config config, int batchSize, int parallelism) {
        this.id = id;
        this.tokenizer = tokenizer;
        this.session = session;
        this.config = config;
        this.batchSize = batchSize;
        this.takesTypeIds = session.inputNames().contains("token_type_ids");
        LogitsTranslator translator = new LogitsTranslator(session.inputNames());
        this.predictors = new PredictorPool<>(() -> session.model().newPredictor(translator));
        this.runner = new BatchRunner("score", parallelism);
        try {
            this.classes = logits(List.of(encode("probe", "probe"))).get(0).length;
            if (classes > 1 && config.positiveIndex() >= classes) {
                throw new ModelLoadException("the scorer has " + classes + " classes; positive class index "
                        + config.positiveIndex() + " does not exist (use 0.." + (classes - 1) + ")");
            }
        } catch (RuntimeException e) {
            runner.close();
            predictors.close();
            throw e;
        }
    }

    public static ExternalScorer fromFolder(Path folder, InferenceSettings settings, Config config) {
        return fromFolder(folder, settings, config, true);
    }

    static ExternalScorer fromFolder(Path folder, InferenceSettings settings, Config config, boolean checkProviders) {
        Path onnx = folder.resolve("model.onnx");
        Path tokenizerJson = folder.resolve("tokenizer.json");
        if (!Files.isRegularFile(onnx)) throw new ModelLoadException("the folder " + folder + " has no model.onnx");
        if (!Files.isRegularFile(tokenizerJson)) throw new ModelLoadException("the folder " + folder + " has no tokenizer.json");
        InferenceEnvironment.prepare(settings.dataDir());
        String id = "scorer:" + folder.toAbsolutePath().normalize().getFileName() + "@" + OnnxEmbeddingModel.sha256Prefix(onnx)
                + ":positive=" + config.positiveIndex();
        HuggingFaceTokenizer tokenizer;
        try (InputStream in = Files.newInputStream(tokenizerJson)) {
            tokenizer = HuggingFaceTokenizer.newInstance(in, Map.of(
                    "truncation", "longest_first", "maxLength", Integer.toString(config.maxTokens()),
                    "padding", "false", "addSpecialTokens", "true"));
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("cannot read " + tokenizerJson + ": " + OnnxSession.rootMessage(e), e);
        }
        OnnxSession session = null;
        try {
            session = OnnxSession.load(id, OnnxSession.Source.file(onnx), settings, checkProviders);
            return new ExternalScorer(id, tokenizer, session, config, settings.batchSize(), settings.effectiveThreads());
        } catch (RuntimeException e) {
            if (session != null) session.close();
            tokenizer.close();
            throw e;
        }
    }

    @Override public String id() { return id; }

    /** Number of model outputs per pair: 1 for a reward model, 2 or more for a classifier. */
    @Override public int classes() { return classes; }

    @Override public DeviceStatus deviceStatus() { return session.deviceStatus(); }

    /** Scores each (prompt, response) pair; the two lists are parallel. */
    @Override
    public List<Score> score(List<String> prompts, List<String> responses) {
        inUse.readLock().lock();
        try {
            return scoreOpen(prompts, responses);
        } finally {
            inUse.readLock().unlock();
        }
    }

    private List<Score> scoreOpen(List<String> prompts, List<String> responses) {
        ensureOpen();
        if (prompts.size() != responses.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + responses.size() + " responses");
        }
        List<TokenWindow> encoded = new ArrayList<>(prompts.size());
        if (!prompts.isEmpty()) {
            PairList<String, String> pairs = new PairList<>(prompts, responses);
            for (Encoding e : tokenizer.batchEncode(pairs)) encoded.add(window(e));
        }
        List<float[]> logits = logits(encoded);
        List<Score> out = new ArrayList<>(logits.size());
        for (float[] row : logits) out.add(toScore(row));
        return out;
    }

    private Score toScore(float[] logits) {
        if (logits.length == 1) return new Score(logits[0], new float[0]);
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double sum = 0;
        double[] exp = new double[logits.length];
        for (int i = 0; i < logits.length; i++) sum += exp[i] = Math.exp(logits[i] - max);
        float[] p = new float[logits.length];
        for (int i = 0; i < p.length; i++) p[i] = (float) (exp[i] / sum);
        return new Score(p[config.positiveIndex()], p);
    }

    private TokenWindow encode(String prompt, String response) {
        return window(tokenizer.encode(prompt, response));
    }

    private TokenWindow window(Encoding e) {
        return new TokenWindow(e.getIds(), takesTypeIds ? e.getTypeIds() : new long[e.getIds().length]);
    }

    /** Raw logits per pair, in input order; batches are formed from pairs of similar length. */
    private List<float[]> logits(List<TokenWindow> pairs) {
        Integer[] order = new Integer[pairs.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, Comparator.comparingInt(i -> pairs.get(i).length()));
        List<List<TokenWindow>> batches = new ArrayList<>();
        for (int from = 0; from < order.length; from += batchSize) {
            List<TokenWindow> batch = new ArrayList<>(batchSize);
            for (int i = from; i < Math.min(order.length, from + batchSize); i++) batch.add(pairs.get(order[i]));
            batches.add(batch);
        }
        List<List<float[]>> outputs;
        try {
            outputs = runner.run(batches, predictors);
        } catch (TranslateException e) {
            throw new ModelLoadException("the scorer " + id + " failed: " + OnnxSession.rootMessage(e), e);
        }
        float[][] out = new float[pairs.size()][];
        for (int k = 0; k < order.length; k++) out[order[k]] = outputs.get(k / batchSize).get(k % batchSize);
        return List.of(out);
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("the scorer " + id + " is closed");
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
}
