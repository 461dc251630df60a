package dev.prefwork.labeling.service;

import dev.prefwork.core.Progress;
import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.analysis.LfCorrelations;
import dev.prefwork.labeling.engine.CandidateMeasure;
import dev.prefwork.labeling.model.LfGroup;
import dev.prefwork.store.Workspace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The correlation diagnostics of the LF studio and the Label model view: how alike the enabled LFs vote, how much
 * each follows response length (or another measure), which of them form clusters, and whether LFs that mostly
 * measure length decide most of the label model; plus grouping LFs for the label model ({@link LfGroups}).
 */
public final class LfCorrelationService {

    /** Mean |r| between two clusters for average linkage to join them. */
    public static final double CLUSTER_THRESHOLD = 0.4;
    /** |r| with response length from which an LF "mostly measures length". */
    public static final double LENGTH_THRESHOLD = 0.3;
    /** Share of the label model from which LFs that measure length "dominate" it. */
    public static final double SHARE_THRESHOLD = 0.5;

    /**
     * One enabled LF.
     *
     * @param measureR r of its votes with the chosen measure; {@code lengthR} with response length (characters)
     * @param share    its share of the label model (of all votes cast when there is no fresh fit)
     * @param group    the index into {@link Report#groups()} of the group it is in, or −1
     */
    public record LfRow(long lfId, String name, String aspect, Verdict vote, long coverage, double measureR, double lengthR,
                        double share, int group) {
    }

    /**
     * LFs to group, as indices into {@link Report#lfs()}.
     *
     * @param label     what it is in plain words ("7 LFs that follow response length", "3 correlated LFs")
     * @param grouped   true when these LFs already form one group of the label model
     */
    public record Cluster(String label, int[] lfs, double meanAbsR, double meanLengthR, double share, boolean grouped) {
    }

    /** LFs that mostly measure length and decide most of the model: the cluster, in plain words. */
    public record Warning(Cluster cluster, int total, double share, String text) {
    }

    /**
     * @param modelShare      true when shares come from a fresh label-model fit, false when they are shares of votes
     * @param pGoodLengthR    r of the fit's P(GOOD) with response length (NaN without a fresh fit)
     * @param clusters        the length cluster first (when there is one), then the correlation clusters
     */
    public record Report(List<LfRow> lfs, LfCorrelations.Matrix matrix, CandidateMeasure measure, List<Cluster> clusters,
                         boolean modelShare, double pGoodLengthR, double pGoodMeasureR, Optional<Warning> warning,
                         List<LfGroups.Group> groups, long elapsedMs) {
    }

    private final Workspace workspace;
    private final LabelingService labeling;
    private final LabelModelService labelModel;

    public LfCorrelationService(Workspace workspace, LabelingService labeling, LabelModelService labelModel) {
        this.workspace = workspace;
        this.labeling = labeling;
        this.labelModel = labelModel;
    }

    /** The diagnostics of the enabled LFs (applies what is not applied yet; reads the texts for the measures). */
    public Report report(CandidateMeasure measure, Progress progress) {
        long t0 = System.nanoTime();
        progress.update(0, 4, "Reading the candidates");
        float[] length = labeling.measure(CandidateMeasure.CHARS, progress);
        float[] chosen = measure == CandidateMeasure.CHARS ? length : labeling.measure(measure, progress);
        progress.checkCancelled();
        progress.update(1, 4, "Applying labeling functions");
        LfVotes votes = labeling.enabledVotes(progress);
        if (votes.matrix().rows() != length.length) throw new IllegalStateException("the candidates changed while reading them; try again");
        progress.checkCancelled();
        progress.update(2, 4, "Correlating " + votes.columns().size() + " LFs");
        LfCorrelations.Matrix matrix = LfCorrelations.compute(votes.matrix());
        double[] lengthR = LfCorrelations.withMeasure(votes.matrix(), length);
        double[] measureR = chosen == length ? lengthR : LfCorrelations.withMeasure(votes.matrix(), chosen);
        progress.checkCancelled();
        progress.update(3, 4, "Reading the label model");
        Optional<LabelModelService.Influence> influence = labelModel.influence(votes);
        int m = votes.columns().size();
        double[] share = influence.map(LabelModelService.Influence::share).orElseGet(() -> voteShares(matrix));
        double pGoodLength = influence.map(i -> LfCorrelations.pearson(i.pGood(), length)).orElse(Double.NaN);
        double pGoodMeasure = influence.map(i -> LfCorrelations.pearson(i.pGood(), chosen)).orElse(Double.NaN);

        List<LfGroups.Group> groups = LfGroups.read(workspace);
        Map<Long, Integer> groupOf = new HashMap<>();
        for (int g = 0; g < groups.size(); g++) for (long id : groups.get(g).lfIds()) groupOf.put(id, g);
        List<LfRow> rows = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            LfVotes.Column c = votes.columns().get(i);
            rows.add(new LfRow(c.lfId(), c.name(), c.aspect(), c.vote(), matrix.coverage(i), measureR[i], lengthR[i], share[i],
                    groupOf.getOrDefault(c.lfId(), -1)));
        }

