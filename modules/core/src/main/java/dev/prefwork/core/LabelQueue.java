package dev.prefwork.core;

import java.util.Objects;

/**
 * The order in which the Compare step walks through prompts. Every queue but {@link NeedsReview} puts the prompts
 * the expert has not labelled yet first (in the queue's own order), then the labelled ones, so a queue is also a
 * to-do list: "done" means labelled (for {@link NeedsReview}: reviewed since it was flagged).
 *
 * <p>{@link #key()} is a short stable text ("unlabelled", "category:coding", "random:42", "review", "informative") stored with a
 * labelling session so that a reopened workspace resumes in the same queue.
 */
public sealed interface LabelQueue {

    String key();

    /** What the queue chooser shows. */
    String title();

    /** Every prompt in workspace order, unlabelled first (the default). */
    record UnlabelledFirst() implements LabelQueue {
        @Override public String key() { return "unlabelled"; }
        @Override public String title() { return "Unlabelled first"; }
    }

    /** The prompts of one category (the empty string: prompts without a category), unlabelled first. */
    record Category(String category) implements LabelQueue {
        public Category {
            Objects.requireNonNull(category);
        }
        @Override public String key() { return "category:" + category; }
        @Override public String title() { return "Category: " + (category.isEmpty() ? "(none)" : category); }
    }

    /** Every prompt in a random order fixed by the seed (the same seed, the same order), unlabelled first. */
    record Random(long seed) implements LabelQueue {
        @Override public String key() { return "random:" + seed; }
        @Override public String title() { return "Random (seed " + seed + ")"; }
    }

    /** Prompts flagged for the expert's review (the Rankings step flags them), highest priority first. */
    record NeedsReview() implements LabelQueue {
        @Override public String key() { return "review"; }
        @Override public String title() { return "Needs review"; }
    }

    /**
     * The unlabelled prompts whose label would teach the reward model most (fitting it flags them: it is unsure of its
     * top answer and the LFs disagree with it), highest priority first; "done" as for {@link NeedsReview}.
     */
    record MostInformative() implements LabelQueue {
        @Override public String key() { return "informative"; }
        @Override public String title() { return "Most informative"; }
    }

    /** Whether the queue walks flagged prompts ("done" = reviewed since flagged) rather than all or a part of them. */
    default boolean flagged() {
        return this instanceof NeedsReview || this instanceof MostInformative;
    }

    LabelQueue DEFAULT = new UnlabelledFirst();

    /** The queue a {@link #key()} names; anything unreadable is the default queue. */
    static LabelQueue parse(String key) {
        if (key == null) return DEFAULT;
        if (key.equals("review")) return new NeedsReview();
        if (key.equals("informative")) return new MostInformative();
        if (key.startsWith("category:")) return new Category(key.substring("category:".length()));
        if (key.startsWith("random:")) {
            try {
                return new Random(Long.parseLong(key.substring("random:".length())));
            } catch (NumberFormatException e) {
                return DEFAULT;
            }
        }
        return DEFAULT;
    }
}
