package dev.prefwork.reward;

import dev.prefwork.core.Progress;
import dev.prefwork.reward.eval.Calibration;
import dev.prefwork.reward.eval.Folds;
import dev.prefwork.reward.eval.PairwiseAccuracy;
import dev.prefwork.reward.eval.Spearman;
import dev.prefwork.reward.features.CandidateIndex;
import dev.prefwork.reward.features.FeatureGroup;
import dev.prefwork.reward.features.FeatureMatrix;
import dev.prefwork.reward.features.Features;
import dev.prefwork.reward.train.GoldPairs;
import dev.prefwork.reward.train.Lbfgs;
import dev.prefwork.reward.train.LinearScorer;
import dev.prefwork.reward.train.MlpScorer;
import dev.prefwork.reward.train.RewardLoss;
import dev.prefwork.reward.train.Scorer;
import dev.prefwork.reward.train.Trainer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Trains and evaluates one reward model on built features, without touching the workspace: the final fit on every
 * target, then k-fold by prompt (each fold refitted without its prompts' gold) for the held-out scores every metric
 * is computed from, with the baselines on the same pairs. Every fit starts from a fit on the soft labels alone.
 */
final class RewardFitter {

    /** Fewest labelled prompts for a k-fold evaluation. */
    static final int MIN_LABELLED_PROMPTS = 4;

    /**
     * @param gold      gold per row: 1 GOOD, −1 BAD, 0 none
     * @param oof       held-out score per row, NaN for rows of prompts in no fold
     * @param foldOfPrompt the fold of each prompt, {@link Folds#NONE} when not held out
     */
    record Outcome(Scorer scorer, double[] theta, double[] scores, double[] oof, double[][] foldTheta, int[] foldOfPrompt,
                   GoldPairs pairs, byte[] gold, RewardMetrics metrics) {
    }

    private RewardFitter() {
    }

    static Scorer scorer(FitRequest request, int features) {
        return request.kind().equals(MlpScorer.KIND) ? new MlpScorer(features, request.hidden()) : new LinearScorer(features);
    }

    /**
     * @param external an external scorer's score per row (NaN where it has none), or null
     */
    static Outcome fit(Features f, GoldPairs pairs, byte[] gold, FitRequest request, double[] external, String externalId,
                       Progress progress) {
        long t0 = System.nanoTime();
        FeatureMatrix x = f.matrix();
        CandidateIndex index = f.index();
        int n = x.rows();
        Scorer scorer = scorer(request, x.cols());
        double[] penalty = new double[x.cols()];
        for (int j = 0; j < x.cols(); j++) {
            penalty[j] = x.columns().get(j).group() == FeatureGroup.EMBEDDING ? request.embeddingPenalty() : 1;
        }
        Trainer trainer = new Trainer(scorer, x, request.l2(), penalty);

        // soft labels where an LF voted; gold labels; gold pairs
        List<Integer> softRows = new ArrayList<>();
        for (int r = 0; r < n; r++) if (!Float.isNaN(f.labelModelP()[r]) && f.voted(r)) softRows.add(r);
        int[] soft = softRows.stream().mapToInt(Integer::intValue).toArray();
        float[] q = new float[soft.length];
        for (int k = 0; k < soft.length; k++) q[k] = f.labelModelP()[soft[k]];
        boolean[] labelled = new boolean[index.prompts()];
        for (int r = 0; r < n; r++) if (gold[r] != 0) labelled[index.promptOf(r)] = true;
        for (GoldPairs.Pair p : pairs.pairs()) labelled[p.prompt()] = true;
        int labelledCount = 0;
        for (boolean b : labelled) if (b) labelledCount++;
        int goldLabels = 0;
        for (byte g : gold) if (g != 0) goldLabels++;
        if (soft.length == 0 && goldLabels == 0 && pairs.size() == 0) {
            throw new IllegalStateException("nothing to learn from yet: write and enable some labeling functions, or label some"
                    + " candidates in Compare & label");
        }

        int folds = labelledCount >= MIN_LABELLED_PROMPTS ? Math.min(request.folds(), labelledCount) : 0;
        boolean prefit = soft.length > 0 && (goldLabels > 0 || pairs.size() > 0);
        int totalIterations = request.maxIterations() * (1 + folds + (prefit ? 1 : 0));
        int[] done = {0};
        Lbfgs.Listener listener = (it, value) -> {
            progress.checkCancelled();
            done[0]++;
            progress.update(Math.min(done[0], totalIterations), totalIterations,
                    String.format(java.util.Locale.ROOT, "Training the reward model: iteration %d, loss %.4f", it, value));
        };

        // The fits start from a fit on the soft labels alone: it holds no gold, so starting a fold there leaks nothing
        // of the fold's held-out prompts (a start from the final fit would, wherever the optimiser stops short).
        Lbfgs.Options options = Lbfgs.Options.defaults().withMaxIterations(request.maxIterations());
        double[] start = scorer.initial(request.seed());
        if (prefit) {
            RewardLoss softOnly = new RewardLoss(targets(soft, q, new byte[n], GoldPairs.of(List.of()), p -> true, index),
                    request.lossWeights());
            start = trainer.fit(softOnly, start, options, listener).theta();
        }
        RewardLoss full = new RewardLoss(targets(soft, q, gold, pairs, p -> true, index), request.lossWeights());
        Lbfgs.Result result = trainer.fit(full, start, options, listener);
        double[] scores = new double[n];
        scorer.score(x, result.theta(), scores);

        // k-fold by prompt
        int[] foldOf = folds > 0 ? Folds.assign(labelled, folds, request.seed()) : filled(index.prompts(), Folds.NONE);
        double[] oof = new double[n];
        Arrays.fill(oof, Double.NaN);
        double[][] foldTheta = new double[folds][];
        int foldIterations = 0;
        for (int k = 0; k < folds; k++) {
            int fold = k;
            done[0] = (prefit ? request.maxIterations() : 0) + request.maxIterations() * (1 + k);
            RewardLoss train = new RewardLoss(targets(soft, q, gold, pairs, p -> foldOf[p] != fold, index), request.lossWeights());
            Lbfgs.Result r = trainer.fit(train, start, options, listener);
            foldIterations += r.iterations();
            foldTheta[k] = r.theta();
            double[] s = new double[n];
            scorer.score(x, r.theta(), s);
            for (int row = 0; row < n; row++) if (foldOf[index.promptOf(row)] == fold) oof[row] = s[row];
        }
        long trainMs = (System.nanoTime() - t0) / 1_000_000;
        progress.update(totalIterations, totalIterations, "Measuring the reward model");

        // metrics
        List<String> notes = new ArrayList<>(f.notes());
        List<RewardMetrics.Comparison> comparisons = new ArrayList<>();
        Calibration calibration = null;
        if (folds > 0) {
            GoldPairs held = pairs; // every gold pair's prompt is in exactly one fold
            comparisons.add(new RewardMetrics.Comparison(RewardMetrics.MODEL, "Reward model (held out)",
                    PairwiseAccuracy.of(held, oof, 1e-9).withPerFold(perFold(held, oof, foldOf, folds))));
            double[] lm = new double[n];
            for (int r = 0; r < n; r++) lm[r] = Float.isNaN(f.labelModelP()[r]) ? 0.5 : f.labelModelP()[r];
            if (f.labelModelRun() != null) {
                comparisons.add(new RewardMetrics.Comparison(RewardMetrics.LABEL_MODEL, "Label model P(GOOD)",
                        PairwiseAccuracy.of(held, lm, 1e-6).withPerFold(perFold(held, lm, foldOf, folds))));
            }
            double[] votes = new double[n];
            for (int r = 0; r < n; r++) votes[r] = f.netVotes(r);
            comparisons.add(new RewardMetrics.Comparison(RewardMetrics.LF_MAJORITY, "LF majority vote",
                    PairwiseAccuracy.of(held, votes, 0).withPerFold(perFold(held, votes, foldOf, folds))));
            double[] length = new double[n];
            for (int r = 0; r < n; r++) length[r] = index.chars(r);
            comparisons.add(new RewardMetrics.Comparison(RewardMetrics.LENGTH, "Longer is better",
                    PairwiseAccuracy.of(held, length, 0).withPerFold(perFold(held, length, foldOf, folds))));
            if (external != null) {
                comparisons.add(new RewardMetrics.Comparison(RewardMetrics.EXTERNAL, "External scorer",
                        PairwiseAccuracy.of(held, external, 0).withPerFold(perFold(held, external, foldOf, folds))));
            }
            List<Double> predicted = new ArrayList<>();
            List<Boolean> good = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                if (gold[r] != 0 && !Double.isNaN(oof[r])) {
                    predicted.add(RewardLoss.sigmoid(oof[r]));
                    good.add(gold[r] > 0);
                }
            }
            double[] pr = predicted.stream().mapToDouble(Double::doubleValue).toArray();
            boolean[] gd = new boolean[good.size()];
            for (int i = 0; i < gd.length; i++) gd[i] = good.get(i);
            calibration = Calibration.of(pr, gd, Calibration.DEFAULT_BINS);
        } else {
            notes.add(String.format("only %d labelled prompt%s: label at least %d prompts in Compare & label for the held-out"
                    + " accuracy and the baselines", labelledCount, labelledCount == 1 ? "" : "s", MIN_LABELLED_PROMPTS));
        }
        double rhoAll = Spearman.of(scores, Arrays.stream(index.chars()).asDoubleStream().toArray());
        double rhoWithin = withinPromptSpearman(index, scores, Arrays.stream(index.chars()).asDoubleStream().toArray());
        boolean warn = rhoAll >= RewardMetrics.LENGTH_WARNING || rhoWithin >= RewardMetrics.LENGTH_WARNING;
        RewardMetrics.External ext = external == null ? null
                : new RewardMetrics.External(externalId, top1Agreement(index, scores, external), withinPromptSpearman(index, scores, external));
        RewardMetrics metrics = new RewardMetrics(folds, labelledCount, pairs.size(), goldLabels, soft.length, comparisons,
                PairwiseAccuracy.of(pairs, scores, 1e-9), rhoAll, rhoWithin, warn, calibration,
                new RewardMetrics.Training(result.iterations(), result.value(), result.converged(), foldIterations, trainMs), ext,
                List.copyOf(notes));
        return new Outcome(scorer, result.theta(), scores, oof, foldTheta, foldOf, pairs, gold, metrics);
    }

    /** The loss targets with gold only from prompts {@code keepPrompt} accepts (soft labels are kept everywhere). */
    static RewardLoss.Targets targets(int[] soft, float[] q, byte[] gold, GoldPairs pairs, java.util.function.IntPredicate keepPrompt,
                                      CandidateIndex index) {
        List<Integer> goldRows = new ArrayList<>();
        for (int r = 0; r < gold.length; r++) if (gold[r] != 0 && keepPrompt.test(index.promptOf(r))) goldRows.add(r);
        int[] g = goldRows.stream().mapToInt(Integer::intValue).toArray();
        float[] y = new float[g.length];
        for (int k = 0; k < g.length; k++) y[k] = gold[g[k]] > 0 ? 1 : 0;
        GoldPairs kept = pairs.filter(keepPrompt);
        int m = kept.size();
        int[] w = new int[m], l = new int[m];
        float[] c = new float[m];
        for (int k = 0; k < m; k++) {
            GoldPairs.Pair p = kept.pairs().get(k);
            w[k] = p.winner();
            l[k] = p.loser();
            c[k] = p.weight();
        }
        return new RewardLoss.Targets(soft, q, g, y, w, l, c);
    }

    private static List<Double> perFold(GoldPairs pairs, double[] scores, int[] foldOf, int folds) {
        List<Double> out = new ArrayList<>(folds);
        for (int k = 0; k < folds; k++) {
            int fold = k;
            out.add(PairwiseAccuracy.of(pairs.filter(p -> foldOf[p] == fold), scores, 0).accuracy());
        }
        return out;
    }

    static double withinPromptSpearman(CandidateIndex index, double[] a, double[] b) {
        double sum = 0;
        int count = 0;
        for (int p = 0; p < index.prompts(); p++) {
            int[] rows = index.rowsOf(p);
            if (rows.length < 3) continue;
            double[] x = new double[rows.length], y = new double[rows.length];
            for (int i = 0; i < rows.length; i++) {
                x[i] = a[rows[i]];
                y[i] = b[rows[i]];
            }
            double rho = Spearman.of(x, y);
            if (!Double.isNaN(rho)) {
                sum += rho;
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    static double top1Agreement(CandidateIndex index, double[] a, double[] b) {
        int agree = 0, count = 0;
        for (int p = 0; p < index.prompts(); p++) {
            int[] rows = index.rowsOf(p);
            if (rows.length < 2) continue;
            int ta = rows[0], tb = rows[0];
            boolean any = false;
            for (int r : rows) {
                if (a[r] > a[ta]) ta = r;
                if (!Double.isNaN(b[r])) any = true;
                if (!Double.isNaN(b[r]) && (Double.isNaN(b[tb]) || b[r] > b[tb])) tb = r;
            }
            if (!any) continue;
            count++;
            if (ta == tb) agree++;
        }
        return count == 0 ? Double.NaN : (double) agree / count;
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }
}
