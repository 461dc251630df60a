package dev.prefwork.inference;

import dev.prefwork.core.Progress;
import dev.prefwork.store.ExternalScoreRepository;
import dev.prefwork.store.ExternalScoreRepository.PendingPair;
import dev.prefwork.store.ExternalScoreRepository.StoredScore;
import dev.prefwork.store.Workspace;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scores every candidate of a workspace with an external scorer once and keeps the scores, so the
 * "external scorer score ≥ t" LF previews and the baseline ranking read them instead of re-running a model
 * that may take a second per pair. Same contract as {@link EmbeddingService}: one transaction per batch,
 * progress with ETA, cancel after the batch in flight.
 */
public final class ScoringService {

    /** @param pending candidates without a score when the run started; @param computed scored in this run */
    public record Report(String scorerId, long pending, long computed, Duration elapsed) { }

    private final ExternalScoreRepository repo;
    private final int batchPairs;
    private final int pageSize;

    public ScoringService(Workspace workspace) {
        this(workspace.externalScores(), 16, 1_024);
    }

    ScoringService(ExternalScoreRepository repo, int batchPairs, int pageSize) {
        if (batchPairs < 1 || pageSize < batchPairs) throw new IllegalArgumentException("need 1 <= batchPairs <= pageSize");
        this.repo = repo;
        this.batchPairs = batchPairs;
        this.pageSize = pageSize;
    }

    public Report scoreMissing(PairScorer scorer, Progress progress) {
        long start = System.nanoTime();
        int key = repo.scorerKey(scorer.id(), scorer.classes());
        long total = repo.countPending(key);
        EmbeddingService.Eta eta = new EmbeddingService.Eta(total, "Scoring", "candidates");
        progress.update(0, total, eta.message(0, scorer.id()));
        long done = 0, after = -1;
        while (true) {
            progress.checkCancelled();
            List<PendingPair> page = repo.pendingPairs(key, after, pageSize);
            if (page.isEmpty()) break;
            after = page.get(page.size() - 1).candidateId();
            List<PendingPair> sorted = new ArrayList<>(page);
            sorted.sort(Comparator.comparingInt(p -> p.prompt().length() + p.response().length()));
            for (int from = 0; from < sorted.size(); from += batchPairs) {
                progress.checkCancelled();
                List<PendingPair> batch = sorted.subList(from, Math.min(sorted.size(), from + batchPairs));
                List<String> prompts = new ArrayList<>(batch.size()), responses = new ArrayList<>(batch.size());
                for (PendingPair p : batch) {
                    prompts.add(p.prompt());
                    responses.add(p.response());
                }
                List<ExternalScorer.Score> scores = scorer.score(prompts, responses);
                List<StoredScore> rows = new ArrayList<>(batch.size());
                for (int i = 0; i < batch.size(); i++) {
                    float[] p = scores.get(i).probabilities();
                    rows.add(new StoredScore(batch.get(i).candidateId(), scores.get(i).score(), p.length == 0 ? null : Vectors.toBytes(p)));
                }
                repo.putScores(key, rows);
                done += batch.size();
                progress.update(Math.min(done, total), total, eta.message(done, scorer.id()));
            }
        }
        return new Report(scorer.id(), total, done, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Stored scores of the given candidates (absent where not scored yet). */
    public Map<Long, ExternalScorer.Score> scores(String scorerId, Collection<Long> candidateIds) {
        Optional<Integer> key = repo.findScorerKey(scorerId);
        if (key.isEmpty()) return Map.of();
        Map<Long, ExternalScorer.Score> out = new LinkedHashMap<>();
        repo.scores(key.get(), candidateIds).forEach((id, s) -> out.put(id, toScore(s)));
        return out;
    }

    /** Every stored score of the scorer, in candidate id order (the baseline ranker reads them all). */
    public void forEachScore(String scorerId, java.util.function.ObjLongConsumer<ExternalScorer.Score> consumer) {
        Optional<Integer> key = repo.findScorerKey(scorerId);
        if (key.isEmpty()) return;
        long after = -1;
        while (true) {
            List<StoredScore> page = repo.scoresAfter(key.get(), after, 4_096);
            for (StoredScore s : page) consumer.accept(toScore(s), s.candidateId());
            if (page.size() < 4_096) return;
            after = page.get(page.size() - 1).candidateId();
        }
    }

    private static ExternalScorer.Score toScore(StoredScore s) {
        return new ExternalScorer.Score(s.score(), s.probabilities() == null ? new float[0] : Vectors.fromBytes(s.probabilities()));
    }
}
