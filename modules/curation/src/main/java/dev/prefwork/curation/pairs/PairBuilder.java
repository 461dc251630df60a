package dev.prefwork.curation.pairs;

import dev.prefwork.core.Progress;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Builds pairs (or SFT picks) from {@link CurationData} by a {@link CurationRequest}: the strategy proposes
 * pairs per prompt, then the filters run in a fixed order and each adds a row to the funnel. Pure and
 * deterministic: the same data and request give the same pairs in the same order (prompts ascending, then by
 * rank), whatever the thread or the machine.
 *
 * <p>Gold overrides: where the expert picked a best (worst) candidate it is the chosen (rejected) side, and such a
 * pair is exempt from the score filters (the expert has decided what the scores only estimate). In the margin
 * strategy the expert's best moves to the top and their worst to the bottom of the prompt's order, so no pair
 * contradicts them; a pair with the expert's pick needs only |margin| ≥ m.
 *
 * <p>Before/after answers ({@link CurationData#comparisonAnswer()}) are left out unless the request includes them,
 * as if the ranking did not score them (an expert's pick among them included); the funnel says how many.
 */
public final class PairBuilder {

    /** Scores closer than this are a tie. */
    static final double TIE = 1e-9;

    private PairBuilder() {
    }

    public static CurationResult build(CurationData d, CurationRequest r, Progress progress) {
        PairList proposed = new PairList();
        int rankedPrompts = 0, tieSkipped = 0, goldPrompts = 0;
        int maxGroup = 0;
        for (int g = 0; g < d.prompts(); g++) maxGroup = Math.max(maxGroup, d.groupStart()[g + 1] - d.groupStart()[g]);
        int[] order = new int[maxGroup];
        double[] s = d.score();
        // before/after answers are left out as if unscored, before the strategy picks, so a prompt keeps the pair
        // its other candidates give
        boolean[] out = r.includeComparisonAnswers() ? null : d.comparisonAnswer();
        int promptsLeft = 0, picksLeft = 0;
        for (int g = 0; g < d.prompts(); g++) {
            if ((g & 0x3FFF) == 0) {
                progress.checkCancelled();
                progress.update(g, d.prompts(), String.format(Locale.ROOT, "Building pairs: %,d of %,d prompts", g, d.prompts()));
            }
            int k = 0, kept = 0;
            for (int i = d.groupStart()[g]; i < d.groupStart()[g + 1]; i++) {
                if (out != null && out[i]) continue;
                kept++;
                if (!Double.isNaN(s[i])) order[k++] = i;
            }
            if (kept > 0) promptsLeft++;
            if (out != null && r.goldOverrides() && (isOut(out, d.goldBest()[g]) || isOut(out, d.goldWorst()[g]))) picksLeft++;
            if (k < 2) continue;
            rankedPrompts++;
            sort(order, k, d, r);
            int gb = r.goldOverrides() ? d.goldBest()[g] : -1;
            int gw = r.goldOverrides() ? d.goldWorst()[g] : -1;
            if (gb >= 0 && (Double.isNaN(s[gb]) || isOut(out, gb))) gb = -1; // a pick the ranking does not score cannot be placed
            if (gw >= 0 && (Double.isNaN(s[gw]) || isOut(out, gw))) gw = -1;
            if (gb >= 0 || gw >= 0) goldPrompts++;
            boolean topTie = gb < 0 && Math.abs(s[order[0]] - s[order[1]]) <= TIE;
            int chosen = gb >= 0 ? gb : order[0];
            switch (r.strategy()) {
                case BEST_WORST, BEST_RANDOM -> {
                    int rejected;
                    boolean bottomTie = false;
                    if (gw >= 0 && gw != chosen) {
                        rejected = gw;
                    } else if (r.strategy() == Strategy.BEST_WORST) {
                        int last = order[k - 1] == chosen ? k - 2 : k - 1;
                        rejected = order[last];
                        int above = last - 1 >= 0 && order[last - 1] == chosen ? last - 2 : last - 1;
                        bottomTie = above >= 0 && Math.abs(s[order[above]] - s[rejected]) <= TIE;
                    } else {
                        int pick = (int) Long.remainderUnsigned(mix(r.seed() ^ (d.promptIds()[chosen] * 0x9E3779B97F4A7C15L)), k - 1);
                        int seen = 0;
                        rejected = -1;
                        for (int j = 0; j < k; j++) {
                            if (order[j] == chosen) continue;
                            if (seen++ == pick) {
                                rejected = order[j];
                                break;
                            }
                        }
                    }
                    boolean gold = gb >= 0 || (gw >= 0 && gw == rejected);
                    boolean flat = Math.abs(s[chosen] - s[rejected]) <= TIE;
                    if (r.ties() == TiePolicy.SKIP && !gold && (topTie || flat)) {
                        tieSkipped++;
                        continue;
                    }
                    int flags = (gb >= 0 ? PairList.GOLD_CHOSEN : 0) | (gw >= 0 && gw == rejected ? PairList.GOLD_REJECTED : 0)
                            | (!gold && (topTie || bottomTie || flat) ? PairList.TIE_BROKEN : 0);
                    proposed.add(chosen, rejected, flags);
                }
                case MARGIN -> {
                    // the expert's picks move to the top / bottom of the order
                    int[] o = Arrays.copyOf(order, k);
                    if (gb >= 0) moveTo(o, gb, 0);
                    if (gw >= 0 && gw != gb) moveTo(o, gw, k - 1);
                    boolean skippedAny = false;
                    for (int a = 0; a < k; a++) {
                        for (int b = a + 1; b < k; b++) {
                            boolean gold = o[a] == gb || o[b] == gw;
                            double m = s[o[a]] - s[o[b]];
                            boolean tie = Math.abs(m) <= TIE;
                            if (tie && r.ties() == TiePolicy.SKIP && !(o[a] == gb && o[b] == gw)) {
                                skippedAny = true;
                                continue;
                            }
                            boolean keep = (o[a] == gb && o[b] == gw) || (gold ? Math.abs(m) >= r.marginThreshold() - TIE
                                    : m >= r.marginThreshold() - TIE);
                            if (!keep) continue;
                            int flags = (o[a] == gb ? PairList.GOLD_CHOSEN : 0) | (o[b] == gw ? PairList.GOLD_REJECTED : 0)
                                    | (!gold && tie ? PairList.TIE_BROKEN : 0);
                            proposed.add(o[a], o[b], flags);
                        }
                    }
                    if (skippedAny) tieSkipped++;
                }
                case SFT_TOP_K -> {
                    if (r.ties() == TiePolicy.SKIP && topTie) {
                        tieSkipped++;
                        continue;
                    }
                    proposed.add(chosen, -1, (gb >= 0 ? PairList.GOLD_CHOSEN : 0) | (topTie ? PairList.TIE_BROKEN : 0));
                }
            }
        }

        List<FunnelStep> funnel = new ArrayList<>();
        int answers = d.comparisonAnswers();
        if (answers > 0) funnel.add(comparisonStep(d, r, answers, promptsLeft, picksLeft));
        else promptsLeft = d.prompts();
        funnel.add(new FunnelStep("Prompts with ≥ 2 scored candidates", -1, rankedPrompts, promptsLeft - rankedPrompts,
                promptsLeft == rankedPrompts ? "" : String.format(Locale.ROOT, "%,d of %,d prompts have fewer than 2 scored candidates",
                        promptsLeft - rankedPrompts, promptsLeft)));
        CurationResult proposedResult = new CurationResult(r, d, List.of(), proposed);
        String proposedNote = (tieSkipped == 0 ? "" : String.format(Locale.ROOT, "%,d prompt%s skipped for ties", tieSkipped, tieSkipped == 1 ? "" : "s"))
                + (goldPrompts == 0 ? "" : (tieSkipped == 0 ? "" : "; ") + String.format(Locale.ROOT, "your picks decide %,d prompt%s",
                goldPrompts, goldPrompts == 1 ? "" : "s"));
        funnel.add(new FunnelStep(r.strategy() == Strategy.MARGIN ? "All pairs with margin ≥ " + num(r.marginThreshold()) : r.strategy().title(),
                proposed.size(), proposedResult.prompts(), tieSkipped, proposedNote));

        boolean[] keep = new boolean[proposed.size()];
        Arrays.fill(keep, true);
        Counter counter = new Counter(proposedResult, keep);
        if (!r.strategy().sft() && !Double.isNaN(r.minMargin())) {
            for (int i = 0; i < keep.length; i++) {
                if (keep[i] && !proposed.gold(i) && proposedResult.margin(i) < r.minMargin() - TIE) keep[i] = false;
            }
            funnel.add(counter.step("Margin ≥ " + num(r.minMargin()), ""));
        }
        if (!Double.isNaN(r.minChosenScore())) {
            for (int i = 0; i < keep.length; i++) {
                if (keep[i] && !proposed.gold(i) && proposedResult.chosenScore(i) < r.minChosenScore() - TIE) keep[i] = false;
            }
            funnel.add(counter.step("Chosen score ≥ " + num(r.minChosenScore()), ""));
        }
        if (!Double.isNaN(r.minChosenPGood())) {
            for (int i = 0; i < keep.length; i++) {
                if (keep[i] && !proposed.gold(i) && !(proposedResult.chosenPGood(i) >= r.minChosenPGood() - TIE)) keep[i] = false;
            }
            funnel.add(counter.step("Chosen P(GOOD) ≥ " + num(r.minChosenPGood()), ""));
        }
        if (!Double.isNaN(r.badLfAccuracy())) {
            // a prompt goes when its chosen (best) candidate is flagged; the expert's own pick stays
            int[] hits = new int[Math.max(1, d.lfNames().size())];
            long prompt = Long.MIN_VALUE;
            boolean drop = false;
            for (int i = 0; i < keep.length; i++) {
                int c = proposed.chosen(i);
                if (d.promptIds()[c] != prompt) { // the prompt's first pair holds its best candidate
                    prompt = d.promptIds()[c];
                    drop = (proposed.flags(i) & PairList.GOLD_CHOSEN) == 0 && d.badAccuracy()[c] > 0
                            && d.badAccuracy()[c] >= r.badLfAccuracy() - 1e-6;
                    if (drop && d.badLf()[c] >= 0 && anyKept(proposedResult, keep, i, prompt)) hits[d.badLf()[c]]++;
                }
                if (drop) keep[i] = false;
            }
            StringBuilder note = new StringBuilder();
            for (int j = 0; j < d.lfNames().size(); j++) {
                if (hits[j] == 0) continue;
                note.append(note.length() == 0 ? "" : ", ").append(d.lfNames().get(j)).append(" ×").append(hits[j]);
            }
            if (!d.lfNote().isEmpty()) note.append(note.length() == 0 ? "" : "; ").append(d.lfNote());
            funnel.add(counter.step("Best not flagged by a BAD LF with accuracy ≥ " + num(r.badLfAccuracy()), note.toString()));
        }
        if (!r.strategy().sft() && !Double.isNaN(r.maxChosenLonger())) {
            String note = lengthGuard(proposedResult, keep, r.maxChosenLonger());
            funnel.add(counter.step("Chosen longer in ≤ " + Math.round(100 * r.maxChosenLonger()) + " % of pairs", note));
        }
        if (r.strategy().sft()) {
            topK(proposedResult, keep, r.topPercent());
            funnel.add(counter.step("Top " + num(r.topPercent()) + " % of prompts by their best score", ""));
        }
        progress.update(d.prompts(), d.prompts(), "Pairs built");
        return new CurationResult(r, d, List.copyOf(funnel), proposed.select(keep));
    }

    private static boolean isOut(boolean[] out, int row) {
        return out != null && row >= 0 && out[row];
    }

    /**
     * The funnel's first row when the workspace holds before/after answers: how many were left out (prompts whose
     * candidates were all such answers are its "removed"), or that they were drawn from as asked.
     */
    private static FunnelStep comparisonStep(CurationData d, CurationRequest r, int answers, int promptsLeft, int picksLeft) {
        String from = String.format(Locale.ROOT, "%,d answer%s of %,d before/after comparison%s", answers, answers == 1 ? "" : "s",
                d.comparisons(), d.comparisons() == 1 ? "" : "s");
        if (r.includeComparisonAnswers()) {
            return new FunnelStep("Before/after answers included", -1, promptsLeft, 0,
                    from + " may be drawn (a tuned model's own outputs)");
        }
        String note = from + " (a tuned model's and its base's own outputs) are not drawn from; include them to use them";
        if (picksLeft > 0) {
            note += String.format(Locale.ROOT, "; your pick on %,d prompt%s was one of them and is ignored", picksLeft, picksLeft == 1 ? "" : "s");
        }
        return new FunnelStep("Before/after answers left out", -1, promptsLeft, d.prompts() - promptsLeft, note);
    }

    /** Counts what each filter kept. */
    private static final class Counter {
        private final CurationResult all;
        private final boolean[] keep;
        private int lastPairs;

        Counter(CurationResult all, boolean[] keep) {
            this.all = all;
            this.keep = keep;
            this.lastPairs = all.size();
        }

        FunnelStep step(String label, String note) {
            int pairs = 0, prompts = 0;
            long last = Long.MIN_VALUE;
            for (int i = 0; i < keep.length; i++) {
                if (!keep[i]) continue;
                pairs++;
                long p = all.promptId(i);
                if (p != last) prompts++;
                last = p;
            }
            FunnelStep s = new FunnelStep(label, pairs, prompts, lastPairs - pairs, note);
            lastPairs = pairs;
            return s;
        }
    }

    /** True when a pair of {@code promptId} from {@code from} on (a prompt's pairs are contiguous) is still kept. */
    private static boolean anyKept(CurationResult all, boolean[] keep, int from, long promptId) {
        for (int j = from; j < keep.length && all.promptId(j) == promptId; j++) if (keep[j]) return true;
        return false;
    }

    /** Drops pairs whose chosen side is longer (smallest margin first, never the expert's) until the share fits. */
    private static String lengthGuard(CurationResult all, boolean[] keep, double cap) {
        int n = 0, longer = 0;
        List<Integer> droppable = new ArrayList<>();
        for (int i = 0; i < keep.length; i++) {
            if (!keep[i]) continue;
            n++;
            if (all.chosenLength(i) > all.rejectedLength(i)) {
                longer++;
                if (!all.pairs().gold(i)) droppable.add(i);
            }
        }
        if (n == 0 || longer <= cap * n + TIE) {
            return n == 0 ? "" : String.format(Locale.ROOT, "chosen is longer in %.0f %%", 100.0 * longer / n);
        }
        int need = cap >= 1 ? 0 : (int) Math.ceil((longer - cap * n) / (1 - cap) - TIE);
        droppable.sort((a, b) -> {
            int c = Double.compare(all.margin(a), all.margin(b));
            return c != 0 ? c : Integer.compare(a, b);
        });
        int dropped = Math.min(need, droppable.size());
        for (int j = 0; j < dropped; j++) keep[droppable.get(j)] = false;
        int left = n - dropped;
        String note = String.format(Locale.ROOT, "chosen was longer in %.0f %%; now %.0f %%", 100.0 * longer / n,
                left == 0 ? 0 : 100.0 * (longer - dropped) / left);
        if (dropped < need) note += " (your own picks are kept, so the cap is not reached)";
        return note;
    }

    /** Keeps the picks of the best {@code percent} % of the remaining prompts by score (ties: lower prompt id). */
    private static void topK(CurationResult all, boolean[] keep, double percent) {
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < keep.length; i++) if (keep[i]) kept.add(i);
        int quota = (int) Math.ceil(kept.size() * percent / 100.0 - TIE);
        kept.sort((a, b) -> {
            int c = Double.compare(all.chosenScore(b), all.chosenScore(a));
            return c != 0 ? c : Long.compare(all.promptId(a), all.promptId(b));
        });
        for (int j = quota; j < kept.size(); j++) keep[kept.get(j)] = false;
    }

    /** Sorts rows {@code o[0..k)} best first: score descending, ties by the policy, then by position. */
    private static void sort(int[] o, int k, CurationData d, CurationRequest r) {
        for (int i = 1; i < k; i++) {
            int v = o[i];
            int j = i - 1;
            while (j >= 0 && better(v, o[j], d, r)) {
                o[j + 1] = o[j];
                j--;
            }
            o[j + 1] = v;
        }
    }

    private static boolean better(int a, int b, CurationData d, CurationRequest r) {
        double sa = d.score()[a], sb = d.score()[b];
        if (Math.abs(sa - sb) > TIE) return sa > sb;
        switch (r.ties()) {
            case SHORTER -> {
                if (d.lengths()[a] != d.lengths()[b]) return d.lengths()[a] < d.lengths()[b];
            }
            case RANDOM -> {
                long ha = mix(r.seed() ^ d.candidateIds()[a]), hb = mix(r.seed() ^ d.candidateIds()[b]);
                if (ha != hb) return Long.compareUnsigned(ha, hb) < 0;
            }
            default -> { }
        }
        return a < b; // rows are in position order within a prompt
    }

    private static void moveTo(int[] o, int row, int target) {
        int at = -1;
        for (int i = 0; i < o.length; i++) if (o[i] == row) at = i;
        if (at < 0) return;
        if (at < target) System.arraycopy(o, at + 1, o, at, target - at);
        else System.arraycopy(o, target, o, target + 1, at - target);
        o[target] = row;
    }

    /** SplitMix64's finaliser: a well-mixed 64-bit hash, the same on every JVM. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** chosen − rejected, rounded to 1e-9 so 0.9 − 0.2 is 0.7 and not 0.7000000000000001. */
    static double margin(double chosen, double rejected) {
        if (Double.isNaN(rejected)) return Double.NaN;
        return Math.round((chosen - rejected) * 1e9) / 1e9;
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.valueOf((long) v);
        return String.valueOf(Math.round(v * 1e6) / 1e6);
    }
}
