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
            results.add(fitAspect(entry.getKey(), lfs, votes.select(lfs), options));
        }
        return new AspectFit(results);
    }

    private AspectResult fitAspect(String aspect, int[] lfs, VoteMatrix votes, FitOptions options) {
        int voting = 0;
        for (int i = 0; i < votes.lfs(); i++) {
            if (votesAnywhere(votes.column(i))) voting++;
        }
        String lfCount = lfs.length == 1 ? "1 LF" : lfs.length + " LFs";
        if (model instanceof MajorityVote) {
            return new AspectResult(aspect, lfs, fallback.fit(votes, options), false, "majority vote on " + lfCount);
        }
        if (voting < model.minimumLfs()) {
            String why = voting == lfs.length
                    ? "only " + lfCount
                    : "only " + voting + " of its " + lfCount + " vote on any candidate";
            String reason = "majority vote: " + why + "; " + model.kind() + " needs at least " + model.minimumLfs()
                    + " LFs that vote to tell their accuracies apart";
            return new AspectResult(aspect, lfs, fallback.fit(votes, options), true, reason);
        }
        return new AspectResult(aspect, lfs, model.fit(votes, options), false, model.kind() + " fitted on " + lfCount);
    }

    private static boolean votesAnywhere(byte[] column) {
        for (byte v : column) {
            if (v != VoteMatrix.ABSTAIN) return true;
        }
        return false;
    }
}
