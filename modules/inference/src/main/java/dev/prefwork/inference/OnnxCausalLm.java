package dev.prefwork.inference;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prefwork.core.Progress;

import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;

/**
 * A causal language model exported to ONNX in Hugging Face optimum's layout — a folder with {@code model.onnx},
 * {@code tokenizer.json} and {@code generation_config.json} — run through DJL's ONNX Runtime engine.
 *
 * <p><b>Inputs</b>: {@code input_ids}, {@code attention_mask}, and when the export has a KV cache
 * {@code position_ids} and {@code past_key_values.<i>.key/.value} with outputs {@code logits} and
 * {@code present.<i>.key/.value} (optimum's names); the older merged export's {@code use_cache_branch} is
 * accepted too. An export without past key values runs too, recomputing the whole sequence at every step.
 *
 * <p><b>The empty cache</b>: DJL's ONNX Runtime engine cannot make a tensor with a zero-length dimension, so
 * the first call gets one past position of zeros whose attention-mask entry is 0, as DJL's own GPT-2 generator
 * does: masked out, it changes no attention weight, and positions come from {@code position_ids}, so they
 * don't move. That is why a KV-cache export must take {@code position_ids} (optimum's do).
 *
 * <p><b>One call, n sequences</b>: the n continuations of a prompt are one batch. The prompt is run once
 * (batch 1, in chunks that bound the logits' memory) and its keys and values are copied n times; then each step
 * feeds the n new tokens. All rows share the prompt, so no padding is needed; a row that has finished keeps
 * being fed a filler token (its output is discarded) until every row has finished.
 *
 * <p>Thread-safe: calls may run side by side (each has its own tensors); {@link #close()} waits for them.
 */
public final class OnnxCausalLm implements AutoCloseable {

    /** Called with each row's next-token logits at every step (tests compare them with the reference). */
    @FunctionalInterface
    interface StepListener {
        void step(int step, int row, float[] logits);
    }

    private static final Set<String> KNOWN_INPUTS = Set.of("input_ids", "attention_mask", "position_ids", "use_cache_branch");
    /** Logits a prompt chunk may produce at once, in floats (32 MB). */
    private static final long CHUNK_LOGITS = 8L << 20;

    private final String id;
    private final Path folder;
    private final String onnxSha256Prefix;
    private final HuggingFaceTokenizer tokenizer;
    private final OnnxSession session;
    private final Block block;
    private final List<String> inputNames;
    private final int layers;
    private final long kvHeads;
    private final long headDim;
    private final boolean hasPositionIds;
    private final boolean hasUseCacheBranch;
    private final long vocabHint;
    private final CausalLmDefaults defaults;
    private final ReentrantReadWriteLock inUse = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private OnnxCausalLm(Path folder, String sha, HuggingFaceTokenizer tokenizer, OnnxSession session, OnnxSignature signature,
                         CausalLmDefaults defaults) {
        this.folder = folder;
        this.onnxSha256Prefix = sha;
        this.id = "onnx-lm:" + folder.getFileName() + "@" + sha;
        this.tokenizer = tokenizer;
        this.session = session;
        this.block = session.model().getBlock();
        this.inputNames = session.inputNames();
        this.defaults = defaults;
        int pastCount = 0;
        for (String name : inputNames) {
            if (name.startsWith("past_key_values.")) pastCount++;
            else if (!KNOWN_INPUTS.contains(name)) {
                throw new ModelLoadException("the model in " + folder + " takes an input '" + name + "' that a causal LM export"
                        + " does not have; expected input_ids, attention_mask, position_ids and past_key_values.<i>.key/.value");
            }
        }
        if (!inputNames.contains("input_ids") || !inputNames.contains("attention_mask")) {
            throw new ModelLoadException("the model in " + folder + " needs inputs input_ids and attention_mask (it has " + inputNames + ")");
        }
        this.layers = pastCount / 2;
        this.hasPositionIds = inputNames.contains("position_ids");
        this.hasUseCacheBranch = inputNames.contains("use_cache_branch");
        if (layers > 0) {
            OnnxSignature.Tensor past = signature.input("past_key_values.0.key").orElseThrow(() -> new ModelLoadException(
                    "the model in " + folder + " has past key values but no past_key_values.0.key"));
            if (past.elemType() != OnnxSignature.FLOAT) {
                throw new ModelLoadException("the model in " + folder + " keeps its KV cache in "
                        + (past.elemType() == OnnxSignature.FLOAT16 ? "float16" : "ONNX type " + past.elemType())
                        + "; only float32 exports can run here (export again with float32 weights)");
            }
            if (past.dims().length != 4 || past.dim(1) < 1 || past.dim(3) < 1) {
                throw new ModelLoadException("the model in " + folder + " has past_key_values.0.key of shape "
                        + Arrays.toString(past.dims()) + "; expected [batch, heads, past, head size] with fixed heads and head size");
            }
            if (!hasPositionIds) {
                throw new ModelLoadException("the model in " + folder + " has a KV cache but no position_ids input;"
                        + " export it again with a recent optimum (which adds position_ids)");
            }
            for (int i = 0; i < layers; i++) {
                for (String kind : new String[]{"key", "value"}) {
                    if (!inputNames.contains("past_key_values." + i + "." + kind) || signature.output("present." + i + "." + kind).isEmpty()) {
                        throw new ModelLoadException("the model in " + folder + " lacks past_key_values." + i + "." + kind
                                + " or present." + i + "." + kind);
                    }
                }
            }
            this.kvHeads = past.dim(1);
            this.headDim = past.dim(3);
        } else {
            this.kvHeads = 0;
            this.headDim = 0;
        }
        if (signature.output("logits").isEmpty()) {
            throw new ModelLoadException("the model in " + folder + " has no 'logits' output");
        }
        this.vocabHint = signature.output("logits").get().dim(2);
    }

