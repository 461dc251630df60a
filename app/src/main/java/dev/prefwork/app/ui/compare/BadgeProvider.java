package dev.prefwork.app.ui.compare;

import dev.prefwork.core.Candidate;
import dev.prefwork.core.Prompt;
import dev.prefwork.store.Workspace;

import java.util.List;
import java.util.Map;

/**
 * Supplies the {@link Badge}s of a prompt's candidates (the slot later issues fill: LF votes, label-model P(GOOD),
 * reward scores). Register one with {@code CompareViewModel.addBadgeProvider} in the composition root; it is called
 * off the UI thread whenever a prompt is loaded (and prefetched), so it may query the workspace, but it must be quick
 * (a few milliseconds): prompt switching waits for it on a cache miss. Call {@code CompareViewModel.refreshBadges()}
 * when what it shows has changed (a new label model, new scores).
 */
@FunctionalInterface
public interface BadgeProvider {

    /** Badges per candidate id; candidates without an entry get none. A failure hides this provider's badges only. */
    Map<Long, List<Badge>> badges(Workspace workspace, Prompt prompt, List<Candidate> candidates) throws Exception;
}
