package dev.prefwork.curation.pairs;

import java.util.List;
import java.util.Locale;

/**
 * A built pair set before (or after) it is saved: the request, the data it was built on, the funnel and the pairs.
 * Scores, margins and lengths are read through the data's rows.
 */
public record CurationResult(CurationRequest request, CurationData data, List<FunnelStep> funnel, PairList pairs) {

    public int size() {
        return pairs.size();
    }

    public boolean sft() {
        return request.strategy().sft();
    }

    public long promptId(int i) {
        return data.promptIds()[pairs.chosen(i)];
    }

    public long chosenId(int i) {
        return data.candidateIds()[pairs.chosen(i)];
    }

    /** The rejected candidate's id, or -1 for an SFT pick. */
    public long rejectedId(int i) {
        int r = pairs.rejected(i);
        return r < 0 ? -1 : data.candidateIds()[r];
    }

    public double chosenScore(int i) {
        return data.score()[pairs.chosen(i)];
    }

    public double rejectedScore(int i) {
        int r = pairs.rejected(i);
        return r < 0 ? Double.NaN : data.score()[r];
    }

    public double chosenPGood(int i) {
        return data.pGood()[pairs.chosen(i)];
    }

    public double rejectedPGood(int i) {
        int r = pairs.rejected(i);
        return r < 0 ? Double.NaN : data.pGood()[r];
    }

    /** chosen − rejected score (NaN for an SFT pick). */
    public double margin(int i) {
        return PairBuilder.margin(chosenScore(i), rejectedScore(i));
    }

    public int chosenLength(int i) {
        return data.lengths()[pairs.chosen(i)];
    }

    public int rejectedLength(int i) {
        int r = pairs.rejected(i);
        return r < 0 ? 0 : data.lengths()[r];
    }

    /** Distinct prompts among the pairs. */
    public int prompts() {
        int n = 0;
        long last = Long.MIN_VALUE;
        for (int i = 0; i < size(); i++) {
            long p = promptId(i);
            if (p != last) n++;
            last = p;
        }
        return n;
    }

    /** Share of pairs whose chosen side is longer than the rejected one (NaN without pairs or for SFT). */
    public double chosenLongerShare() {
        if (sft() || size() == 0) return Double.NaN;
        int longer = 0;
        for (int i = 0; i < size(); i++) if (chosenLength(i) > rejectedLength(i)) longer++;
        return (double) longer / size();
    }

    /** Why pair {@code i} is what it is, in words (stored with the pair and shown beside it). */
    public String reason(int i) {
        int f = pairs.flags(i);
        String base = switch (request.strategy()) {
            case BEST_WORST -> "best vs worst by " + data.ranking().sourceId().replace('-', ' ');
            case BEST_RANDOM -> "best vs a random other (seed " + request.seed() + ")";
            case MARGIN -> String.format(Locale.ROOT, "score margin ≥ %s", PairBuilder.num(request.marginThreshold()));
            case SFT_TOP_K -> String.format(Locale.ROOT, "top candidate, prompt in the best %s %%", PairBuilder.num(request.topPercent()));
        };
        StringBuilder sb = new StringBuilder(base);
        if ((f & PairList.GOLD_CHOSEN) != 0 && (f & PairList.GOLD_REJECTED) != 0) sb.append("; your best and worst picks");
        else if ((f & PairList.GOLD_CHOSEN) != 0) sb.append("; your best pick");
        else if ((f & PairList.GOLD_REJECTED) != 0) sb.append("; your worst pick");
        if ((f & PairList.TIE_BROKEN) != 0) sb.append("; tie broken: ").append(request.ties().title().toLowerCase(Locale.ROOT));
        return sb.toString();
    }
}