        List<Cluster> clusters = new ArrayList<>();
        int[] lengthLfs = java.util.stream.IntStream.range(0, m).filter(i -> Math.abs(lengthR[i]) >= LENGTH_THRESHOLD).toArray();
        Cluster lengthCluster = null;
        if (lengthLfs.length >= 2) {
            lengthCluster = cluster(lengthLfs.length + " LFs that follow response length", lengthLfs, matrix, lengthR, share, rows);
            clusters.add(lengthCluster);
        }
        for (int[] c : LfCorrelations.clusters(matrix.r(), CLUSTER_THRESHOLD)) {
            if (!Arrays.equals(c, lengthLfs)) clusters.add(cluster(c.length + " correlated LFs", c, matrix, lengthR, share, rows));
        }
        Optional<Warning> warning = Optional.empty();
        if (lengthCluster != null && lengthCluster.share() >= SHARE_THRESHOLD) {
            warning = Optional.of(warning(lengthCluster, m, influence.isPresent(), pGoodLength));
        }
        progress.update(4, 4, "Done");
        return new Report(rows, matrix, measure, clusters, influence.isPresent(), pGoodLength, pGoodMeasure, warning, groups,
                (System.nanoTime() - t0) / 1_000_000);
    }

    private static Cluster cluster(String label, int[] lfs, LfCorrelations.Matrix matrix, double[] lengthR, double[] share, List<LfRow> rows) {
        double absR = 0;
        int pairs = 0;
        for (int a = 0; a < lfs.length; a++) for (int b = a + 1; b < lfs.length; b++, pairs++) {
            double v = Math.abs(matrix.r()[lfs[a]][lfs[b]]);
            absR += Double.isNaN(v) ? 0 : v;
        }
        double len = 0, sh = 0;
        for (int i : lfs) {
            len += Double.isNaN(lengthR[i]) ? 0 : Math.abs(lengthR[i]);
            sh += share[i];
        }
        int g = rows.get(lfs[0]).group();
        boolean grouped = g >= 0;
        for (int i : lfs) grouped &= rows.get(i).group() == g;
        return new Cluster(label, lfs, pairs == 0 ? 0 : absR / pairs, len / lfs.length, sh, grouped);
    }

    static Warning warning(Cluster c, int total, boolean model, double pGoodLength) {
        int pct = (int) Math.round(100 * c.share());
        String text = c.lfs().length + " of your " + total + " LFs mostly measure response length; together they "
                + (model ? "decide " + pct + "% of the label model." : "cast " + pct + "% of all votes (fit the label model to see how much they decide).");
        if (!Double.isNaN(pGoodLength) && Math.abs(pGoodLength) >= 0.3) {
            text += String.format(" Its P(GOOD) follows length (r = %.2f).", pGoodLength);
        }
        if (c.grouped()) text += " They are grouped already: the label model counts them as one.";
        return new Warning(c, total, c.share(), text);
    }

    /** Without a fit: each LF's share of all votes cast. */
    private static double[] voteShares(LfCorrelations.Matrix matrix) {
        int m = matrix.lfs();
        double[] s = new double[m];
        double total = 0;
        for (int i = 0; i < m; i++) total += s[i] = matrix.coverage(i);
        for (int i = 0; i < m; i++) s[i] = total == 0 ? 0 : s[i] / total;
        return s;
    }

    /** See {@link LfGroups#group}. */
    public List<LfGroups.Group> group(List<Long> lfIds, LfGroup.Mode mode) {
        return LfGroups.group(workspace, lfIds, mode);
    }

    /** See {@link LfGroups#ungroup}. */
    public List<LfGroups.Group> ungroup(List<Long> lfIds) {
        return LfGroups.ungroup(workspace, lfIds);
    }

    public List<LfGroups.Group> groups() {
        return LfGroups.read(workspace);
    }
}
