package dev.prefwork.app.ui.compare;

import dev.prefwork.core.Candidate;
import dev.prefwork.core.Prompt;
import dev.prefwork.reward.RewardScores;
import dev.prefwork.reward.RewardService;
import dev.prefwork.store.Workspace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Compare view's reward-model badge on each candidate: its score and its rank among the prompt's candidates in the
 * latest reward model (marked when the model is stale), so the expert sees what the model thinks while correcting it.
 */
public final class RewardBadges implements BadgeProvider {

    private Workspace workspace;
    private RewardService rewards;

    @Override
    public synchronized Map<Long, List<Badge>> badges(Workspace ws, Prompt prompt, List<Candidate> candidates) {
        if (ws != workspace) {
            workspace = ws;
            rewards = new RewardService(ws);
        }
        Map<Long, List<Badge>> out = new HashMap<>();
        Optional<RewardScores> latest = rewards.latestScores();
        if (latest.isEmpty()) return out;
        RewardScores s = latest.get();
        List<Candidate> scored = new ArrayList<>();
        for (Candidate c : candidates) if (s.rowOf(c.id()) >= 0) scored.add(c);
        scored.sort((a, b) -> Float.compare(s.score(b.id()), s.score(a.id())));
        for (int rank = 0; rank < scored.size(); rank++) {
            Candidate c = scored.get(rank);
            float score = s.score(c.id());
            String stale = s.stale() ? " (stale)" : "";
            out.put(c.id(), List.of(new Badge("reward", String.format(Locale.ROOT, "reward #%d of %d%s", rank + 1, scored.size(), stale),
                    String.format(Locale.ROOT, "Reward model #%d: score %+.2f, P(GOOD) %.2f; ranked %d of this prompt's %d candidates%s",
                            s.modelId(), score, s.pGood(c.id()), rank + 1, scored.size(),
                            s.stale() ? ". The model is stale: " + s.staleReason() : ""),
                    rank == 0 ? Badge.Tone.GOOD : rank == scored.size() - 1 ? Badge.Tone.BAD : Badge.Tone.NEUTRAL)));
        }
        return out;
    }
}