    /**
     * Loads the model in {@code folder} ({@code model.onnx}, {@code tokenizer.json}, optionally
     * {@code generation_config.json}) on the device {@code settings} ask for; ONNX Runtime uses
     * {@code settings.effectiveThreads()} threads per run.
     */
    public static OnnxCausalLm fromFolder(Path folder, InferenceSettings settings) {
        return fromFolder(folder, settings, true);
    }

    static OnnxCausalLm fromFolder(Path folder, InferenceSettings settings, boolean checkProviders) {
        Path dir = folder.toAbsolutePath().normalize();
        Path onnx = dir.resolve("model.onnx");
        Path tokenizerJson = dir.resolve("tokenizer.json");
        if (!Files.isDirectory(dir)) throw new ModelLoadException("no model folder at " + dir);
        if (!Files.isRegularFile(onnx)) throw new ModelLoadException("the folder " + dir + " has no model.onnx");
        if (!Files.isRegularFile(tokenizerJson)) throw new ModelLoadException("the folder " + dir + " has no tokenizer.json");
        OnnxSignature signature;
        try {
            signature = OnnxSignature.read(onnx);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + onnx + ": " + e.getMessage(), e);
        }
        CausalLmDefaults defaults = CausalLmDefaults.read(dir);
        InferenceEnvironment.prepare(settings.dataDir());
        HuggingFaceTokenizer tokenizer;
        try (InputStream in = Files.newInputStream(tokenizerJson)) {
            tokenizer = HuggingFaceTokenizer.newInstance(in, Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("cannot read " + tokenizerJson + ": " + OnnxSession.rootMessage(e), e);
        }
        OnnxSession session = null;
        try {
            String sha = OnnxEmbeddingModel.sha256Prefix(onnx);
            session = OnnxSession.load("lm-" + dir.getFileName(), OnnxSession.Source.file(onnx), settings, checkProviders,
                    settings.effectiveThreads());
            return new OnnxCausalLm(dir, sha, tokenizer, session, signature, defaults);
        } catch (RuntimeException e) {
            if (session != null) session.close();
            tokenizer.close();
            throw e;
        }
    }

    /** {@code onnx-lm:<folder name>@<first 12 hex digits of model.onnx's SHA-256>}. */
    public String id() { return id; }

    public Path folder() { return folder; }

    public String onnxSha256Prefix() { return onnxSha256Prefix; }

    public DeviceStatus deviceStatus() { return session.deviceStatus(); }

    /** True when the export feeds past keys and values back (one token per step instead of the whole sequence). */
    public boolean hasKvCache() { return layers > 0; }

    /** What generation_config.json says (end-of-sequence ids, sampling defaults). */
    public CausalLmDefaults defaults() { return defaults; }

    /** The prompt's token ids as the model sees them (special tokens of the tokenizer's template included). */
    public long[] encode(String text) {
        return tokenizer.encode(text).getIds();
    }

    public String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    /**
     * {@code n} continuations of {@code prompt}.
     *
     * @param cancelled polled before every step; when true the call throws {@link Progress.Cancelled}
     */
    public List<CausalLmOutput> generate(String prompt, CausalLmOptions options, int n, BooleanSupplier cancelled) {
        inUse.readLock().lock();
        try {
            ensureOpen();
            return generate(encode(prompt), options, n, cancelled, null);
        } finally {
            inUse.readLock().unlock();
        }
    }

