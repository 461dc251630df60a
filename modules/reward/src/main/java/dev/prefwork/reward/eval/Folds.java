package dev.prefwork.reward.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * k-fold cross-validation by prompt: the labelled prompts are shuffled with a seed and dealt round-robin into k
 * folds, so each fold holds out whole prompts (a model never sees gold from the prompt it is tested on) and the folds
 * differ in size by at most one. Unlabelled prompts are in no fold: their candidates are always available for the
 * unsupervised (label-model) part of the loss.
 */
public final class Folds {

    public static final int NONE = -1;

    private Folds() {
    }

    /** Fold of each prompt ({@link #NONE} for unlabelled ones); k is capped at the number of labelled prompts. */
    public static int[] assign(boolean[] labelled, int k, long seed) {
        List<Integer> order = new ArrayList<>();
        for (int p = 0; p < labelled.length; p++) if (labelled[p]) order.add(p);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = order.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Integer t = order.get(i);
            order.set(i, order.get(j));
            order.set(j, t);
        }
        int folds = Math.min(k, order.size());
        int[] fold = new int[labelled.length];
        java.util.Arrays.fill(fold, NONE);
        for (int i = 0; i < order.size(); i++) fold[order.get(i)] = i % folds;
        return fold;
    }

    /** Number of folds in an assignment. */
    public static int count(int[] fold) {
        int max = NONE;
        for (int f : fold) max = Math.max(max, f);
        return max + 1;
    }
}
