package dev.prefwork.reward;

import dev.prefwork.reward.ReviewQueue.Item;
import dev.prefwork.reward.ReviewQueue.Signal;
import dev.prefwork.reward.train.RewardLoss;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Hand-built prompts with a known most-informative order (priority = u·(1 + d), see {@link ReviewQueue}). */
class MostInformativeQueueTest {

    private static Signal sig(long id, double[] scores, double[] lf) {
        return new Signal(id, scores, lf, "g", null);
    }

    @Test
    void tiedAndContradictedByTheLfsComesFirstThenTiedThenContradictedThenSure() {
        double[] silent = {0, 0, 0};
        List<Signal> prompts = List.of(
                sig(1, new double[]{5, 0, -1}, silent),            // sure, LFs silent: u ≈ 0.013
                sig(2, new double[]{0.1, 0, -2}, silent),          // nearly tied, LFs silent: u ≈ 0.95
                sig(3, new double[]{0.1, 0, -2}, new double[]{-0.9, 0.9, 0}), // nearly tied, LFs against the top: ≈ 1.9
                sig(4, new double[]{2, 0, -2}, new double[]{-0.9, 0.9, 0}),   // fairly sure, LFs against it: u ≈ 0.24, ×2
                sig(5, new double[]{1}, silent));                  // one candidate: nothing to compare
        List<Item> q = ReviewQueue.mostInformative(prompts, 10);
        assertThat(q).extracting(Item::promptId).containsExactly(3L, 2L, 4L, 1L);
        assertThat(q).allMatch(i -> i.kind() == ReviewQueue.Kind.MOST_INFORMATIVE);
        double u3 = 1 - (2 * RewardLoss.sigmoid(0.1) - 1);
        assertThat(q.get(0).priority()).isCloseTo(u3 * 2, within(1e-9));
        assertThat(q.get(1).priority()).isCloseTo(u3, within(1e-9));
        assertThat(q.get(0).reason()).contains("can hardly tell its two best answers (1 and 2) apart", "the LFs disagree with it");
        assertThat(q.get(1).reason()).doesNotContain("LFs");
        assertThat(ReviewQueue.mostInformative(prompts, 2)).extracting(Item::promptId).containsExactly(3L, 2L);
    }

    @Test
    void aNearDuplicatePromptIsSkippedAndGroupsTakeTurns() {
        double[] tied = {0, 0};
        double[] silent = {0, 0};
        List<Signal> prompts = List.of(
                new Signal(1, tied, silent, "a", new float[]{1, 0, 0}),
                new Signal(2, tied, silent, "a", new float[]{0.99f, 0.05f, 0}), // cosine ≈ 0.999 to 1: skipped
                new Signal(3, tied, silent, "a", new float[]{0, 1, 0}),
                new Signal(4, new double[]{0.5, 0}, silent, "b", new float[]{0, 0, 1}));
        // by priority alone: 1, 2, 3 (tied), 4; 2 is a near-duplicate of 1; then a, b, a
        assertThat(ReviewQueue.mostInformative(prompts, 10)).extracting(Item::promptId).containsExactly(1L, 4L, 3L);
    }
}