    List<CausalLmOutput> generate(long[] promptIds, CausalLmOptions options, int n, BooleanSupplier cancelled, StepListener listener) {
        inUse.readLock().lock();
        try {
            ensureOpen();
            return run(promptIds, options, n, cancelled == null ? () -> false : cancelled, listener);
        } catch (ModelLoadException | Progress.Cancelled e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelLoadException("the model " + id + " failed: " + OnnxSession.rootMessage(e), e);
        } finally {
            inUse.readLock().unlock();
        }
    }

    private List<CausalLmOutput> run(long[] promptIds, CausalLmOptions o, int n, BooleanSupplier cancelled, StepListener listener) {
        if (n < 1) throw new IllegalArgumentException("n must be >= 1, was " + n);
        if (promptIds.length == 0) throw new ModelLoadException("the prompt has no tokens");
        int promptLength = promptIds.length;
        int maxNew = o.maxNewTokens();
        if (defaults.maxLength() != null) maxNew = Math.min(maxNew, Math.max(1, defaults.maxLength() - promptLength));
        if (defaults.maxPositions() != null) {
            if (promptLength >= defaults.maxPositions()) {
                throw new PromptTooLongException("the prompt has " + promptLength + " tokens; the model " + id + " takes at most "
                        + defaults.maxPositions() + " (prompt and response together)");
            }
            maxNew = Math.min(maxNew, defaults.maxPositions() - promptLength);
        }
        long[] eos = defaults.eosTokenIds();
        long filler = defaults.padTokenId() != null ? defaults.padTokenId() : eos.length > 0 ? eos[0] : 0;
        boolean cached = hasKvCache() && o.useCache();

        List<List<Long>> generated = new ArrayList<>(n);
        SplittableRandom[] random = new SplittableRandom[n];
        String[] finish = new String[n];
        String[] text = new String[n];
        for (int r = 0; r < n; r++) {
            generated.add(new ArrayList<>());
            random[r] = TokenSampler.random(o.seed(), r);
        }
        // what each row feeds the model: the prompt, its tokens, then fillers once it has finished
        long[][] fed = new long[n][];
        for (int r = 0; r < n; r++) fed[r] = Arrays.copyOf(promptIds, promptLength + maxNew);
        int length = promptLength;

        try (NDManager root = session.model().getNDManager().newSubManager()) {
            Step state = cached ? prefill(root, promptIds, n) : fullForward(root, fed, length, n);
            for (int step = 0; step < maxNew; step++) {
                if (cancelled.getAsBoolean()) throw new Progress.Cancelled();
                float[] logits = state.logits();
                int vocab = state.vocab();
                long[] next = new long[n];
                boolean allDone = true;
                for (int r = 0; r < n; r++) {
                    if (finish[r] != null) {
                        next[r] = filler;
                        continue;
                    }
                    if (listener != null) listener.step(step, r, Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab));
                    int token = o.greedyDecoding() ? TokenSampler.argmax(logits, r * vocab, vocab)
                            : TokenSampler.sample(logits, r * vocab, vocab, o.temperature(), o.topP(), random[r]);
                    next[r] = token;
                    if (contains(eos, token)) {
                        finish[r] = "stop";
                        next[r] = filler;
                        continue;
                    }
                    generated.get(r).add((long) token);
                    if (!o.stop().isEmpty()) {
                        String decoded = decode(ids(generated.get(r)));
                        int cut = firstStop(decoded, o.stop());
                        if (cut >= 0) {
                            finish[r] = "stop";
                            text[r] = decoded.substring(0, cut);
                            continue;
                        }
                    }
                    if (generated.get(r).size() >= maxNew) finish[r] = "length";
                    else allDone = false;
                }
                if (allDone) break;
                for (int r = 0; r < n; r++) fed[r][length] = next[r];
                length++;
                NDManager previous = state.manager();
                state = cached ? decodeStep(root, state, next, length, n) : fullForward(root, fed, length, n);
                if (previous != null) previous.close();
            }
            if (state.manager() != null) state.manager().close();
        }
        List<CausalLmOutput> out = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            long[] tokens = ids(generated.get(r));
            String t = text[r] != null ? text[r] : decode(tokens);
            out.add(new CausalLmOutput(t, tokens, finish[r] == null ? "length" : finish[r], promptLength));
        }
        return out;
    }

    /**
     * The last-position logits of every row ({@code [n × vocab]}) and, on the cached path, the presents to feed
     * back and the number of past positions they hold (the masked dummy one included).
     */
    private record Step(NDManager manager, float[] logits, int vocab, NDList presents, int pastLength) {
    }

    /** Runs the prompt once (batch 1, in chunks), then copies its logits and keys/values to n rows. */
    private Step prefill(NDManager root, long[] promptIds, int n) {
        long vocab = vocabHint > 0 ? vocabHint : 50_000;
        int chunk = (int) Math.max(1, Math.min(512, CHUNK_LOGITS / vocab));
        NDManager current = root.newSubManager();
        NDList past = dummyPast(current, 1);
        int pastLength = 1;
        NDList out = null;
        for (int from = 0; from < promptIds.length; from += chunk) {
            int to = Math.min(promptIds.length, from + chunk);
            NDManager m = root.newSubManager();
            long[] ids = Arrays.copyOfRange(promptIds, from, to);
            long[] positions = new long[to - from];
            for (int i = 0; i < positions.length; i++) positions[i] = from + i;
            out = forward(m, ids, positions, mask(1, pastLength + ids.length), past, 1, ids.length);
            current.close();
            current = m;
            past = presents(out);
            pastLength += ids.length;
        }
        NDArray logitsArray = out.get("logits");
        int v = (int) logitsArray.getShape().get(2);
        long rows = logitsArray.getShape().get(1);
        float[] all = logitsArray.toFloatArray();
        float[] last = Arrays.copyOfRange(all, (int) ((rows - 1) * v), (int) (rows * v));
        if (n == 1) return new Step(current, last, v, past, pastLength);
        NDManager tiled = root.newSubManager();
        float[] logits = new float[n * v];
        for (int r = 0; r < n; r++) System.arraycopy(last, 0, logits, r * v, v);
        NDList copies = new NDList(past.size());
        for (NDArray a : past) {
            float[] one = a.toFloatArray();
            float[] many = new float[one.length * n];
            for (int r = 0; r < n; r++) System.arraycopy(one, 0, many, r * one.length, one.length);
            long[] shape = a.getShape().getShape();
            shape[0] = n;
            copies.add(tiled.create(FloatBuffer.wrap(many), new Shape(shape), DataType.FLOAT32));
        }
        current.close();
        return new Step(tiled, logits, v, copies, pastLength);
    }

    /** One token per row, the previous presents fed back. */
    private Step decodeStep(NDManager root, Step previous, long[] tokens, int length, int n) {
        NDManager m = root.newSubManager();
        long[] positions = new long[n];
        Arrays.fill(positions, length - 1);
        NDList out = forward(m, tokens, positions, mask(n, previous.pastLength() + 1), previous.presents(), n, 1);
        NDArray logitsArray = out.get("logits");
        int v = (int) logitsArray.getShape().get(2);
        return new Step(m, logitsArray.toFloatArray(), v, presents(out), previous.pastLength() + 1);
    }

    /** The whole sequence of every row, no cache (the reference path, and exports without past key values). */
    private Step fullForward(NDManager root, long[][] fed, int length, int n) {
        NDManager m = root.newSubManager();
        long[] ids = new long[n * length];
        long[] positions = new long[n * length];
        for (int r = 0; r < n; r++) {
            System.arraycopy(fed[r], 0, ids, r * length, length);
            for (int i = 0; i < length; i++) positions[r * length + i] = i;
        }
        NDList past = hasKvCache() ? dummyPast(m, n) : null;
        long[] mask = hasKvCache() ? mask(n, length + 1) : ones(n * length);
        NDList out = forward(m, ids, positions, mask, past, n, length);
        NDArray logitsArray = out.get("logits");
        int v = (int) logitsArray.getShape().get(2);
        float[] all = logitsArray.toFloatArray();
        float[] last = new float[n * v];
        for (int r = 0; r < n; r++) System.arraycopy(all, (r * length + length - 1) * v, last, r * v, v);
        return new Step(m, last, v, null, 0);
    }

    private NDList forward(NDManager m, long[] ids, long[] positions, long[] mask, NDList past, int batch, int sequence) {
        NDList inputs = new NDList();
        inputs.add(named(m.create(ids, new Shape(batch, sequence)), "input_ids"));
        for (String name : inputNames) {
            switch (name) {
                case "input_ids" -> { }
                case "attention_mask" -> inputs.add(named(m.create(mask, new Shape(batch, mask.length / batch)), name));
                case "position_ids" -> inputs.add(named(m.create(positions, new Shape(batch, sequence)), name));
                case "use_cache_branch" -> inputs.add(named(m.create(new boolean[]{true}), name));
                default -> { }
            }
        }
        if (past != null) {
            for (int i = 0; i < layers; i++) {
                inputs.add(named(past.get(2 * i), "past_key_values." + i + ".key"));
                inputs.add(named(past.get(2 * i + 1), "past_key_values." + i + ".value"));
            }
        }
        // outputs are attached to the manager of the first input (input_ids, made in m)
        return block.forward(null, inputs, false);
    }

    private NDList presents(NDList out) {
        NDList presents = new NDList(2 * layers);
        for (int i = 0; i < layers; i++) {
            presents.add(out.get("present." + i + ".key"));
            presents.add(out.get("present." + i + ".value"));
        }
        return presents;
    }

    /** One past position of zeros per layer, masked out by the attention mask's first column. */
    private NDList dummyPast(NDManager m, int batch) {
        NDList past = new NDList(2 * layers);
        for (int i = 0; i < 2 * layers; i++) past.add(m.zeros(new Shape(batch, kvHeads, 1, headDim), DataType.FLOAT32));
        return past;
    }

    /** Rows of {@code total} ones whose first entry (the dummy past position) is 0. */
    private static long[] mask(int batch, int total) {
        long[] mask = ones(batch * total);
        for (int r = 0; r < batch; r++) mask[r * total] = 0;
        return mask;
    }

    private static long[] ones(int n) {
        long[] a = new long[n];
        Arrays.fill(a, 1);
        return a;
    }

    private static NDArray named(NDArray a, String name) {
        a.setName(name);
        return a;
    }

    private static long[] ids(List<Long> tokens) {
        long[] a = new long[tokens.size()];
        for (int i = 0; i < a.length; i++) a[i] = tokens.get(i);
        return a;
    }

    private static boolean contains(long[] values, long v) {
        for (long x : values) if (x == v) return true;
        return false;
    }

    private static int firstStop(String text, List<String> stops) {
        int best = -1;
        for (String s : stops) {
            int i = text.indexOf(s);
            if (i >= 0 && (best < 0 || i < best)) best = i;
        }
        return best;
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
            session.close();
            tokenizer.close();
        } finally {
            inUse.writeLock().unlock();
        }
    }

    /**
     * What a model folder's {@code generation_config.json} (or, for the token ids and the position limit,
     * {@code config.json}) says; absent values are null, {@code eosTokenIds} empty.
     */
    public record CausalLmDefaults(long[] eosTokenIds, Long padTokenId, Integer maxNewTokens, Integer maxLength,
                                   Double temperature, Double topP, Boolean doSample, Integer maxPositions) {

        static CausalLmDefaults read(Path folder) {
            JsonNode gen = json(folder.resolve("generation_config.json"));
            JsonNode config = json(folder.resolve("config.json"));
            JsonNode eos = gen.has("eos_token_id") ? gen.get("eos_token_id") : config.path("eos_token_id");
            long[] eosIds;
            if (eos.isArray()) {
                eosIds = new long[eos.size()];
                for (int i = 0; i < eos.size(); i++) eosIds[i] = eos.get(i).asLong();
            } else {
                eosIds = eos.isNumber() ? new long[]{eos.asLong()} : new long[0];
            }
            JsonNode pad = gen.has("pad_token_id") ? gen.get("pad_token_id") : config.path("pad_token_id");
            return new CausalLmDefaults(eosIds, pad.isNumber() ? pad.asLong() : null,
                    gen.path("max_new_tokens").isNumber() ? gen.get("max_new_tokens").asInt() : null,
                    gen.path("max_length").isNumber() ? gen.get("max_length").asInt() : null,
                    gen.path("temperature").isNumber() ? gen.get("temperature").asDouble() : null,
                    gen.path("top_p").isNumber() ? gen.get("top_p").asDouble() : null,
                    gen.path("do_sample").isBoolean() ? gen.get("do_sample").asBoolean() : null, maxPositions(config));
        }

        /** The longest sequence the model's position embeddings cover, from config.json (names differ by model type). */
        private static Integer maxPositions(JsonNode config) {
            for (String key : new String[]{"max_position_embeddings", "n_positions", "n_ctx", "seq_length"}) {
                if (config.path(key).isIntegralNumber()) return config.get(key).asInt();
            }
            return null;
        }

        private static JsonNode json(Path file) {
            if (!Files.isRegularFile(file)) return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            try {
                return new ObjectMapper().readTree(file.toFile());
            } catch (IOException e) {
                throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
