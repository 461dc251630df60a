package dev.prefwork.labeling.model;

import dev.prefwork.labeling.VoteMatrix;

import java.util.List;
import java.util.Map;

/**
 * A label model fitted on a vote matrix: what it learned per LF, the class balance it used, the parameters that
 * produced it (all plain values, ready to store as JSON) and its predictions. Immutable and thread-safe.
 */
public interface FittedLabelModel {

    /** The model's kind, as {@link LabelModel#kind()}. */
    String kind();

    /** Number of LFs (columns) the model was fitted on; predict needs the same columns in the same order. */
    int lfs();

    /** P(GOOD) used as the prior: the fixed one, or the estimate. */
    double classBalance();

    /** Per LF, in column order. */
    List<LfEstimate> estimates();

    /** The unit of {@link LfEstimate} weights and of explanations. */
    Explanation.Unit unit();

    /** Inputs of the fit (kind, class prior mode, seed, model-specific parameters) and fit diagnostics. */
    Map<String, Object> parameters();

    /** P(GOOD) per row. */
    float[] predict(VoteMatrix votes);

    /** Each LF's contribution to one row's P(GOOD). */
    Explanation explain(VoteMatrix votes, int row);

    default double[] accuracies() {
        return estimates().stream().mapToDouble(LfEstimate::accuracy).toArray();
    }

    default double[] propensities() {
        return estimates().stream().mapToDouble(LfEstimate::propensity).toArray();
    }
}
