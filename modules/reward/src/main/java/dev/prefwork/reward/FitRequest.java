package dev.prefwork.reward;

import dev.prefwork.reward.features.FeatureSpec;
import dev.prefwork.reward.train.LinearScorer;
import dev.prefwork.reward.train.MlpScorer;
import dev.prefwork.reward.train.RewardLoss;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What to fit.
 *
 * @param kind              {@value LinearScorer#KIND} (default: explainable, fast) or {@value MlpScorer#KIND}
 * @param features          the feature groups and embedding settings
 * @param l2                L2 strength λ on the weights (see {@code Trainer})
 * @param embeddingPenalty  the multiple of λ the embedding components get: they are many and each says little
 * @param lossWeights       weights of the soft-label, gold-label and pairwise terms
 * @param folds             k of the k-fold evaluation (by prompt)
 * @param seed              folds' shuffle and the MLP's initial weights: the same seed, the same model
 * @param hidden            hidden units of the MLP
 * @param maxIterations     L-BFGS iterations of the final fit (each fold gets half, warm-started)
 * @param refreshLabelModel refit the label model first when it is missing or stale
 * @param externalScorer    a folder with an ONNX scorer (model.onnx + tokenizer.json) to compare against, or null
 * @param updateReviewQueue replace the rankings' flags in the needs-review queue with this model's
 * @param lengthControl     whether length is held at the prompt's median when scoring (see {@link LengthControl})
 * @param goldWeight        the weight of gold (labels and pairs) relative to the weak labels: {@link #AUTO_GOLD_WEIGHT}
 *                          chooses it from {@link #GOLD_WEIGHT_GRID} by k-fold on gold, {@link #GOLD_ONLY} drops the
 *                          weak labels, any other value ≥ 0 multiplies the gold terms' weights
 * @param pairTargets       weak pairwise targets given with the request (the service adds its source's)
 */
public record FitRequest(String kind, FeatureSpec features, double l2, double embeddingPenalty, RewardLoss.Weights lossWeights,
                         int folds, long seed, int hidden, int maxIterations, boolean refreshLabelModel, Path externalScorer,
                         boolean updateReviewQueue, LengthControl lengthControl, double goldWeight, List<PairTarget> pairTargets) {

    public static final double DEFAULT_L2 = 0.01;
    public static final double DEFAULT_EMBEDDING_PENALTY = 4;
    public static final int DEFAULT_FOLDS = 5;
    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_ITERATIONS = 200;
    /** {@link #goldWeight} for "choose by cross-validation on gold". */
    public static final double AUTO_GOLD_WEIGHT = Double.NaN;
    /** {@link #goldWeight} for "gold alone, no weak labels". */
    public static final double GOLD_ONLY = Double.POSITIVE_INFINITY;
    /** The gold weights cross-validation chooses from (the last: gold alone). */
    public static final List<Double> GOLD_WEIGHT_GRID = List.of(0.5, 1.0, 2.0, 4.0, 8.0, GOLD_ONLY);

    public static final List<String> KINDS = List.of(LinearScorer.KIND, MlpScorer.KIND);

    public FitRequest {
        Objects.requireNonNull(kind);
        if (!KINDS.contains(kind)) throw new IllegalArgumentException("unknown reward model '" + kind + "'; choose linear or mlp");
        features = features == null ? FeatureSpec.defaults() : features;
        if (!(l2 >= 0) || Double.isInfinite(l2)) throw new IllegalArgumentException("--l2 must be a number ≥ 0, not " + l2);
        if (!(embeddingPenalty >= 0)) throw new IllegalArgumentException("the embedding penalty must be ≥ 0");
        lossWeights = lossWeights == null ? RewardLoss.Weights.defaults() : lossWeights;
        if (folds < 2) throw new IllegalArgumentException("--folds must be at least 2, not " + folds);
        if (hidden < 1 || hidden > 256) throw new IllegalArgumentException("--hidden must be 1 to 256, not " + hidden);
        if (maxIterations < 1) throw new IllegalArgumentException("--iterations must be at least 1");
        lengthControl = lengthControl == null ? LengthControl.AUTO : lengthControl;
        if (goldWeight < 0) throw new IllegalArgumentException("--gold-weight must be auto, gold-only or a number ≥ 0, not " + goldWeight);
        pairTargets = pairTargets == null ? List.of() : List.copyOf(pairTargets);
    }

    public static FitRequest defaults() {
        return new FitRequest(LinearScorer.KIND, FeatureSpec.defaults(), DEFAULT_L2, DEFAULT_EMBEDDING_PENALTY,
                RewardLoss.Weights.defaults(), DEFAULT_FOLDS, DEFAULT_SEED, MlpScorer.DEFAULT_HIDDEN, DEFAULT_ITERATIONS, true, null, true,
                LengthControl.AUTO, AUTO_GOLD_WEIGHT, List.of());
    }

    public boolean autoGoldWeight() {
        return Double.isNaN(goldWeight);
    }

    /** "auto", "gold-only" or the number. */
    public static String goldWeightText(double w) {
        if (Double.isNaN(w)) return "auto";
        if (Double.isInfinite(w)) return "gold-only";
        return w == Math.rint(w) ? String.valueOf((long) w) : String.valueOf(w);
    }

    /** Parses {@link #goldWeightText}'s forms. */
    public static double parseGoldWeight(String s) {
        String t = s.strip().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("auto")) return AUTO_GOLD_WEIGHT;
        if (t.equals("gold-only") || t.equals("gold")) return GOLD_ONLY;
        try {
            double v = Double.parseDouble(t);
            if (v >= 0 && !Double.isInfinite(v)) return v;
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw new IllegalArgumentException("--gold-weight must be auto, gold-only or a number ≥ 0, not '" + s + "'");
    }

    /** The loss weights for gold weight {@code w} (see {@link #goldWeight}; not auto). */
    public RewardLoss.Weights lossWeightsFor(double w) {
        return Double.isInfinite(w) ? lossWeights.goldOnly() : lossWeights.withGoldScaled(w);
    }

    private FitRequest copy(String kind, FeatureSpec features, double l2, double embeddingPenalty, RewardLoss.Weights lossWeights,
                            int folds, long seed, int hidden, int maxIterations, boolean refreshLabelModel, Path externalScorer,
                            boolean updateReviewQueue) {
        return new FitRequest(kind, features, l2, embeddingPenalty, lossWeights, folds, seed, hidden, maxIterations, refreshLabelModel,
                externalScorer, updateReviewQueue, lengthControl, goldWeight, pairTargets);
    }

    public FitRequest withKind(String k) {
        return copy(k, features, l2, embeddingPenalty, lossWeights, folds, seed, hidden, maxIterations, refreshLabelModel,
                externalScorer, updateReviewQueue);
    }

    public FitRequest withFeatures(FeatureSpec f) {
        return copy(kind, f, l2, embeddingPenalty, lossWeights, folds, seed, hidden, maxIterations, refreshLabelModel,
                externalScorer, updateReviewQueue);
    }

    public FitRequest withL2(double v) {
        return copy(kind, features, v, embeddingPenalty, lossWeights, folds, seed, hidden, maxIterations, refreshLabelModel,
                externalScorer, updateReviewQueue);
    }

    public FitRequest withEmbeddingPenalty(double v) {
        return copy(kind, features, l2, v, lossWeights, folds, seed, hidden, maxIterations, refreshLabelModel,
                externalScorer, updateReviewQueue);
    }

    public FitRequest withLossWeights(RewardLoss.Weights w) {
        return copy(kind, features, l2, embeddingPenalty, w, folds, seed, hidden, maxIterations, refreshLabelModel,
                externalScorer, updateReviewQueue);
    }

    public FitRequest withFolds(int k) {
        return copy(kind, features, l2, embeddingPenalty, lossWeights, k, seed, hidden, maxIterations, refreshLabelModel,
                externalScorer, updateReviewQueue);
    }

    public FitRequest withSeed(long s) {
        return copy(kind, features, l2, embeddingPenalty, lossWeights, folds, s, hidden, maxIterations, refreshLabelModel,
                externalScorer, updateReviewQueue);
    }

    public FitRequest withHidden(int h) {
        return copy(kind, features, l2, embeddingPenalty, lossWeights, folds, seed, h, maxIterations, refreshLabelModel,
                externalScorer, updateReviewQueue);
    }

    public FitRequest withMaxIterations(int n) {
        return copy(kind, features, l2, embeddingPenalty, lossWeights, folds, seed, hidden, n, refreshLabelModel,
                externalScorer, updateReviewQueue);
    }

    public FitRequest withExternalScorer(Path folder) {
        return copy(kind, features, l2, embeddingPenalty, lossWeights, folds, seed, hidden, maxIterations, refreshLabelModel,
                folder, updateReviewQueue);
    }

    public FitRequest withUpdateReviewQueue(boolean b) {
        return copy(kind, features, l2, embeddingPenalty, lossWeights, folds, seed, hidden, maxIterations, refreshLabelModel,
                externalScorer, b);
    }

    public FitRequest withRefreshLabelModel(boolean b) {
        return copy(kind, features, l2, embeddingPenalty, lossWeights, folds, seed, hidden, maxIterations, b,
                externalScorer, updateReviewQueue);
    }

    public FitRequest withLengthControl(LengthControl c) {
        return new FitRequest(kind, features, l2, embeddingPenalty, lossWeights, folds, seed, hidden, maxIterations, refreshLabelModel,
                externalScorer, updateReviewQueue, c, goldWeight, pairTargets);
    }

    public FitRequest withGoldWeight(double w) {
        return new FitRequest(kind, features, l2, embeddingPenalty, lossWeights, folds, seed, hidden, maxIterations, refreshLabelModel,
                externalScorer, updateReviewQueue, lengthControl, w, pairTargets);
    }

    public FitRequest withPairTargets(List<PairTarget> t) {
        return new FitRequest(kind, features, l2, embeddingPenalty, lossWeights, folds, seed, hidden, maxIterations, refreshLabelModel,
                externalScorer, updateReviewQueue, lengthControl, goldWeight, t);
    }

    /** The comparative LFs' pairs' weight in the loss (relative to the soft labels' 1). */
    public FitRequest withPairTargetWeight(double w) {
        return withLossWeights(lossWeights.withPairTargets(w));
    }
}
