package dev.prefwork.inference;

import dev.prefwork.store.EmbeddingRepository;
import dev.prefwork.store.EmbeddingRepository.ModelInfo;
import dev.prefwork.store.EmbeddingRepository.OwnedVector;
import dev.prefwork.store.EmbeddingRepository.PairVectors;
import dev.prefwork.store.Workspace;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads cached vectors by prompt or candidate id, for the reward model's features and the model-based LFs
 * (cosine to exemplars, cosine between a response and its prompt). Ids without a stored vector are simply
 * absent from the results: run {@link EmbeddingService#embedMissing} first.
 */
public final class EmbeddingLookup {

    /** How much of a workspace a model has embedded. */
    public record Coverage(String modelId, long candidates, long candidatesEmbedded, long vectors) {
        public boolean complete() { return candidatesEmbedded >= candidates; }
    }

    /** Receives candidate vectors one at a time (streaming keeps a 1M-candidate workspace out of the heap). */
    @FunctionalInterface
    public interface CandidateVectorConsumer {
        void accept(long candidateId, float[] vector);
    }

    private static final int STREAM_PAGE = 4_096;

    private final EmbeddingRepository repo;
    private final Workspace workspace;

    public EmbeddingLookup(Workspace workspace) {
        this.workspace = workspace;
        this.repo = workspace.embeddings();
    }

    public Coverage coverage(String modelId) {
        long candidates = workspace.candidates().count();
        Optional<ModelInfo> info = repo.model(modelId);
        return info.map(m -> new Coverage(modelId, candidates, repo.candidatesWithVector(m.key()), m.vectors()))
                .orElseGet(() -> new Coverage(modelId, candidates, 0, 0));
    }

    public Map<Long, float[]> candidateVectors(String modelId, Collection<Long> candidateIds) {
        return key(modelId).map(k -> toMap(repo.candidateVectors(k, candidateIds))).orElseGet(Map::of);
    }

    public Map<Long, float[]> promptVectors(String modelId, Collection<Long> promptIds) {
        return key(modelId).map(k -> toMap(repo.promptVectors(k, promptIds))).orElseGet(Map::of);
    }

    /** Cosine between each candidate and its prompt ("the response is about what was asked"). */
    public Map<Long, Double> promptResponseCosine(String modelId, Collection<Long> candidateIds) {
        Optional<Integer> key = key(modelId);
        if (key.isEmpty()) return Map.of();
        Map<Long, Double> out = new LinkedHashMap<>();
        for (PairVectors p : repo.candidateAndPromptVectors(key.get(), candidateIds)) {
            out.put(p.candidateId(), Vectors.dot(Vectors.fromBytes(p.candidateVector()), Vectors.fromBytes(p.promptVector())));
        }
        return out;
    }

    /**
     * The highest cosine between each candidate and any of the exemplar vectors (from
     * {@link EmbeddingService#embedCached}): "similar to these exemplars" is similar to at least one of them.
     */
    public Map<Long, Double> maxCosineToExemplars(String modelId, Collection<Long> candidateIds, float[][] exemplars) {
        if (exemplars.length == 0) return Map.of();
        Map<Long, Double> out = new LinkedHashMap<>();
        candidateVectors(modelId, candidateIds).forEach((id, v) -> out.put(id, maxCosine(v, exemplars)));
        return out;
    }

    public static double maxCosine(float[] v, float[][] exemplars) {
        double best = Double.NEGATIVE_INFINITY;
        for (float[] e : exemplars) best = Math.max(best, Vectors.dot(v, e));
        return best;
    }

    /** Every candidate vector of the model, in candidate id order. */
    public void forEachCandidateVector(String modelId, CandidateVectorConsumer consumer) {
        Optional<Integer> key = key(modelId);
        if (key.isEmpty()) return;
        long after = -1;
        while (true) {
            List<OwnedVector> page = repo.candidateVectorsAfter(key.get(), after, STREAM_PAGE);
            for (OwnedVector v : page) consumer.accept(v.ownerId(), Vectors.fromBytes(v.vector()));
            if (page.size() < STREAM_PAGE) return;
            after = page.get(page.size() - 1).ownerId();
        }
    }

    /** Vectors of the candidates whose id is a multiple of {@code step}: a deterministic sample (reward-model components). */
    public Map<Long, float[]> candidateVectorSample(String modelId, int step) {
        return key(modelId).map(k -> toMap(repo.candidateVectorSample(k, step))).orElseGet(Map::of);
    }

    /** Every prompt vector of the model, in prompt id order. */
    public void forEachPromptVector(String modelId, CandidateVectorConsumer consumer) {
        Optional<Integer> key = key(modelId);
        if (key.isEmpty()) return;
        long after = -1;
        while (true) {
            List<OwnedVector> page = repo.promptVectorsAfter(key.get(), after, STREAM_PAGE);
            for (OwnedVector v : page) consumer.accept(v.ownerId(), Vectors.fromBytes(v.vector()));
            if (page.size() < STREAM_PAGE) return;
            after = page.get(page.size() - 1).ownerId();
        }
    }

    private Optional<Integer> key(String modelId) {
        return repo.findModelKey(modelId);
    }

    private static Map<Long, float[]> toMap(List<OwnedVector> rows) {
        Map<Long, float[]> out = new LinkedHashMap<>();
        for (OwnedVector v : rows) out.put(v.ownerId(), Vectors.fromBytes(v.vector()));
        return out;
    }
}
