package dev.prefwork.labeling.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the pair-level LFs (comparative LFs, A/B judges) say about pairs of candidates of the same prompt, with
 * their analysis: coverage over all such pairs and accuracy on the expert's gold pairs. Arrays are shared: read only.
 *
 * @param totalPairs pairs of candidates of the same prompt in the workspace
 * @param goldPairs  pairs the expert's gold orders (best/worst picks, GOOD vs BAD, stated preferences)
 */
public record PairVotes(List<Column> columns, long totalPairs, int goldPairs, String candidateSet) {

    public enum Source { COMPUTED, STORED, FAILED }

    /**
     * One LF's votes: vote k prefers candidate {@code preferred[k]} over {@code other[k]}.
     *
     * @param accuracy share of the gold pairs it votes on that it orders as the gold does; null when it votes on none
     */
    public record Column(LabelingFunction lf, long[] preferred, long[] other, Source source, String error,
                         double coverage, int goldVoted, int goldCorrect, Double accuracy) {
        public int votes() {
            return preferred.length;
        }
    }

    /** A pairwise training target: {@code preferred} beats {@code other} with this weight (the reward model's Bradley–Terry term). */
    public record Target(long preferred, long other, double weight) {
    }

    /**
     * The enabled LFs' votes as pairwise targets: per unordered pair the LFs preferring one side minus those preferring
     * the other; a pair with a net of n ≠ 0 becomes one target towards the side ahead, weight n. Ties give nothing.
     */
    public List<Target> targets() {
        Map<List<Long>, int[]> net = new LinkedHashMap<>();
        for (Column c : columns) {
            if (!c.lf().enabled() || c.error() != null) continue;
            for (int k = 0; k < c.votes(); k++) {
                long a = c.preferred()[k], b = c.other()[k];
                List<Long> key = a < b ? List.of(a, b) : List.of(b, a);
                net.computeIfAbsent(key, x -> new int[1])[0] += a < b ? 1 : -1;
            }
        }
        List<Target> out = new ArrayList<>();
        net.forEach((key, n) -> {
            if (n[0] > 0) out.add(new Target(key.get(0), key.get(1), n[0]));
            else if (n[0] < 0) out.add(new Target(key.get(1), key.get(0), -n[0]));
        });
        return out;
    }

    public Column column(String lfName) {
        return columns.stream().filter(c -> c.lf().name().equalsIgnoreCase(lfName)).findFirst().orElse(null);
    }
}
