package dev.prefwork.curation.ranking;

import dev.prefwork.core.Progress;

import java.util.Optional;

/**
 * Where pair curation gets its scores: one implementation per model that can rank every candidate. The label
 * model's P(GOOD) ({@link LabelModelRanking}) is always there once a label model is fitted; the reward model
 * (modules/reward) adds its own implementation, listed before it in the composition root so it becomes the
 * default when a reward model exists. Implementations are thread-safe and cheap to construct.
 */
public interface RankingSource {

    /** Stable id recorded in every pair set ("label-model", "reward-model"); the CLI's {@code --ranking} value. */
    String id();

    /** What the expert reads in the source chooser ("Label model P(GOOD)"). */
    String title();

    /** The latest ranking of every candidate, or empty while this source has none (nothing fitted yet). */
    Optional<Ranking> load(Progress progress);
}
