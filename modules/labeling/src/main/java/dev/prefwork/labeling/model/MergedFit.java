package dev.prefwork.labeling.model;

import dev.prefwork.labeling.VoteMatrix;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model fitted on units (single LFs and merged groups, {@link GroupedLabelModel}) that predicts from the original
 * columns: each unit's column is rebuilt (a group's majority vote) and the unit model does the rest. Per original LF
 * it reports its unit's estimate, so a group's members all show the group's learned accuracy and weights.
 */
public final class MergedFit implements FittedLabelModel {

    private final int lfs;
    private final List<int[]> units;
    private final FittedLabelModel unitModel;

    /**
     * @param lfs       columns of the matrices it predicts on
     * @param units     per unit model column, the original columns it stands for
     * @param unitModel fitted on the units' columns, in {@code units} order
     */
    public MergedFit(int lfs, List<int[]> units, FittedLabelModel unitModel) {
        this.lfs = lfs;
        this.units = units.stream().map(int[]::clone).toList();
        this.unitModel = Objects.requireNonNull(unitModel);
        if (unitModel.lfs() != units.size()) throw new IllegalArgumentException(units.size() + " units, model of " + unitModel.lfs());
    }

    public List<int[]> units() {
        return units.stream().map(int[]::clone).toList();
    }

    public FittedLabelModel unitModel() {
        return unitModel;
    }

    @Override
    public String kind() {
        return unitModel.kind();
    }

    @Override
    public int lfs() {
        return lfs;
    }

    @Override
    public double classBalance() {
        return unitModel.classBalance();
    }

    @Override
    public List<LfEstimate> estimates() {
        LfEstimate[] out = new LfEstimate[lfs];
        for (int u = 0; u < units.size(); u++) for (int i : units.get(u)) out[i] = unitModel.estimates().get(u);
        return List.of(out);
    }

    @Override
    public Explanation.Unit unit() {
        return unitModel.unit();
    }

    @Override
    public Map<String, Object> parameters() {
        return unitModel.parameters();
    }

    private VoteMatrix unitVotes(VoteMatrix votes) {
        if (votes.lfs() != lfs) throw new IllegalArgumentException("model fitted on " + lfs + " LFs, matrix has " + votes.lfs());
        byte[][] cols = new byte[units.size()][];
        for (int u = 0; u < cols.length; u++) cols[u] = GroupedLabelModel.merged(votes, units.get(u));
        return new VoteMatrix(votes.rows(), cols);
    }

    @Override
    public float[] predict(VoteMatrix votes) {
        return unitModel.predict(unitVotes(votes));
    }

    /** A group's contribution is split evenly among the members that voted with the group's (majority) vote. */
    @Override
    public Explanation explain(VoteMatrix votes, int row) {
        VoteMatrix uv = unitVotes(votes);
        Explanation e = unitModel.explain(uv, row);
        double[] c = new double[lfs];
        for (int u = 0; u < units.size(); u++) {
            int[] unit = units.get(u);
            byte v = uv.get(row, u);
            List<Integer> with = new ArrayList<>();
            for (int i : unit) if (unit.length == 1 || (v != 0 && votes.get(row, i) == v)) with.add(i);
            // a tie or an abstain that still weighs (Dawid–Skene models abstains): shared by the whole group
            if (with.isEmpty()) for (int i : unit) with.add(i);
            for (int i : with) c[i] = e.contribution(u) / with.size();
        }
        return new Explanation(row, e.unit(), e.base(), c, e.score(), e.pGood());
    }
}
