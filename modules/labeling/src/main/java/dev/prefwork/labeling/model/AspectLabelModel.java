package dev.prefwork.labeling.model;

import dev.prefwork.labeling.VoteMatrix;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Fits one label model per aspect (helpfulness, correctness, policy …): LFs of different aspects judge different
 * things, so they are neither conditionally independent nor about the same latent label, and one model over all
 * of them would misread their disagreements as errors. An aspect with fewer LFs that vote than the model needs
 * (3 for the matrix-completion model) gets majority vote instead, with the reason recorded for the UI.
 * Combining the aspects into one P(GOOD) is {@link AspectFit}'s job, with weights given at prediction time.
 */
public final class AspectLabelModel {

    private final LabelModel model;
    private final MajorityVote fallback = new MajorityVote();

    public AspectLabelModel(LabelModel model) {
        this.model = Objects.requireNonNull(model);
    }

    public LabelModel model() {
        return model;
    }

    /**
     * @param lfAspects the aspect of each LF (column) of {@code votes}; aspects keep the order of first appearance
     */
    public AspectFit fit(VoteMatrix votes, List<String> lfAspects, FitOptions options) {
        return fit(votes, lfAspects, List.of(), options);
    }

    /**
     * @param groups LFs (columns of {@code votes}) to model as groups ({@link GroupedLabelModel}); a group applies
     *               within each aspect to its members of that aspect, when at least two remain
     */
    public AspectFit fit(VoteMatrix votes, List<String> lfAspects, List<LfGroup> groups, FitOptions options) {
        if (lfAspects.size() != votes.lfs()) {
            throw new IllegalArgumentException(lfAspects.size() + " aspects for " + votes.lfs() + " LFs");
        }
        Map<String, List<Integer>> columns = new LinkedHashMap<>();
        for (int i = 0; i < lfAspects.size(); i++) {
            String aspect = Objects.requireNonNull(lfAspects.get(i), "aspect of LF " + i);
            columns.computeIfAbsent(aspect, a -> new ArrayList<>()).add(i);
        }
        List<AspectResult> results = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> entry : columns.entrySet()) {
            int[] lfs = entry.getValue().stream().mapToInt(Integer::intValue).toArray();
            results.add(fitAspect(entry.getKey(), lfs, votes.select(lfs), groupsWithin(lfs, groups), options));
        }
        return new AspectFit(results);
    }

    /** The groups' members among {@code lfs}, as indices into {@code lfs}; groups with fewer than two left drop. */
    static List<LfGroup> groupsWithin(int[] lfs, List<LfGroup> groups) {
        List<LfGroup> out = new ArrayList<>();
        for (LfGroup g : groups) {
            List<Integer> members = new ArrayList<>();
            for (int k = 0; k < lfs.length; k++) {
                for (int i : g.lfs()) if (i == lfs[k]) members.add(k);
            }
            if (members.size() >= 2) out.add(new LfGroup(members.stream().mapToInt(Integer::intValue).toArray(), g.mode()));
        }
        return out;
    }

    private AspectResult fitAspect(String aspect, int[] lfs, VoteMatrix votes, List<LfGroup> groups, FitOptions options) {
        // a group counts once: its columns are alike, so they do not add identifiability
        boolean[] grouped = new boolean[votes.lfs()];
        int voting = 0;
        for (LfGroup g : groups) {
            boolean any = false;
            for (int i : g.lfs()) {
                grouped[i] = true;
                any |= votesAnywhere(votes.column(i));
            }
            if (any) voting++;
        }
        for (int i = 0; i < votes.lfs(); i++) {
            if (!grouped[i] && votesAnywhere(votes.column(i))) voting++;
        }
        String lfCount = lfs.length == 1 ? "1 LF" : lfs.length + " LFs";
        String grouping = groups.isEmpty() ? "" : " (" + groups.size() + (groups.size() == 1 ? " group" : " groups") + " of correlated LFs)";
        LabelModel majority = groups.isEmpty() ? fallback : new GroupedLabelModel(fallback, groups);
        LabelModel chosen = groups.isEmpty() ? model : new GroupedLabelModel(model, groups);
        if (model instanceof MajorityVote) {
            return new AspectResult(aspect, lfs, majority.fit(votes, options), false, "majority vote on " + lfCount + grouping);
        }
        if (voting < model.minimumLfs()) {
            String why = !groups.isEmpty()
                    ? "only " + voting + " independent LFs (a group counts as one) vote on any candidate"
                    : voting == lfs.length
                    ? "only " + lfCount
                    : "only " + voting + " of its " + lfCount + " vote on any candidate";
            String reason = "majority vote: " + why + "; " + model.kind() + " needs at least " + model.minimumLfs()
                    + " LFs that vote to tell their accuracies apart";
            return new AspectResult(aspect, lfs, majority.fit(votes, options), true, reason);
        }
        return new AspectResult(aspect, lfs, chosen.fit(votes, options), false, model.kind() + " fitted on " + lfCount + grouping);
    }

    private static boolean votesAnywhere(byte[] column) {
        for (byte v : column) {
            if (v != VoteMatrix.ABSTAIN) return true;
        }
        return false;
    }
}
