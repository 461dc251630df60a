package dev.prefwork.reward;

import dev.prefwork.reward.features.CandidateIndex;
import dev.prefwork.reward.features.ExplanationGroup;
import dev.prefwork.reward.train.GoldPairs;
import dev.prefwork.reward.train.RewardLoss;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The prompts a reward model asks the expert to look at (the needs-review queue, which the Compare step walks):
 * <ol>
 *   <li><b>contradicts your gold</b> (priority 3–4): the model, held out from the prompt where k-fold held it out,
 *       orders one of the expert's gold pairs the other way;</li>
 *   <li><b>contradicts a high-accuracy LF</b> (2–3): on a prompt without gold, the top-ranked candidate gets a BAD vote,
 *       or the bottom one a GOOD vote, from an LF at least {@value #HIGH_ACCURACY} accurate;</li>
 *   <li><b>least sure</b> (0–1): on a prompt without gold, the top two are nearly tied (priority 1 − (2σ(gap) − 1)).</li>
 * </ol>
 * The first two kinds fill up to two thirds of the queue, the least sure the rest (more of either when the other
 * runs short); highest priority first.
 * The expert's corrections there become gold, which the next fit trains on.
 */
public final class ReviewQueue {

    public static final double HIGH_ACCURACY = 0.85;
    public static final String SOURCE = "rankings";

    public enum Kind { CONTRADICTS_GOLD, CONTRADICTS_LF, LEAST_SURE }

    public record Item(long promptId, Kind kind, String reason, double priority) {
    }

    private ReviewQueue() {
    }

    /** How many prompts the queue holds for a workspace of {@code prompts}: a tenth, at least 10, at most 200. */
    public static int defaultLimit(int prompts) {
        return Math.max(10, Math.min(200, prompts / 10));
    }

    static List<Item> build(Rankings rankings, Rankings.Weighted weighted, int limit) {
        CandidateIndex index = rankings.index();
        double[] s = weighted.scores();
        double[] held = rankings.heldOutScores(weighted);
        List<List<GoldPairs.Pair>> pairsOf = new ArrayList<>();
        for (int p = 0; p < index.prompts(); p++) pairsOf.add(new ArrayList<>());
        for (GoldPairs.Pair pair : rankings.fullPairs().pairs()) pairsOf.get(pair.prompt()).add(pair);
        List<ExplanationGroup> groups = rankings.model().explanations();

        List<Item> strong = new ArrayList<>();
        List<Item> unsure = new ArrayList<>();
        for (int p = 0; p < index.prompts(); p++) {
            int[] rows = index.rowsOf(p);
            if (rows.length < 2) continue;
            long promptId = index.promptId(p);
            List<GoldPairs.Pair> gold = pairsOf.get(p);
            if (!gold.isEmpty()) {
                int wrong = 0;
                GoldPairs.Pair first = null;
                for (GoldPairs.Pair pair : gold) {
                    double sw = Double.isNaN(held[pair.winner()]) ? s[pair.winner()] : held[pair.winner()];
                    double sl = Double.isNaN(held[pair.loser()]) ? s[pair.loser()] : held[pair.loser()];
                    if (sw < sl - 1e-9) {
                        wrong++;
                        if (first == null) first = pair;
                    }
                }
                if (wrong > 0) {
                    strong.add(new Item(promptId, Kind.CONTRADICTS_GOLD, String.format(Locale.ROOT,
                            "contradicts your gold: ranks candidate %d above %d, which you preferred (%d of your %d pair%s here)",
                            position(rows, first.loser()), position(rows, first.winner()), wrong, gold.size(), gold.size() == 1 ? "" : "s"),
                            3 + (double) wrong / gold.size()));
                }
                continue;
            }
            int top = rows[0], bottom = rows[0], second = -1;
            for (int r : rows) {
                if (s[r] > s[top]) top = r;
                if (s[r] < s[bottom]) bottom = r;
            }
            for (int r : rows) if (r != top && (second < 0 || s[r] > s[second])) second = r;
            Item lf = lfContradiction(rankings, groups, promptId, rows, top, bottom);
            if (lf != null) {
                strong.add(lf);
                continue;
            }
            double gap = s[top] - s[second];
            double certainty = 2 * RewardLoss.sigmoid(gap) - 1;
            unsure.add(new Item(promptId, Kind.LEAST_SURE, String.format(Locale.ROOT,
                    "least sure: candidates %d and %d are almost tied for first (%.0f%% that %d is better)",
                    position(rows, top), position(rows, second), 100 * RewardLoss.sigmoid(gap), position(rows, top)), 1 - certainty));
        }
        Comparator<Item> byPriority = Comparator.comparingDouble((Item i) -> -i.priority()).thenComparingLong(Item::promptId);
        strong.sort(byPriority);
        unsure.sort(byPriority);
        // a third of the queue is kept for the least sure: they are where a judgment teaches the model most
        int strongCap = limit - Math.min(unsure.size(), limit / 3);
        List<Item> out = new ArrayList<>(strong.subList(0, Math.min(strongCap, strong.size())));
        for (Item i : unsure) {
            if (out.size() >= limit) break;
            out.add(i);
        }
        return List.copyOf(out);
    }

    private static Item lfContradiction(Rankings rankings, List<ExplanationGroup> groups, long promptId, int[] rows, int top, int bottom) {
        Item best = null;
        for (int g = 0; g < groups.size(); g++) {
            ExplanationGroup eg = groups.get(g);
            if (!eg.isLf() || Double.isNaN(eg.accuracy()) || eg.accuracy() < HIGH_ACCURACY) continue;
            String name = eg.label().startsWith("LF: ") ? eg.label().substring(4) : eg.label();
            Item item = null;
            if ("BAD".equals(eg.vote()) && rankings.contribution(top, g) != 0) {
                item = new Item(promptId, Kind.CONTRADICTS_LF, String.format(Locale.ROOT,
                        "its top answer (candidate %d) trips '%s', a BAD LF that is %.0f%% accurate", position(rows, top), name,
                        100 * eg.accuracy()), 2 + eg.accuracy());
            } else if ("GOOD".equals(eg.vote()) && rows.length > 1 && rankings.contribution(bottom, g) != 0) {
                item = new Item(promptId, Kind.CONTRADICTS_LF, String.format(Locale.ROOT,
                        "its bottom answer (candidate %d) passes '%s', a GOOD LF that is %.0f%% accurate", position(rows, bottom), name,
                        100 * eg.accuracy()), 2 + eg.accuracy());
            }
            if (item != null && (best == null || item.priority() > best.priority())) best = item;
        }
        return best;
    }

    /** 1-based position of a row among its prompt's candidates (the number the Compare view shows). */
    private static int position(int[] rows, int row) {
        for (int i = 0; i < rows.length; i++) if (rows[i] == row) return i + 1;
        return -1;
    }
}
