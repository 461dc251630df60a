package dev.prefwork.reward;

import dev.prefwork.reward.eval.Calibration;
import dev.prefwork.reward.eval.PairwiseAccuracy;

import java.util.List;
import java.util.Optional;

/**
 * What the expert sees before trusting a reward model (DESIGN §7): held-out pairwise accuracy on their gold pairs,
 * k-fold by prompt, beside baselines measured on the same pairs; how much the score follows response length; and
 * whether P(GOOD) is calibrated on their GOOD/BAD gold.
 *
 * @param folds            folds used (0: too few labelled prompts for k-fold; the held-out figures are then empty)
 * @param labelledPrompts  prompts with any gold pair or label
 * @param goldPairs        gold pairs (see {@code GoldPairs}) the accuracies are measured on
 * @param goldLabels       candidates with a GOOD/BAD judgment (labels, best and worst picks)
 * @param softLabels       candidates with a label-model soft label (some LF voted)
 * @param comparisons      held-out pairwise accuracy of the reward model first, then the baselines on the same pairs
 * @param trainingAccuracy the final model's accuracy on the pairs it was trained on (how well it fits them)
 * @param lengthSpearman   Spearman ρ of score vs response length over all candidates
 * @param lengthSpearmanWithinPrompt the mean ρ within prompts (with ≥ 3 candidates): what a ranking sees
 * @param lengthWarning    true when either ρ reaches {@value #LENGTH_WARNING}: the model may mostly reward verbosity
 * @param calibration      held-out P(GOOD) against GOOD/BAD gold (null without k-fold)
 * @param external         agreement with an external ONNX scorer, when one was compared
 * @param length           length control: the mode asked for, whether it was applied, both rankings' ρ (null in old models)
 * @param goldWeight       the gold weight used and, when it was chosen by cross-validation, the curve (null in old models)
 * @param pairTargets      comparative LFs' pair targets the model was trained on
 */
public record RewardMetrics(int folds, int labelledPrompts, int goldPairs, int goldLabels, int softLabels,
                            List<Comparison> comparisons, PairwiseAccuracy trainingAccuracy, double lengthSpearman,
                            double lengthSpearmanWithinPrompt, boolean lengthWarning, Calibration calibration,
                            Training training, External external, List<String> notes, Length length, GoldWeight goldWeight,
                            int pairTargets) {

    /**
     * Length control of one fit. The plain model is fitted as before; the controlled one with length as an unpenalised
     * nuisance covariate, scored with length at the prompt's median. The model's scores are the controlled ones when
     * {@code applied}; the other ranking is kept beside them.
     *
     * @param mode       auto, on or off, as asked
     * @param available  false when the features have no length columns (the text statistics are off)
     */
    public record Length(String mode, boolean applied, boolean available, double threshold, double plainSpearman,
                         double plainSpearmanWithinPrompt, double controlledSpearman, double controlledSpearmanWithinPrompt,
                         String reason) {
    }

    /** One gold weight's k-fold held-out pairwise accuracy on the gold pairs. */
    public record GoldWeightPoint(String label, double weight, double accuracy) {
    }

    /**
     * @param used   the weight the model was fitted with ("gold-only" or a number)
     * @param chosen true when cross-validation chose it from the curve
     * @param curve  per weight tried, in the grid's order (empty when the weight was given or there was no k-fold)
     */
    public record GoldWeight(String used, boolean chosen, List<GoldWeightPoint> curve) {
    }

    public static final double LENGTH_WARNING = 0.6;

    public static final String MODEL = "reward-model";
    public static final String LABEL_MODEL = "label-model";
    public static final String LF_MAJORITY = "lf-majority";
    public static final String LENGTH = "length";
    public static final String EXTERNAL = "external";

    /** One scorer's held-out accuracy on the gold pairs. */
    public record Comparison(String key, String label, PairwiseAccuracy accuracy) {
    }

    /**
     * @param iterations     L-BFGS iterations of the final fit
     * @param foldIterations iterations of the k-fold fits together (each started, like the final fit, from a fit on the
     *                       soft labels alone)
     */
    public record Training(int iterations, double loss, boolean converged, int foldIterations, long trainMs) {
    }

    /**
     * @param top1Agreement         share of prompts where both put the same candidate first
     * @param spearmanWithinPrompt  mean rank correlation of the two scores within prompts
     */
    public record External(String scorerId, double top1Agreement, double spearmanWithinPrompt) {
    }

    public Optional<Comparison> comparison(String key) {
        return comparisons.stream().filter(c -> c.key().equals(key)).findFirst();
    }

    /** Held-out pairwise accuracy of the reward model (NaN without k-fold). */
    public double accuracy() {
        return comparison(MODEL).map(c -> c.accuracy().accuracy()).orElse(Double.NaN);
    }

    public double accuracyOf(String key) {
        return comparison(key).map(c -> c.accuracy().accuracy()).orElse(Double.NaN);
    }

    /** True when the reward model orders held-out gold pairs better than both LF majority vote and "longer is better". */
    public boolean beatsBaselines() {
        double m = accuracy();
        return m > accuracyOf(LF_MAJORITY) && m > accuracyOf(LENGTH);
    }

    /** The warning in words, or "" when there is none. */
    public String lengthWarningText() {
        if (!lengthWarning) return "";
        return String.format(java.util.Locale.ROOT, "The scores follow response length closely (Spearman %.2f overall, %.2f within prompts):"
                        + " the model may mostly be rewarding longer answers. Add gold where a shorter answer is better, or an LF against padding.",
                lengthSpearman, lengthSpearmanWithinPrompt);
    }
}
