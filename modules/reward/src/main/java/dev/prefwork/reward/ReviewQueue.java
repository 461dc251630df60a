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
 *
 * <p>A second, separate queue, {@link Kind#MOST_INFORMATIVE} (see {@link #mostInformative(List, int)} for the formula),
 * picks the unlabelled prompts whose label would change the model most: uncertainty × (1 + LF disagreement), made
 * diverse; it is stored under {@link #SOURCE_INFORMATIVE} for the prompts the first queue did not flag.
 */
public final class ReviewQueue {

    public static final double HIGH_ACCURACY = 0.85;
    public static final String SOURCE = "rankings";
    /** The source of the {@link Kind#MOST_INFORMATIVE} flags (their own queue in the Compare step's chooser). */
    public static final String SOURCE_INFORMATIVE = "informative";

    public enum Kind { CONTRADICTS_GOLD, CONTRADICTS_LF, LEAST_SURE, MOST_INFORMATIVE }

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

    /** What {@link #mostInformative} needs of one unlabelled prompt (rows in the prompt's candidate order). */
    public record Signal(long promptId, double[] scores, double[] lfNet, String group, float[] embedding) {
    }

    /** Prompt-embedding cosine above which a prompt counts as a near-duplicate of one already chosen. */
    public static final double NEAR_DUPLICATE = 0.95;

    /**
     * The MOST_INFORMATIVE queue: the unlabelled prompts whose label would change the model most.
     * <pre>
     *   u = 1 − (2σ(s₁ − s₂) − 1)                       uncertainty: s₁, s₂ the model's two best scores (1 = tied)
     *   d = (max lfNet − lfNet[top]) / (max − min lfNet)  disagreement: how far the LFs' net vote (GOOD +accuracy,
     *                                                    BAD −accuracy) puts the model's top answer below the LFs'
     *                                                    favourite (0 when the LFs agree or are silent)
     *   priority = u · (1 + d)                           in [0, 2]
     * </pre>
     * Diversity: greedy by priority, a prompt whose embedding has cosine &gt; {@value #NEAR_DUPLICATE} to one already
     * chosen is skipped; the chosen ones are then taken round-robin over their groups (dataset/category), each group
     * by priority, so one big group cannot fill the queue.
     */
    public static List<Item> mostInformative(List<Signal> prompts, int limit) {
        record Scored(Signal sig, double u, double d, int top, int second) {
            double priority() {
                return u * (1 + d);
            }
        }
        List<Scored> scored = new ArrayList<>();
        for (Signal sig : prompts) {
            double[] s = sig.scores();
            if (s.length < 2) continue;
            int top = 0;
            for (int i = 1; i < s.length; i++) if (s[i] > s[top]) top = i;
            int second = top == 0 ? 1 : 0;
            for (int i = 0; i < s.length; i++) if (i != top && s[i] > s[second]) second = i;
            double u = 1 - (2 * RewardLoss.sigmoid(s[top] - s[second]) - 1);
            double d = 0;
            double[] v = sig.lfNet();
            if (v != null && v.length == s.length) {
                double max = Double.NEGATIVE_INFINITY, min = Double.POSITIVE_INFINITY;
                for (double x : v) {
                    max = Math.max(max, x);
                    min = Math.min(min, x);
                }
                if (max - min > 1e-12) d = (max - v[top]) / (max - min);
            }
            scored.add(new Scored(sig, u, d, top, second));
        }
        scored.sort(Comparator.comparingDouble((Scored x) -> -x.priority()).thenComparingLong(x -> x.sig().promptId()));
        List<Scored> kept = new ArrayList<>();
        for (Scored x : scored) {
            boolean duplicate = false;
            float[] e = x.sig().embedding();
            if (e != null) {
                for (Scored k : kept) {
                    if (k.sig().embedding() != null && cosine(e, k.sig().embedding()) > NEAR_DUPLICATE) {
                        duplicate = true;
                        break;
                    }
                }
            }
            if (!duplicate) kept.add(x);
        }
        // round-robin over the groups, each in priority order (a group's first comes in as early as its priority allows)
        java.util.LinkedHashMap<String, java.util.ArrayDeque<Scored>> byGroup = new java.util.LinkedHashMap<>();
        for (Scored x : kept) byGroup.computeIfAbsent(String.valueOf(x.sig().group()), k -> new java.util.ArrayDeque<>()).add(x);
        List<Item> out = new ArrayList<>();
        while (out.size() < limit && !byGroup.isEmpty()) {
            var it = byGroup.values().iterator();
            while (it.hasNext() && out.size() < limit) {
                java.util.ArrayDeque<Scored> q = it.next();
                Scored x = q.poll();
                if (q.isEmpty()) it.remove();
                out.add(new Item(x.sig().promptId(), Kind.MOST_INFORMATIVE, informativeReason(x.u(), x.d(), x.top() + 1, x.second() + 1),
                        x.priority()));
            }
        }
        return List.copyOf(out);
    }

    private static String informativeReason(double u, double d, int top, int second) {
        String tell = u > 0.8 ? "the model can hardly tell its two best answers (%d and %d) apart"
                : u > 0.4 ? "the model is unsure between its two best answers (%d and %d)"
                : "the model prefers answer %d over %d, but not by much";
        String lfs = d >= 0.99 ? ", and the LFs disagree with it"
                : d > 0.01 ? ", and the LFs partly disagree with it" : "";
        return String.format(Locale.ROOT, "most informative: " + tell + lfs + " — your judgment here teaches it most", top, second);
    }

    private static double cosine(float[] a, float[] b) {
        if (a.length != b.length) return 0;
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    /**
     * The {@link #mostInformative} queue of a fitted model: its unlabelled prompts (no gold pair), scored under
     * {@code weighted}, their LFs' accuracy-weighted net votes, grouped by {@code groupOf} (prompt id → dataset/category;
     * missing: one group) and without embeddings.
     */
    static List<Item> mostInformative(Rankings rankings, Rankings.Weighted weighted, java.util.Map<Long, String> groupOf, int limit) {
        CandidateIndex index = rankings.index();
        double[] s = weighted.scores();
        boolean[] labelled = new boolean[index.prompts()];
        for (GoldPairs.Pair pair : rankings.fullPairs().pairs()) labelled[pair.prompt()] = true;
        List<ExplanationGroup> groups = rankings.model().explanations();
        List<Signal> signals = new ArrayList<>();
        for (int p = 0; p < index.prompts(); p++) {
            int[] rows = index.rowsOf(p);
            if (rows.length < 2 || labelled[p]) continue;
            double[] scores = new double[rows.length];
            double[] net = new double[rows.length];
            for (int i = 0; i < rows.length; i++) {
                scores[i] = s[rows[i]];
                for (int g = 0; g < groups.size(); g++) {
                    ExplanationGroup eg = groups.get(g);
                    if (!eg.isLf() || rankings.contribution(rows[i], g) == 0) continue;
                    double w = Double.isNaN(eg.accuracy()) ? 0.5 : eg.accuracy();
                    if ("GOOD".equals(eg.vote())) net[i] += w;
                    else if ("BAD".equals(eg.vote())) net[i] -= w;
                }
            }
            long id = index.promptId(p);
            signals.add(new Signal(id, scores, net, groupOf == null ? null : groupOf.get(id), null));
        }
        return mostInformative(signals, limit);
    }

    /**
     * Replaces both queues of a workspace with those of {@code rankings} under {@code weighted}, each in one
     * transaction: the needs-review flags ({@link #SOURCE}), then the most-informative ones ({@link #SOURCE_INFORMATIVE})
     * on the prompts the first did not flag (a prompt holds one flag).
     */
    public static void store(dev.prefwork.store.Workspace ws, Rankings rankings, Rankings.Weighted weighted) {
        int limit = defaultLimit(rankings.index().prompts());
        List<dev.prefwork.store.ReviewRepository.Flag> flags = new ArrayList<>();
        java.util.Set<Long> flagged = new java.util.HashSet<>();
        for (Item i : rankings.reviewItems(weighted, limit)) {
            flags.add(new dev.prefwork.store.ReviewRepository.Flag(i.promptId(), i.reason(), i.priority()));
            flagged.add(i.promptId());
        }
        ws.reviews().replace(SOURCE, flags);
        java.util.Map<Long, String> groupOf = new java.util.HashMap<>();
        for (dev.prefwork.core.PromptSummary p : ws.prompts().summaries(rankings.index().promptIds())) {
            groupOf.put(p.id(), p.dataset() + "/" + (p.category() == null ? "" : p.category()));
        }
        List<dev.prefwork.store.ReviewRepository.Flag> informative = new ArrayList<>();
        for (Item i : rankings.informativeItems(weighted, groupOf, limit + flagged.size())) {
            if (flagged.contains(i.promptId()) || informative.size() >= limit) continue;
            informative.add(new dev.prefwork.store.ReviewRepository.Flag(i.promptId(), i.reason(), i.priority()));
        }
        ws.reviews().replace(SOURCE_INFORMATIVE, informative);
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
