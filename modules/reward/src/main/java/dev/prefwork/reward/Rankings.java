package dev.prefwork.reward;

import dev.prefwork.reward.eval.PairwiseAccuracy;
import dev.prefwork.reward.eval.Spearman;
import dev.prefwork.reward.features.CandidateIndex;
import dev.prefwork.reward.features.ExplanationGroup;
import dev.prefwork.reward.train.GoldPairs;
import dev.prefwork.reward.train.RewardLoss;
import dev.prefwork.store.RewardModelRepository.Scores;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stored reward model's rankings, re-weighted live (the Rankings view's sliders) without refitting. Each
 * candidate's score is split into its explanation groups' contributions; an aspect weight w scales the contributions
 * of that aspect's groups (its LF votes and its label-model P(GOOD)):
 * <pre>  s_w = s + Σ_g (w_aspect(g) − 1) · c_g</pre>
 * For the linear scorer this is exact (s = bias + Σ_g c_g); for the MLP the contributions are occlusion effects and
 * the re-weighting an approximation that is exact at weight 1. The held-out scores are re-weighted the same way, so
 * the held-out pairwise accuracy moves with the sliders. Immutable and thread-safe; {@link #weigh} takes a few
 * milliseconds per 100K candidates.
 */
public final class Rankings {

    /** Contributions shown per candidate under "why". */
    public static final int WHY = 5;

    /** One explanation group's share of a candidate's score. */
    public record Part(ExplanationGroup group, double contribution) {
    }

    /**
     * A candidate in its prompt's ranking.
     *
     * @param position its position among the prompt's candidates (0-based, import order)
     * @param why      the largest contributions relative to the prompt's average candidate, by size, with sign
     * @param lfs      the labeling functions that fired on it, with their contribution
     */
    public record RankedCandidate(long candidateId, int row, int position, double score, double pGood, int chars, List<Part> why,
                                  List<Part> lfs) {
    }

    /** A prompt's candidates, best first, with the spread between first and last and between first and second. */
    public record PromptRanking(long promptId, List<RankedCandidate> candidates, double margin, double topGap) {
    }

    /**
     * The model under some aspect weights.
     *
     * @param scores   per row
     * @param margins  per prompt, top score − bottom score (NaN for a prompt with one candidate)
     * @param heldOut  pairwise accuracy of the re-weighted held-out scores on the gold pairs (empty without k-fold)
     * @param training pairwise accuracy of the re-weighted final scores on the gold pairs
     */
    public record Weighted(Map<String, Double> weights, double[] scores, double[] margins, PairwiseAccuracy heldOut,
                           PairwiseAccuracy training, double lengthSpearman, double lengthSpearmanWithinPrompt) {

        public boolean lengthWarning() {
            return lengthSpearman >= RewardMetrics.LENGTH_WARNING || lengthSpearmanWithinPrompt >= RewardMetrics.LENGTH_WARNING;
        }
    }

    /** A histogram of top-vs-bottom margins across prompts. */
    public record Histogram(double binWidth, int[] counts) {
    }

    private final RewardModel model;
    private final Scores stored;
    private final CandidateIndex index;
    private final int groups;
    private final int[] aspectOfGroup;
    private final List<String> aspects;
    private final int[] oofRow;
    private final GoldPairs fullPairs;
    private final GoldPairs oofPairs;
    /** The other ranking's score per row (plain when the model is length-controlled, else controlled), or null. */
    private final float[] otherScores;

    private Rankings(RewardModel model, Scores stored, float[] otherScores) {
        this.model = model;
        this.stored = stored;
        this.otherScores = otherScores != null && otherScores.length == stored.rows() ? otherScores : null;
        this.index = new CandidateIndex(stored.candidateIds(), stored.promptIds(), stored.chars());
        this.groups = stored.groups();
        this.aspects = model.aspects();
        this.aspectOfGroup = new int[groups];
        for (int g = 0; g < groups; g++) {
            String a = model.explanations().get(g).aspect();
            aspectOfGroup[g] = a == null ? -1 : aspects.indexOf(a);
        }
        int m = stored.oofCandidateIds().length;
        this.oofRow = new int[m];
        for (int i = 0; i < m; i++) oofRow[i] = index.rowOf(stored.oofCandidateIds()[i]);
        List<GoldPairs.Pair> full = new ArrayList<>(), held = new ArrayList<>();
        for (int k = 0; k < stored.pairWinners().length; k++) {
            int w = index.rowOf(stored.pairWinners()[k]), l = index.rowOf(stored.pairLosers()[k]);
            if (w < 0 || l < 0) continue;
            float c = stored.pairWeights()[k];
            full.add(new GoldPairs.Pair(w, l, index.promptOf(w), c, GoldPairs.Source.PICK));
            int ow = Arrays.binarySearch(stored.oofCandidateIds(), stored.pairWinners()[k]);
            int ol = Arrays.binarySearch(stored.oofCandidateIds(), stored.pairLosers()[k]);
            if (ow >= 0 && ol >= 0) held.add(new GoldPairs.Pair(ow, ol, index.promptOf(w), c, GoldPairs.Source.PICK));
        }
        this.fullPairs = GoldPairs.of(full);
        this.oofPairs = GoldPairs.of(held);
    }

    private Rankings(Rankings other, RewardModel model) {
        this.model = model;
        this.stored = other.stored;
        this.index = other.index;
        this.groups = other.groups;
        this.aspects = other.aspects;
        this.aspectOfGroup = other.aspectOfGroup;
        this.oofRow = other.oofRow;
        this.fullPairs = other.fullPairs;
        this.oofPairs = other.oofPairs;
        this.otherScores = other.otherScores;
    }

    /** The same rankings with the model record read again (its staleness may have changed). */
    Rankings withModel(RewardModel m) {
        if (m.id() != model.id()) throw new IllegalArgumentException("another model");
        return new Rankings(this, m);
    }

    Scores stored() {
        return stored;
    }

    public static Rankings of(RewardModel model, Scores scores) {
        return of(model, scores, null);
    }

    /** @param otherScores the other ranking's scores (see {@link #lengthComparison}), or null */
    public static Rankings of(RewardModel model, Scores scores, float[] otherScores) {
        if (scores.groups() != model.explanations().size()) {
            throw new IllegalArgumentException("the stored scores have " + scores.groups() + " contribution groups, the model "
                    + model.explanations().size());
        }
        return new Rankings(model, scores, otherScores);
    }

    public RewardModel model() {
        return model;
    }

    public CandidateIndex index() {
        return index;
    }

    /** The aspects with a slider. */
    public List<String> aspects() {
        return aspects;
    }

    /** Whether there are held-out scores to recompute the held-out accuracy from. */
    public boolean hasHeldOut() {
        return oofPairs.size() > 0;
    }

    /** The scores, margins and metrics under {@code weights} (aspect → weight; missing aspects weigh 1). */
    public Weighted weigh(Map<String, Double> weights) {
        double[] w = new double[aspects.size()];
        for (int a = 0; a < w.length; a++) {
            double v = weights.getOrDefault(aspects.get(a), 1.0);
            if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException("aspect weight of " + aspects.get(a) + " must be ≥ 0");
            w[a] = v;
        }
        int n = index.rows();
        double[] s = reweigh(stored.score(), stored.contributions(), n, w);
        double[] oof = reweigh(stored.oofScore(), stored.oofContributions(), stored.oofCandidateIds().length, w);
        double[] margins = new double[index.prompts()];
        for (int p = 0; p < index.prompts(); p++) {
            int[] rows = index.rowsOf(p);
            if (rows.length < 2) {
                margins[p] = Double.NaN;
                continue;
            }
            double hi = Double.NEGATIVE_INFINITY, lo = Double.POSITIVE_INFINITY;
            for (int r : rows) {
                hi = Math.max(hi, s[r]);
                lo = Math.min(lo, s[r]);
            }
            margins[p] = hi - lo;
        }
        double[] length = Arrays.stream(index.chars()).asDoubleStream().toArray();
        Map<String, Double> used = new LinkedHashMap<>();
        for (int a = 0; a < w.length; a++) used.put(aspects.get(a), w[a]);
        return new Weighted(Map.copyOf(used), s, margins,
                oofPairs.size() == 0 ? new PairwiseAccuracy(0, 0, 0, List.of()) : PairwiseAccuracy.of(oofPairs, oof, 1e-9),
                PairwiseAccuracy.of(fullPairs, s, 1e-9), Spearman.of(s, length), RewardFitter.withinPromptSpearman(index, s, length));
    }

    private double[] reweigh(float[] score, float[] contributions, int rows, double[] w) {
        double[] out = new double[rows];
        boolean identity = true;
        for (double v : w) identity &= v == 1;
        for (int r = 0; r < rows; r++) {
            double v = score[r];
            if (!identity) {
                int o = r * groups;
                for (int g = 0; g < groups; g++) {
                    int a = aspectOfGroup[g];
                    if (a >= 0 && w[a] != 1) v += (w[a] - 1) * contributions[o + g];
                }
            }
            out[r] = v;
        }
        return out;
    }

    /**
     * A prompt's ranking under the weights. A candidate's "why" is its contributions relative to the prompt's average
     * candidate: what puts it above or below the others (a part every candidate shares, such as the prompt's topic,
     * orders nothing); an LF counts there only on the candidates it fired on. Its LFs are the ones that fired on it, with
     * their contribution as such.
     */
    public PromptRanking prompt(int prompt, Weighted weighted) {
        int[] rows = index.rowsOf(prompt);
        double[] mean = new double[groups];
        for (int r : rows) for (int g = 0; g < groups; g++) mean[g] += weightedContribution(r, g, weighted) / rows.length;
        List<RankedCandidate> out = new ArrayList<>(rows.length);
        for (int pos = 0; pos < rows.length; pos++) {
            int r = rows[pos];
            double s = weighted.scores()[r];
            List<Part> parts = new ArrayList<>();
            List<Part> lfs = new ArrayList<>();
            for (int g = 0; g < groups; g++) {
                double c = weightedContribution(r, g, weighted);
                ExplanationGroup eg = model.explanations().get(g);
                boolean fired = stored.contributions()[r * groups + g] != 0;
                double relative = c - mean[g];
                // an LF that did not fire on this candidate is no reason for its place (only its firing elsewhere is)
                if (Math.abs(relative) > 1e-6 && (!eg.isLf() || fired)) parts.add(new Part(eg, relative));
                if (eg.isLf() && fired) lfs.add(new Part(eg, c));
            }
            parts.sort(Comparator.comparingDouble((Part p) -> -Math.abs(p.contribution())));
            lfs.sort(Comparator.comparingDouble((Part p) -> -Math.abs(p.contribution())));
            out.add(new RankedCandidate(index.candidateId(r), r, pos, s, RewardLoss.sigmoid(s), index.chars(r),
                    List.copyOf(parts.subList(0, Math.min(WHY, parts.size()))), List.copyOf(lfs)));
        }
        out.sort(Comparator.comparingDouble((RankedCandidate c) -> -c.score()).thenComparingInt(RankedCandidate::position));
        double gap = out.size() < 2 ? Double.NaN : out.get(0).score() - out.get(1).score();
        return new PromptRanking(index.promptId(prompt), List.copyOf(out), weighted.margins()[prompt], gap);
    }

    private double weightedContribution(int row, int group, Weighted weighted) {
        double c = stored.contributions()[row * groups + group];
        int a = aspectOfGroup[group];
        return a >= 0 ? c * weighted.weights().getOrDefault(aspects.get(a), 1.0) : c;
    }

    /** Whether the model's scores hold length at the prompt's median (length control applied). */
    public boolean lengthControlled() {
        RewardMetrics.Length l = model.metrics().length();
        return l != null && l.applied();
    }

    /** One candidate in both rankings: its place (0 = first) by the plain and by the length-controlled scores. */
    public record LengthPlace(long candidateId, int chars, double plainScore, int plainPlace, double controlledScore,
                              int controlledPlace) {
    }

    /**
     * A prompt's candidates ranked plain and length-controlled side by side (by the plain ranking's order); empty when
     * the model kept no other ranking (an old model, or no length columns). Unweighted: the sliders move the model's own
     * scores only.
     */
    public List<LengthPlace> lengthComparison(int prompt) {
        if (otherScores == null) return List.of();
        int[] rows = index.rowsOf(prompt);
        boolean controlled = lengthControlled();
        double[] plain = new double[rows.length], ctrl = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            double own = stored.score()[rows[i]], other = otherScores[rows[i]];
            plain[i] = controlled ? other : own;
            ctrl[i] = controlled ? own : other;
        }
        int[] pp = places(plain), cp = places(ctrl);
        List<LengthPlace> out = new ArrayList<>(rows.length);
        for (int i = 0; i < rows.length; i++) {
            out.add(new LengthPlace(index.candidateId(rows[i]), index.chars(rows[i]), plain[i], pp[i], ctrl[i], cp[i]));
        }
        out.sort(Comparator.comparingInt(LengthPlace::plainPlace));
        return List.copyOf(out);
    }

    /** Place of each value when sorted descending (ties by position). */
    private static int[] places(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> v[a] != v[b] ? Double.compare(v[b], v[a]) : Integer.compare(a, b));
        int[] out = new int[v.length];
        for (int k = 0; k < order.length; k++) out[order[k]] = k;
        return out;
    }

    /** Margins across prompts in {@code bins} equal bins from 0 to the largest margin. */
    public static Histogram histogram(double[] margins, int bins) {
        double max = 0;
        for (double m : margins) if (!Double.isNaN(m)) max = Math.max(max, m);
        double width = max <= 0 ? 1.0 / bins : max / bins;
        int[] counts = new int[bins];
        for (double m : margins) {
            if (Double.isNaN(m)) continue;
            counts[Math.min(bins - 1, (int) (m / width))]++;
        }
        return new Histogram(width, counts);
    }

    /** The needs-review queue under these weights (see {@link ReviewQueue}). */
    public List<ReviewQueue.Item> reviewItems(Weighted weighted, int limit) {
        return ReviewQueue.build(this, weighted, limit);
    }

    /** The most-informative queue under these weights (see {@link ReviewQueue#mostInformative(List, int)}). */
    public List<ReviewQueue.Item> informativeItems(Weighted weighted, Map<Long, String> groupOf, int limit) {
        return ReviewQueue.mostInformative(this, weighted, groupOf, limit);
    }

    // package-private views for the review queue

    int groups() {
        return groups;
    }

    float contribution(int row, int group) {
        return stored.contributions()[row * groups + group];
    }

    GoldPairs fullPairs() {
        return fullPairs;
    }

    /** Held-out score of a row under the weights, NaN when the row was not held out. */
    double[] heldOutScores(Weighted weighted) {
        double[] w = new double[aspects.size()];
        for (int a = 0; a < w.length; a++) w[a] = weighted.weights().getOrDefault(aspects.get(a), 1.0);
        double[] oof = reweigh(stored.oofScore(), stored.oofContributions(), stored.oofCandidateIds().length, w);
        double[] byRow = new double[index.rows()];
        Arrays.fill(byRow, Double.NaN);
        for (int i = 0; i < oofRow.length; i++) if (oofRow[i] >= 0) byRow[oofRow[i]] = oof[i];
        return byRow;
    }
}
