package dev.prefwork.labeling.lf;

import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.lf.Condition.Keywords;

import java.util.List;

/** Prefilled specs the builder opens with ("make an LF from this"). */
public final class LfDrafts {

    private LfDrafts() {
    }

    /**
     * A keyword LF for text the expert selected in a candidate: the selection (whitespace collapsed) as the one
     * term, case ignored, whole words when the selection starts and ends on a word.
     */
    public static LfSpec fromSelection(String selected, Verdict vote, String aspect) {
        String term = selected == null ? "" : selected.strip().replaceAll("\\s+", " ");
        if (term.length() > LfValidator.MAX_TERM_CHARS) term = term.substring(0, LfValidator.MAX_TERM_CHARS);
        boolean wordEdges = !term.isEmpty() && Character.isLetterOrDigit(term.codePointAt(0))
                && Character.isLetterOrDigit(term.codePointBefore(term.length()));
        String shortTerm = term.length() > 40 ? term.substring(0, 37) + "…" : term;
        return new LfSpec("mentions \"" + shortTerm + "\"", aspect == null ? "helpfulness" : aspect, vote, null, null,
                new Keywords(List.of(term), Condition.Match.ANY, false, wordEdges));
    }
}
