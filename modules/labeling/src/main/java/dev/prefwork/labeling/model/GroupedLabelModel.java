package dev.prefwork.labeling.model;

import dev.prefwork.labeling.VoteMatrix;
import dev.prefwork.labeling.analysis.LfCorrelations;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A label model told which LFs are dependent ({@link LfGroup}s): the models under it assume the LFs are
 * conditionally independent given the true label, and a cluster of LFs that all measure, say, length agrees with
 * itself whatever the label is, so an agreement-based model reads that agreement as accuracy, takes the cluster's
 * shared signal for the label, and misjudges every other LF against it. Two remedies, chosen per group:
 *
 * <p><b>Merge.</b> The group becomes one column, its members' majority vote (abstain when none votes or on a tie),
 * and the inner model is fitted on the reduced matrix, where the units are again (closer to) conditionally
 * independent. Each member reports the group's learned accuracy and weights, and a row's contribution of the
 * group is split evenly among the members that voted with the group's vote. The fitted model is not additive in
 * the members' votes ({@link MergedFit}).
 *
 * <p><b>Dependent.</b> Each member i of a group G keeps its own accuracy, fitted once on the matrix in which G is
 * represented by i alone (its other members removed, other groups merged), so no fit ever sees two members of one
 * group. The others' estimates come from the fit with every group merged. At prediction, k dependent votes carry
 * less evidence than k independent ones: with ρ̄ the mean pairwise correlation of the members' votes, Kish's
 * design effect 1 + (k − 1)ρ̄ gives the effective number of independent members k / (1 + (k − 1)ρ̄), and each
 * member's weights are divided by the design effect (ρ̄ = 1, exact copies: the group counts once; ρ̄ = 0: k times).
 * ρ̄ is measured on the votes, so it includes the correlation the true label itself induces; it is clamped to
 * [0, 1]. The result is log-linear in the original votes (a {@link LogLinearModel}, stored like any other fit).
 * This needs log-linear per-LF weights; for majority vote a dependent group is merged.
 */
public final class GroupedLabelModel implements LabelModel {

    private final LabelModel inner;
    private final List<LfGroup> groups;

    /** @param groups disjoint groups of column indices of the matrices this model will be fitted on */
    public GroupedLabelModel(LabelModel inner, List<LfGroup> groups) {
        this.inner = Objects.requireNonNull(inner);
        this.groups = List.copyOf(groups);
        boolean[] seen = new boolean[groups.stream().flatMapToInt(g -> Arrays.stream(g.lfs())).max().orElse(-1) + 1];
        for (LfGroup g : groups) for (int i : g.lfs()) {
            if (seen[i]) throw new IllegalArgumentException("LF " + i + " is in two groups");
            seen[i] = true;
        }
    }

    public List<LfGroup> groups() {
        return groups;
    }

    @Override
    public String kind() {
        return inner.kind();
    }

    /** Counted in units: a group is one. */
    @Override
    public int minimumLfs() {
        return inner.minimumLfs();
    }

    /** How many units (ungrouped LFs + groups) a matrix of {@code lfs} columns has under these groups. */
    public int units(int lfs) {
        return lfs - groups.stream().mapToInt(g -> g.lfs().length - 1).sum();
    }

    @Override
    public FittedLabelModel fit(VoteMatrix votes, FitOptions options) {
        int m = votes.lfs();
        for (LfGroup g : groups) for (int i : g.lfs()) {
            if (i >= m) throw new IllegalArgumentException("group " + g + " names LF " + i + " of a " + m + "-LF matrix");
        }
        List<int[]> units = unitsOf(m);
        if (units.size() < inner.minimumLfs()) {
            throw new IllegalArgumentException(inner.kind() + " needs at least " + inner.minimumLfs()
                    + " independent LFs (a group counts as one), got " + units.size());
        }
        byte[][] cols = new byte[units.size()][];
        for (int u = 0; u < units.size(); u++) cols[u] = merged(votes, units.get(u));
        FittedLabelModel merged = inner.fit(new VoteMatrix(votes.rows(), cols), options);
        boolean dependent = groups.stream().anyMatch(g -> g.mode() == LfGroup.Mode.DEPENDENT);
        if (!dependent || !(merged instanceof LogLinearModel base)) {
            return new MergedFit(m, units, merged);
        }
        // Dependent groups: every member fitted with its group represented by itself alone.
        LfEstimate[] est = new LfEstimate[m];
        List<int[]> finalUnits = new ArrayList<>();
        Map<String, Object> params = new LinkedHashMap<>(base.parameters());
        List<LfEstimate> unitEst = new ArrayList<>();
        double[][] r = null;
        for (int u = 0; u < units.size(); u++) {
            int[] unit = units.get(u);
            LfGroup g = groupOf(unit);
            if (g == null || g.mode() == LfGroup.Mode.MERGE) {
                finalUnits.add(unit);
                unitEst.add(base.estimates().get(u));
                continue;
            }
            if (r == null) r = LfCorrelations.compute(votes).r();
            double rho = Math.max(0, Math.min(1, LfCorrelations.meanPairwise(r, unit)));
            double deff = 1 + (unit.length - 1) * rho;
            for (int member : unit) {
                byte[][] alone = cols.clone();
                alone[u] = votes.column(member);
                LfEstimate e = inner.fit(new VoteMatrix(votes.rows(), alone), options).estimates().get(u);
                finalUnits.add(new int[]{member});
                unitEst.add(new LfEstimate(e.accuracy(), e.propensity(), e.goodWeight() / deff, e.badWeight() / deff,
                        e.abstainWeight() / deff));
            }
            params.put("designEffect[" + Arrays.toString(unit) + "]", deff);
        }
        params.put("groups", groups.toString());
        boolean allSingle = finalUnits.stream().allMatch(x -> x.length == 1);
        if (allSingle) {
            for (int u = 0; u < finalUnits.size(); u++) est[finalUnits.get(u)[0]] = unitEst.get(u);
            return new LogLinearModel(base.kind(), base.classBalance(), Arrays.asList(est), params);
        }
        return new MergedFit(m, finalUnits, new LogLinearModel(base.kind(), base.classBalance(), unitEst, params));
    }

    private LfGroup groupOf(int[] unit) {
        for (LfGroup g : groups) if (Arrays.equals(g.lfs(), unit)) return g;
        return null;
    }

    /** Ungrouped LFs as one-column units and groups as units, in the order of each unit's first column. */
    private List<int[]> unitsOf(int m) {
        int[] groupOf = new int[m];
        Arrays.fill(groupOf, -1);
        for (int g = 0; g < groups.size(); g++) for (int i : groups.get(g).lfs()) groupOf[i] = g;
        List<int[]> units = new ArrayList<>();
        boolean[] done = new boolean[groups.size()];
        for (int i = 0; i < m; i++) {
            if (groupOf[i] < 0) units.add(new int[]{i});
            else if (!done[groupOf[i]]) {
                done[groupOf[i]] = true;
                units.add(groups.get(groupOf[i]).lfs());
            }
        }
        return units;
    }

    /** The unit's vote per row: the column itself, or the members' majority (a tie or no vote abstains). */
    static byte[] merged(VoteMatrix votes, int[] unit) {
        if (unit.length == 1) return votes.column(unit[0]);
        int n = votes.rows();
        int[] margin = new int[n];
        for (int i : unit) {
            byte[] c = votes.column(i);
            for (int r = 0; r < n; r++) margin[r] += c[r];
        }
        byte[] out = new byte[n];
        for (int r = 0; r < n; r++) out[r] = (byte) Integer.signum(margin[r]);
        return out;
    }
}
