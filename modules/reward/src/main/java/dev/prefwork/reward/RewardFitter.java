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

    /** The multiple of λ the length columns get under length control. */
    static final double NUISANCE_PENALTY = 0.1;

    /**
     * @param gold      gold per row: 1 GOOD, −1 BAD, 0 none
     * @param scores    the model's score per row (length held at the median when length control was applied)
     * @param oof       held-out score per row, NaN for rows of prompts in no fold
     * @param foldOfPrompt the fold of each prompt, {@link Folds#NONE} when not held out
     * @param scoring   the matrix the scores and contributions come from ({@code x} at the prompts' median length when
     *                  length control was applied)
     * @param otherScores the other ranking per row: the plain model's scores when length control was applied, the
     *                  length-controlled model's otherwise; null when the features have no length columns
     */
    record Outcome(Scorer scorer, double[] theta, double[] scores, double[] oof, double[][] foldTheta, int[] foldOfPrompt,
                   GoldPairs pairs, byte[] gold, RewardMetrics metrics, FeatureMatrix scoring, double[] otherScores) {
    }

    private RewardFitter() {
    }

    static Scorer scorer(FitRequest request, int features) {
        return request.kind().equals(MlpScorer.KIND) ? new MlpScorer(features, request.hidden()) : new LinearScorer(features);
    }

    /** The fit's fixed inputs, so each of its several fits (plain, length-controlled, per fold, per gold weight) is one call. */
    private record Setup(int[] soft, float[] q, byte[] gold, GoldPairs pairs, int[][] pairTargets, CandidateIndex index) {

        RewardLoss.Targets of(java.util.function.IntPredicate keepPrompt) {
            return withTargets(targets(soft, q, gold, pairs, keepPrompt, index), pairTargets);
        }
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
        // length control: the length columns barely penalised (a nuisance covariate takes all the length effect it can,
        // so the features that merely correlate with length keep none of it; a tenth of λ, not 0, so gold that length
        // alone separates cannot send its weight to infinity), scored with length at the prompt's median
        int[] lengthColumns = LengthNuisance.columns(x);
        boolean lengthAvailable = lengthColumns.length > 0;
        FeatureMatrix atMedian = lengthAvailable ? LengthNuisance.atMedian(x, index, lengthColumns) : x;
        double[] nuisancePenalty = penalty.clone();
        for (int j : lengthColumns) nuisancePenalty[j] = NUISANCE_PENALTY;
        Trainer nuisanceTrainer = new Trainer(scorer, x, request.l2(), nuisancePenalty);

        // soft labels where an LF voted; gold labels; gold pairs; the comparative LFs' pair targets
        List<Integer> softRows = new ArrayList<>();
        for (int r = 0; r < n; r++) if (!Float.isNaN(f.labelModelP()[r]) && f.voted(r)) softRows.add(r);
        int[] soft = softRows.stream().mapToInt(Integer::intValue).toArray();
        float[] q = new float[soft.length];
        for (int k = 0; k < soft.length; k++) q[k] = f.labelModelP()[soft[k]];
        int[][] pairTargets = pairTargetRows(request.pairTargets(), index);
        boolean[] labelled = new boolean[index.prompts()];
        for (int r = 0; r < n; r++) if (gold[r] != 0) labelled[index.promptOf(r)] = true;
        for (GoldPairs.Pair p : pairs.pairs()) labelled[p.prompt()] = true;
        int labelledCount = 0;
        for (boolean b : labelled) if (b) labelledCount++;
        int goldLabels = 0;
        for (byte g : gold) if (g != 0) goldLabels++;
        if (soft.length == 0 && goldLabels == 0 && pairs.size() == 0 && pairTargets[0].length == 0) {
            throw new IllegalStateException("nothing to learn from yet: write and enable some labeling functions, or label some"
                    + " candidates in Compare & label");
        }

        int folds = labelledCount >= MIN_LABELLED_PROMPTS ? Math.min(request.folds(), labelledCount) : 0;
        boolean weak = soft.length > 0 || pairTargets[0].length > 0;
        boolean prefit = weak && (goldLabels > 0 || pairs.size() > 0);
        List<Double> grid = request.autoGoldWeight() && folds > 0 && weak ? FitRequest.GOLD_WEIGHT_GRID
                : List.of(request.autoGoldWeight() ? 1.0 : request.goldWeight());
        // prefit, plain, controlled, the grid's folds, and up to two refits at the chosen weight
        int totalIterations = request.maxIterations() * ((prefit ? 1 : 0) + 2 + folds * grid.size() + (grid.size() > 1 ? 2 : 0));
        int[] done = {0};
        Lbfgs.Listener listener = (it, value) -> {
            progress.checkCancelled();
            done[0]++;
            progress.update(Math.min(done[0], totalIterations), totalIterations,
                    String.format(java.util.Locale.ROOT, "Training the reward model: iteration %d, loss %.4f", it, value));
        };
        Lbfgs.Options options = Lbfgs.Options.defaults().withMaxIterations(request.maxIterations());
        Setup setup = new Setup(soft, q, gold, pairs, pairTargets, index);

        // The fits start from a fit on the weak labels alone: it holds no gold, so starting a fold there leaks nothing
        // of the fold's held-out prompts (a start from the final fit would, wherever the optimiser stops short).
        double[] start = scorer.initial(request.seed());
        if (prefit) {
            RewardLoss weakOnly = new RewardLoss(withTargets(targets(soft, q, new byte[n], GoldPairs.of(List.of()), p -> true, index),
                    pairTargets), request.lossWeights());
            start = trainer.fit(weakOnly, start, options, listener).theta();
        }
        // the plain model decides whether length control applies (auto)
        double w0 = grid.size() == 1 ? grid.get(0) : 1.0;
        Lbfgs.Result plain = trainer.fit(new RewardLoss(setup.of(p -> true), request.lossWeightsFor(w0)), start, options, listener);
        double[] plainScores = score(scorer, x, plain.theta());
        double[] chars = Arrays.stream(index.chars()).asDoubleStream().toArray();
        double plainRho = Spearman.of(plainScores, chars), plainRhoWithin = withinPromptSpearman(index, plainScores, chars);
        List<String> notes = new ArrayList<>(f.notes());
        boolean wanted = request.lengthControl().applies(plainRhoWithin, plainRho);
        boolean applied = wanted && lengthAvailable;
        if (wanted && !lengthAvailable) {
            notes.add("length control needs the text statistics features (they hold the length it holds at the median): not applied");
        }
        Trainer chosen = applied ? nuisanceTrainer : trainer;
        FeatureMatrix scoring = applied ? atMedian : x;

        // k-fold by prompt, once per gold weight of the grid; the best held-out pairwise accuracy wins
        int[] foldOf = folds > 0 ? Folds.assign(labelled, folds, request.seed()) : filled(index.prompts(), Folds.NONE);
        double[] oof = null;
        double[][] foldTheta = new double[folds][];
        int foldIterations = 0;
        List<RewardMetrics.GoldWeightPoint> curve = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY, chosenWeight = grid.get(0);
        // each weight's fold k starts where the previous weight's fold k ended: trained without the same prompts' gold,
        // so it leaks nothing, and the neighbouring weight's optimum is close (far fewer iterations than from the start)
        double[][] warm = new double[folds][];
        for (double w : grid) {
            double[] o = new double[n];
            Arrays.fill(o, Double.NaN);
            double[][] thetas = new double[folds][];
            for (int k = 0; k < folds; k++) {
                int fold = k;
                Lbfgs.Result r = chosen.fit(new RewardLoss(setup.of(p -> foldOf[p] != fold), request.lossWeightsFor(w)),
                        warm[k] == null ? start : warm[k], options, listener);
                warm[k] = r.theta();
                foldIterations += r.iterations();
                thetas[k] = r.theta();
                double[] s = score(scorer, scoring, r.theta());
                for (int row = 0; row < n; row++) if (foldOf[index.promptOf(row)] == fold) o[row] = s[row];
            }
            double acc = folds > 0 ? PairwiseAccuracy.of(pairs, o, 1e-9).accuracy() : Double.NaN;
            curve.add(new RewardMetrics.GoldWeightPoint(FitRequest.goldWeightText(w), w, acc));
            // strictly better only: ties keep the earlier (smaller) weight
            if (oof == null || acc > best + 1e-12) {
                best = acc;
                chosenWeight = w;
                oof = o;
                foldTheta = thetas;
            }
        }
        if (grid.size() > 1) {
            notes.add(String.format(java.util.Locale.ROOT, "gold weight %s chosen by %d-fold cross-validation on your gold (its held-out"
                    + " accuracy is a little optimistic: it was chosen on the same folds)", FitRequest.goldWeightText(chosenWeight), folds));
        }

        // the final fits at the chosen weight: the model, and the other ranking beside it
        RewardLoss full = new RewardLoss(setup.of(p -> true), request.lossWeightsFor(chosenWeight));
        Lbfgs.Result result;
        if (chosenWeight == w0 && !applied) {
            result = plain;
        } else {
            result = chosen.fit(full, start, options, listener);
            if (!applied) plainScores = score(scorer, x, result.theta());
        }
        double[] scores = score(scorer, scoring, result.theta());
        double[] otherScores = null;
        if (lengthAvailable) {
            if (applied) {
                if (chosenWeight != w0) plainScores = score(scorer, x, trainer.fit(full, start, options, listener).theta());
                otherScores = plainScores;
            } else {
                otherScores = score(scorer, atMedian, nuisanceTrainer.fit(full, start, options, listener).theta());
            }
        }
        long trainMs = (System.nanoTime() - t0) / 1_000_000;
        progress.update(totalIterations, totalIterations, "Measuring the reward model");

        // metrics
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
            comparisons.add(new RewardMetrics.Comparison(RewardMetrics.LENGTH, "Longer is better",
                    PairwiseAccuracy.of(held, chars, 0).withPerFold(perFold(held, chars, foldOf, folds))));
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
        double rhoAll = Spearman.of(scores, chars);
        double rhoWithin = withinPromptSpearman(index, scores, chars);
        boolean warn = rhoAll >= RewardMetrics.LENGTH_WARNING || rhoWithin >= RewardMetrics.LENGTH_WARNING;
        RewardMetrics.External ext = external == null ? null
                : new RewardMetrics.External(externalId, top1Agreement(index, scores, external), withinPromptSpearman(index, scores, external));
        double[] controlled = applied ? scores : otherScores;
        double[] plainFinal = applied ? otherScores : scores;
        String reason = switch (request.lengthControl()) {
            case ON -> "asked for";
            case OFF -> "switched off";
            case AUTO -> String.format(java.util.Locale.ROOT, "the plain model's score–length ρ within prompts is %.2f, %s the %.2f threshold",
                    plainRhoWithin, wanted ? "at or above" : "below", LengthControl.AUTO_THRESHOLD);
        };
        RewardMetrics.Length length = new RewardMetrics.Length(request.lengthControl().key(), applied, lengthAvailable,
                LengthControl.AUTO_THRESHOLD, Spearman.of(plainFinal, chars), withinPromptSpearman(index, plainFinal, chars),
                controlled == null ? Double.NaN : Spearman.of(controlled, chars),
                controlled == null ? Double.NaN : withinPromptSpearman(index, controlled, chars), reason);
        RewardMetrics.GoldWeight goldWeight = new RewardMetrics.GoldWeight(FitRequest.goldWeightText(chosenWeight), grid.size() > 1,
                grid.size() > 1 ? List.copyOf(curve) : List.of());
        RewardMetrics metrics = new RewardMetrics(folds, labelledCount, pairs.size(), goldLabels, soft.length, comparisons,
                PairwiseAccuracy.of(pairs, scores, 1e-9), rhoAll, rhoWithin, warn, calibration,
                new RewardMetrics.Training(result.iterations(), result.value(), result.converged(), foldIterations, trainMs), ext,
                List.copyOf(notes), length, goldWeight, pairTargets[0].length);
        return new Outcome(scorer, result.theta(), scores, oof == null ? filledNaN(n) : oof, foldTheta, foldOf, pairs, gold, metrics,
                scoring, otherScores);
    }

    private static double[] score(Scorer scorer, FeatureMatrix x, double[] theta) {
        double[] s = new double[x.rows()];
        scorer.score(x, theta, s);
        return s;
    }

    private static double[] filledNaN(int n) {
        double[] a = new double[n];
        Arrays.fill(a, Double.NaN);
        return a;
    }

    /**
     * The pair targets as rows: {preferred, other} and their weights (as float bits in a third array); targets naming a
     * candidate outside the features or two prompts' candidates are left out.
     */
    static int[][] pairTargetRows(List<PairTarget> targets, CandidateIndex index) {
        List<int[]> rows = new ArrayList<>();
        for (PairTarget t : targets) {
            int a = index.rowOf(t.preferred()), b = index.rowOf(t.other());
            if (a < 0 || b < 0 || index.promptOf(a) != index.promptOf(b)) continue;
            rows.add(new int[]{a, b, Float.floatToIntBits((float) t.weight())});
        }
        int[][] out = new int[3][rows.size()];
        for (int k = 0; k < rows.size(); k++) for (int i = 0; i < 3; i++) out[i][k] = rows.get(k)[i];
        return out;
    }

    private static RewardLoss.Targets withTargets(RewardLoss.Targets t, int[][] pairTargets) {
        float[] w = new float[pairTargets[2].length];
        for (int k = 0; k < w.length; k++) w[k] = Float.intBitsToFloat(pairTargets[2][k]);
        return new RewardLoss.Targets(t.softRows(), t.softQ(), t.goldRows(), t.goldY(), t.winners(), t.losers(), t.pairWeights(),
                pairTargets[0], pairTargets[1], w);
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
