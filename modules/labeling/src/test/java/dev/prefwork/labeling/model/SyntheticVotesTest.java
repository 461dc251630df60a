package dev.prefwork.labeling.model;

import dev.prefwork.labeling.VoteMatrix;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SyntheticVotesTest {

    @Test
    void drawsFromTheStatedModel() {
        SyntheticVotes.Sample s = SyntheticVotes.generate(200_000, 0.3, new double[] {0.9, 0.6}, new double[] {0.5, 0.8}, 1);
        double good = 0;
        for (byte y : s.labels()) good += y == VoteMatrix.GOOD ? 1 : 0;
        assertThat(good / 200_000).isCloseTo(0.3, within(0.005));
        double[] accuracy = {0.9, 0.6}, propensity = {0.5, 0.8};
        for (int i = 0; i < 2; i++) {
            double voted = 0, right = 0;
            for (int r = 0; r < 200_000; r++) {
                byte v = s.votes().get(r, i);
                if (v != VoteMatrix.ABSTAIN) {
                    voted++;
                    if (v == s.labels()[r]) right++;
                }
            }
            assertThat(voted / 200_000).isCloseTo(propensity[i], within(0.005));
            assertThat(right / voted).isCloseTo(accuracy[i], within(0.005));
        }
    }

    @Test
    void sameSeedSameMatrix() {
        double[] acc = {0.7, 0.8, 0.9};
        assertThat(SyntheticVotes.generate(1000, 0.5, acc, acc, 4).votes())
                .isEqualTo(SyntheticVotes.generate(1000, 0.5, acc, acc, 4).votes())
                .isNotEqualTo(SyntheticVotes.generate(1000, 0.5, acc, acc, 5).votes());
    }

    @Test
    void tiesCountHalf() {
        assertThat(SyntheticVotes.labelAccuracy(new float[] {0.9f, 0.5f, 0.2f, 0.6f}, new byte[] {1, 1, -1, -1})).isEqualTo(2.5 / 4);
    }
}
