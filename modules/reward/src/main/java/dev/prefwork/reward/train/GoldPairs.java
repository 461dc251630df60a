package dev.prefwork.reward.train;

import dev.prefwork.core.Preference;
import dev.prefwork.core.PromptGold;
import dev.prefwork.core.Verdict;
import dev.prefwork.reward.features.CandidateIndex;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The expert's pairwise judgments as ordered pairs of rows (winner beats loser, both of the same prompt), from, in
 * order of precedence:
 * <ol>
 *   <li>stated pairwise preferences;</li>
 *   <li>best/worst picks: the best beats every other candidate of its prompt, every other beats the worst;</li>
 *   <li>GOOD/BAD labels: within a prompt, every GOOD beats every BAD;</li>
 *   <li>1–5 ratings: within a prompt, a higher rating beats a lower one (weight {@value #RATING_WEIGHT}: ratings are
 *       coarser than a direct comparison).</li>
 * </ol>
 * Each unordered pair appears once, ordered by the highest-precedence judgment that orders it (a stated preference
 * overrides a pick that would order the pair the other way). These pairs are both the Bradley–Terry training terms and
 * the gold pairs the pairwise accuracy is measured on.
 */
public final class GoldPairs {

    public static final float RATING_WEIGHT = 0.5f;

    public enum Source { RATING, LABEL, PICK, PREFERENCE }

    public record Pair(int winner, int loser, int prompt, float weight, Source source) {
    }

    private final List<Pair> pairs;

    private GoldPairs(List<Pair> pairs) {
        this.pairs = List.copyOf(pairs);
    }

    public static GoldPairs of(List<Pair> pairs) {
        return new GoldPairs(pairs);
    }

    public static GoldPairs build(CandidateIndex index, Map<Long, Verdict> labels, List<PromptGold> picks, List<Preference> preferences,
                                  Map<Long, Integer> ratings) {
        Map<Long, Pair> byKey = new LinkedHashMap<>();
        // lowest precedence first; a later source replaces the order an earlier one gave
        for (int p = 0; p < index.prompts(); p++) {
            int[] rows = index.rowsOf(p);
            for (int a = 0; a < rows.length; a++) {
                for (int b = a + 1; b < rows.length; b++) {
                    Integer ra = ratings.get(index.candidateId(rows[a])), rb = ratings.get(index.candidateId(rows[b]));
                    if (ra != null && rb != null && !ra.equals(rb)) {
                        put(byKey, ra > rb ? rows[a] : rows[b], ra > rb ? rows[b] : rows[a], p, RATING_WEIGHT, Source.RATING);
                    }
                }
            }
            for (int a = 0; a < rows.length; a++) {
                for (int b = 0; b < rows.length; b++) {
                    if (labels.get(index.candidateId(rows[a])) == Verdict.GOOD && labels.get(index.candidateId(rows[b])) == Verdict.BAD) {
                        put(byKey, rows[a], rows[b], p, 1f, Source.LABEL);
                    }
                }
            }
        }
        for (PromptGold g : picks) {
            int p = index.promptIndex(g.promptId());
            if (p < 0) continue;
            int[] rows = index.rowsOf(p);
            int best = g.bestCandidateId() == null ? -1 : index.rowOf(g.bestCandidateId());
            int worst = g.worstCandidateId() == null ? -1 : index.rowOf(g.worstCandidateId());
            for (int r : rows) {
                if (best >= 0 && r != best) put(byKey, best, r, p, 1f, Source.PICK);
                if (worst >= 0 && r != worst && r != best) put(byKey, r, worst, p, 1f, Source.PICK);
            }
        }
        for (Preference pref : preferences) {
            int w = index.rowOf(pref.preferred()), l = index.rowOf(pref.other());
            if (w < 0 || l < 0 || index.promptOf(w) != index.promptOf(l)) continue;
            put(byKey, w, l, index.promptOf(w), 1f, Source.PREFERENCE);
        }
        List<Pair> out = new ArrayList<>(byKey.values());
        out.sort((x, y) -> x.prompt() != y.prompt() ? Integer.compare(x.prompt(), y.prompt())
                : x.winner() != y.winner() ? Integer.compare(x.winner(), y.winner()) : Integer.compare(x.loser(), y.loser()));
        return new GoldPairs(out);
    }

    private static void put(Map<Long, Pair> byKey, int winner, int loser, int prompt, float weight, Source source) {
        long key = ((long) Math.min(winner, loser) << 32) | Math.max(winner, loser);
        Pair old = byKey.get(key);
        if (old == null || old.source().ordinal() <= source.ordinal()) byKey.put(key, new Pair(winner, loser, prompt, weight, source));
    }

    public List<Pair> pairs() {
        return pairs;
    }

    public int size() {
        return pairs.size();
    }

    /** The pairs whose prompt passes {@code keep}. */
    public GoldPairs filter(java.util.function.IntPredicate keepPrompt) {
        return new GoldPairs(pairs.stream().filter(p -> keepPrompt.test(p.prompt())).toList());
    }
}
