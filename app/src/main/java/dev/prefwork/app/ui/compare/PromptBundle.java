package dev.prefwork.app.ui.compare;

import dev.prefwork.app.ui.markdown.MdDoc;
import dev.prefwork.core.Prompt;

import java.util.List;

/**
 * One prompt as the Compare view shows it, loaded (and its markdown parsed) off the UI thread, cached and
 * prefetched so that moving to the next prompt only has to build its nodes.
 *
 * @param judgments    the gold as it was read; the view model's own copy wins once the expert has changed it
 * @param reviewReason why the prompt is in the needs-review queue, or null
 */
public record PromptBundle(Prompt prompt, MdDoc promptDoc, List<CandidateView> candidates, Judgments judgments,
                           String reviewReason) {

    public long id() {
        return prompt.id();
    }

    /** One candidate: its text parsed as markdown and cut into raw blocks, its length and its badges. */
    public record CandidateView(long id, int position, String model, String text, int chars, int words, MdDoc markdown,
                                MdDoc raw, List<Badge> badges) {

        /** 1-based, what the view shows and the number keys use. */
        public int number() {
            return position + 1;
        }
    }

    /** The index (0-based, in display order) of a candidate id, or -1. */
    public int indexOf(long candidateId) {
        for (int i = 0; i < candidates.size(); i++) if (candidates.get(i).id() == candidateId) return i;
        return -1;
    }
}
