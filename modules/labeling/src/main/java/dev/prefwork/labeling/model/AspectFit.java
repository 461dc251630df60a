package dev.prefwork.labeling.model;

import dev.prefwork.labeling.VoteMatrix;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The per-aspect models of an {@link AspectLabelModel} fit, and their combination into one P(GOOD).
 *
 * <p><b>Combination rule</b> (weights w_a ≥ 0 per aspect, 1 for an aspect the map does not name, so equal by
 * default): for each row, over the aspects with a positive weight that have at least one vote on that row,
 * <pre>  log-odds(GOOD) = Σ_a w_a · logit(P_a) / Σ_a w_a</pre>
 * with P_a clipped to [{@value #CLIP}, 1 − {@value #CLIP}]. Why:
 * <ul>
 *   <li>A weighted average of log-odds (logarithmic pooling) keeps the result on one model's scale, counts the
 *       class prior once rather than once per aspect, and lets a confident aspect move the result more than an
 *       unsure one (an aspect at P = 0.5 contributes 0), where averaging probabilities would blur both.</li>
 *   <li>Aspects that did not vote on a row are left out of that row's average: their P is just their prior, and
 *       averaging it in would dilute the aspects that did judge the row (a "policy" aspect that fires on 5 % of
 *       candidates would otherwise pull every other candidate towards its prior). With no aspect voting, the row
 *       gets the weighted average of the priors.</li>
 *   <li>The clip turns majority vote's hard 0/1 (a fallback aspect) into a strong but finite opinion (±6.9).</li>
 * </ul>
 * Weights are applied at prediction time, so moving a weight slider recombines {@link AspectPredictions} without
 * refitting.
 */
public final class AspectFit {

    static final double CLIP = 1e-3;

    private final List<AspectResult> aspects;

    public AspectFit(List<AspectResult> aspects) {
        this.aspects = List.copyOf(aspects);
    }

    public List<AspectResult> aspects() {
        return aspects;
    }

    public AspectResult aspect(String name) {
        for (AspectResult a : aspects) {
            if (a.aspect().equals(name)) return a;
        }
        throw new IllegalArgumentException("no aspect " + name);
    }

    /** Each aspect's P(GOOD) and which rows it voted on, ready to combine with any weights. */
    public AspectPredictions predictAspects(VoteMatrix votes) {
        List<String> names = new ArrayList<>(aspects.size());
        float[][] pGood = new float[aspects.size()][];
        byte[][] voted = new byte[aspects.size()][];
        for (int a = 0; a < aspects.size(); a++) {
            AspectResult aspect = aspects.get(a);
            VoteMatrix sub = votes.select(aspect.lfs());
            names.add(aspect.aspect());
            pGood[a] = aspect.model().predict(sub);
            voted[a] = anyVote(sub);
        }
        return new AspectPredictions(names, pGood, voted);
    }

    /** Combined P(GOOD) with equal aspect weights. */
    public float[] predict(VoteMatrix votes) {
        return predict(votes, Map.of());
    }

    /** Combined P(GOOD); an aspect missing from {@code weights} has weight 1. */
    public float[] predict(VoteMatrix votes, Map<String, Double> weights) {
        return predictAspects(votes).combine(weights);
    }

    /** Each aspect's explanation of one row and its share of the combined log-odds. */
    public AspectExplanation explain(VoteMatrix votes, int row, Map<String, Double> weights) {
        double[] w = AspectPredictions.weights(aspects.stream().map(AspectResult::aspect).toList(), weights);
        boolean[] voted = new boolean[aspects.size()];
        double[] logOdds = new double[aspects.size()];
        List<Explanation> explanations = new ArrayList<>();
        for (int a = 0; a < aspects.size(); a++) {
            AspectResult aspect = aspects.get(a);
            VoteMatrix sub = votes.select(aspect.lfs());
            Explanation e = aspect.model().explain(sub, row);
            explanations.add(e);
            logOdds[a] = AspectPredictions.clippedLogit(e.pGood());
            for (int i = 0; i < sub.lfs() && !voted[a]; i++) voted[a] = sub.get(row, i) != VoteMatrix.ABSTAIN;
        }
        double[] share = AspectPredictions.shares(w, voted);
        List<AspectExplanation.Part> parts = new ArrayList<>();
        double total = 0;
        for (int a = 0; a < aspects.size(); a++) {
            parts.add(new AspectExplanation.Part(aspects.get(a).aspect(), share[a], voted[a], logOdds[a], explanations.get(a)));
            total += share[a] * logOdds[a];
        }
        return new AspectExplanation(row, parts, total, 1 / (1 + Math.exp(-total)));
    }

    private static byte[] anyVote(VoteMatrix votes) {
        byte[] voted = new byte[votes.rows()];
        for (int i = 0; i < votes.lfs(); i++) {
            byte[] col = votes.column(i);
            for (int r = 0; r < voted.length; r++) voted[r] |= col[r];
        }
        return voted;
    }
}
