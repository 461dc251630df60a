package dev.prefwork.app;

import dev.prefwork.core.Progress;
import dev.prefwork.curation.ranking.Ranking;
import dev.prefwork.curation.ranking.RankingSource;
import dev.prefwork.reward.RewardMetrics;
import dev.prefwork.reward.RewardModel;
import dev.prefwork.reward.RewardScores;
import dev.prefwork.reward.RewardService;
import dev.prefwork.store.Workspace;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The latest reward model's scores as curation's ranking (score on the log-odds scale, P(GOOD) = σ(score)). Lives
 * in the composition root because curation does not depend on the reward module (nor it on curation): the
 * pipeline's two ends meet here.
 */
public final class RewardModelRanking implements RankingSource {

    public static final String ID = "reward-model";

    private final RewardService rewards;
    private long cachedModel = -1;
    private double[][] cached;

    public RewardModelRanking(Workspace workspace) {
        this.rewards = new RewardService(workspace);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Reward model score";
    }

    @Override
    public Optional<Ranking> load(Progress progress) {
        Optional<RewardScores> latest = rewards.latestScores();
        if (latest.isEmpty()) return Optional.empty();
        RewardScores s = latest.get();
        Optional<RewardModel> model = rewards.model(s.modelId());
        double[][] sp = doubles(s);
        Map<String, Object> metrics = new LinkedHashMap<>();
        long[] versions = new long[0];
        String kind = "reward model";
        if (model.isPresent()) {
            RewardModel m = model.get();
            kind = m.kind();
            versions = m.lfVersionIds() == null ? new long[0] : m.lfVersionIds().clone();
            Arrays.sort(versions);
            RewardMetrics r = m.metrics();
            metrics.put("reward model", m.kind());
            metrics.put("candidates", m.rows());
            metrics.put("labelled prompts", r.labelledPrompts());
            metrics.put("gold pairs", r.goldPairs());
            for (RewardMetrics.Comparison c : r.comparisons()) {
                if (!Double.isNaN(c.accuracy().accuracy())) metrics.put("held-out pairwise accuracy: " + c.label(), c.accuracy().accuracy());
            }
            if (!Double.isNaN(r.lengthSpearman())) metrics.put("Spearman of score and length", r.lengthSpearman());
            if (m.labelModelRunId() != null) metrics.put("label model run", m.labelModelRunId());
        }
        return Optional.of(new Ranking(ID, s.modelId(), "reward model #" + s.modelId() + " (" + kind + ")", s.stale(),
                s.staleReason(), s.candidateIds(), sp[0], sp[1], versions, metrics));
    }

    /** Scores and P(GOOD) as doubles, each float as its shortest decimal (exports show 1.25, not 1.2500000). */
    private synchronized double[][] doubles(RewardScores s) {
        if (s.modelId() != cachedModel) {
            double[] score = new double[s.scores().length];
            double[] p = new double[s.pGood().length];
            for (int i = 0; i < score.length; i++) score[i] = Double.parseDouble(Float.toString(s.scores()[i]));
            for (int i = 0; i < p.length; i++) p[i] = Double.parseDouble(Float.toString(s.pGood()[i]));
            cached = new double[][]{score, p};
            cachedModel = s.modelId();
        }
        return cached;
    }
}
