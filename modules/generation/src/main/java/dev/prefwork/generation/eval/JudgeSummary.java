package dev.prefwork.generation.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * The judge's outcome over a prompt set: votes for each side, ties (the two orders disagreed), prompts without a vote
 * (a malformed answer or a refusal in either order; left out of the rates), the win rate of the tuned model with its
 * Wilson interval, and the length-controlled win rate.
 */
public record JudgeSummary(int tuned, int base, int ties, int noVote, WinRate winRate, LengthControlledWinRate lengthControlled) {

    /** {@code votes.get(i)} judged the pair whose answers were {@code tunedLengths[i]} and {@code baseLengths[i]} long. */
    public static JudgeSummary of(List<PairwiseJudge.Vote> votes, int[] tunedLengths, int[] baseLengths) {
        int t = 0, b = 0, tie = 0, none = 0;
        List<LengthControlledWinRate.Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < votes.size(); i++) {
            PairwiseJudge.Vote v = votes.get(i);
            double y;
            switch (v) {
                case TUNED -> { t++; y = 1; }
                case BASE -> { b++; y = 0; }
                case TIE -> { tie++; y = 0.5; }
                default -> { none++; continue; }
            }
            outcomes.add(new LengthControlledWinRate.Outcome(y, tunedLengths[i], baseLengths[i]));
        }
        return new JudgeSummary(t, b, tie, none, WinRate.of(t, tie, b), LengthControlledWinRate.fit(outcomes));
    }
}
