package dev.prefwork.inference;

import dev.prefwork.core.Progress;
import dev.prefwork.store.EmbeddingRepository;
import dev.prefwork.store.EmbeddingRepository.PendingText;
import dev.prefwork.store.Workspace;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills a workspace's embedding cache: every prompt and candidate text without a vector for a model is
 * embedded once (identical texts share one vector) and stored as it goes, one transaction per batch, so a
 * crash or a cancel loses at most the batch in flight and a later run carries on where this one stopped.
 * Also embeds free texts (LF exemplars) through the same cache.
 */
public final class EmbeddingService {

    /**
     * @param modelId     the model's id
     * @param textsHashed prompt and candidate texts hashed in this run (new since the last run)
     * @param pending     distinct texts that had no vector when the run started
     * @param computed    distinct texts embedded and stored in this run
     * @param elapsed     wall time of the run
     */
    public record Report(String modelId, long textsHashed, long pending, long computed, Duration elapsed) { }

    private static final int HASH_PAGE = 5_000;

    private final EmbeddingRepository repo;
    private final int batchTexts;
    private final int pageSize;

    /** Batches of 32 texts per commit, pages of 2,048 texts sorted by length before batching. */
    public EmbeddingService(Workspace workspace) {
        this(workspace.embeddings(), 32, 2_048);
    }

    EmbeddingService(EmbeddingRepository repo, int batchTexts, int pageSize) {
        if (batchTexts < 1 || pageSize < batchTexts) throw new IllegalArgumentException("need 1 <= batchTexts <= pageSize");
        this.repo = repo;
        this.batchTexts = batchTexts;
        this.pageSize = pageSize;
    }

    /**
     * Embeds every prompt and candidate text that has no vector for {@code model}. Reports progress with an
     * ETA; when {@code progress} is cancelled it stops after the batch in flight is stored and throws
     * {@link Progress.Cancelled}.
     */
    public Report embedMissing(EmbeddingModel model, Progress progress) {
        long start = System.nanoTime();
        progress.update(0, -1, "Preparing texts for " + model.id() + "…");
        long hashed = repo.hashNewTexts(HASH_PAGE);
        int key = repo.modelKey(model.id(), model.dimension());
        long total = repo.countPending(key);
        Eta eta = new Eta(total, "Embedding", "texts");
        progress.update(0, total, eta.message(0, model.id()));
        long done = 0;
        for (boolean prompts : new boolean[]{false, true}) {
            long after = -1;
            while (true) {
                progress.checkCancelled();
                List<PendingText> page = prompts ? repo.pendingPromptTexts(key, after, pageSize) : repo.pendingCandidateTexts(key, after, pageSize);
                if (page.isEmpty()) break;
                after = page.get(page.size() - 1).ownerId();
                List<PendingText> unique = distinctByHash(page);
                // Similar lengths in one batch: less padding and smaller batch effects from the int8 model.
                unique.sort(Comparator.comparingInt(p -> p.text().length()));
                for (int from = 0; from < unique.size(); from += batchTexts) {
                    progress.checkCancelled();
                    List<PendingText> batch = unique.subList(from, Math.min(unique.size(), from + batchTexts));
                    store(key, model, batch);
                    done += batch.size();
                    progress.update(Math.min(done, total), total, eta.message(done, model.id()));
                }
            }
        }
        return new Report(model.id(), hashed, total, done, Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * Vectors for free texts (exemplars typed into an LF), from the cache where present; the rest are
     * embedded once, stored, and returned in the order given.
     */
    public float[][] embedCached(EmbeddingModel model, List<String> texts) {
        int key = repo.modelKey(model.id(), model.dimension());
        List<byte[]> hashes = new ArrayList<>(texts.size());
        for (String t : texts) hashes.add(EmbeddingRepository.sha256(t));
        List<byte[]> stored = repo.vectorsByHash(key, hashes);
        float[][] out = new float[texts.size()][];
        Map<String, List<Integer>> missing = new LinkedHashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            if (stored.get(i) != null) out[i] = Vectors.fromBytes(stored.get(i));
            else missing.computeIfAbsent(HexFormat.of().formatHex(hashes.get(i)), h -> new ArrayList<>()).add(i);
        }
        if (!missing.isEmpty()) {
            List<PendingText> todo = new ArrayList<>(missing.size());
            for (List<Integer> idx : missing.values()) todo.add(new PendingText(-1, hashes.get(idx.get(0)), texts.get(idx.get(0))));
            float[][] vectors = store(key, model, todo);
            int k = 0;
            for (List<Integer> idx : missing.values()) {
                for (int i : idx) out[i] = vectors[k];
                k++;
            }
        }
        return out;
    }

    private float[][] store(int key, EmbeddingModel model, List<PendingText> batch) {
        List<String> texts = new ArrayList<>(batch.size());
        List<byte[]> hashes = new ArrayList<>(batch.size());
        for (PendingText p : batch) {
            texts.add(p.text());
            hashes.add(p.sha256());
        }
        float[][] vectors = model.embed(texts);
        if (vectors.length != texts.size()) {
            throw new IllegalStateException(model.id() + " returned " + vectors.length + " vectors for " + texts.size() + " texts");
        }
        List<byte[]> bytes = new ArrayList<>(vectors.length);
        for (float[] v : vectors) {
            if (v.length != model.dimension()) {
                throw new IllegalStateException(model.id() + " returned a vector of " + v.length + " dimensions, not " + model.dimension());
            }
            bytes.add(Vectors.toBytes(v));
        }
        repo.putVectors(key, hashes, bytes);
        return vectors;
    }

    private static List<PendingText> distinctByHash(List<PendingText> page) {
        Map<String, PendingText> seen = new LinkedHashMap<>();
        for (PendingText p : page) seen.putIfAbsent(HexFormat.of().formatHex(p.sha256()), p);
        return new ArrayList<>(seen.values());
    }

    /** Rate and time left from the work done since the start of the run. */
    static final class Eta {
        private final long total;
        private final String verb;
        private final String unit;
        private final long start = System.nanoTime();

        Eta(long total, String verb, String unit) {
            this.total = total;
            this.verb = verb;
            this.unit = unit;
        }

        String message(long done, String modelId) {
            if (total == 0) return "Nothing to do: every one of the " + unit + " already has a result from " + modelId + ".";
            double seconds = (System.nanoTime() - start) / 1e9;
            String head = String.format("%s with %s: %,d of %,d %s", verb, modelId, Math.min(done, total), total, unit);
            if (done == 0 || seconds < 0.001) return head;
            double rate = done / seconds;
            if (done >= total) return String.format("%s, %.0f %s/s, done.", head, rate, unit);
            return String.format("%s, %.0f %s/s, about %s left", head, rate, unit, humanDuration((total - done) / rate));
        }

        static String humanDuration(double seconds) {
            long s = Math.round(Math.ceil(seconds));
            if (s < 60) return s + " s";
            if (s < 3600) return (s / 60) + " min " + (s % 60) + " s";
            return (s / 3600) + " h " + (s % 3600 / 60) + " min";
        }
    }
}
