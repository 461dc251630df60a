package dev.prefwork.curation.pairs;

import dev.prefwork.core.InputException;

import java.util.Locale;

/** How a prompt's ranked candidates become training examples (DESIGN §8). */
public enum Strategy {
    /** the best-ranked candidate vs the worst-ranked one: one pair per prompt (the default) */
    BEST_WORST("best-worst", "Best vs worst"),
    /** the best vs one other candidate drawn at random (seeded): one pair per prompt */
    BEST_RANDOM("best-random", "Best vs a random other"),
    /** every pair of candidates whose scores differ by at least the margin m */
    MARGIN("margin", "All pairs with margin ≥ m"),
    /** SFT: the top candidate of the best K % of prompts (no rejected side) */
    SFT_TOP_K("sft-top-k", "SFT: top candidate of the best K % prompts");

    private final String cliName;
    private final String title;

    Strategy(String cliName, String title) {
        this.cliName = cliName;
        this.title = title;
    }

    public String cliName() {
        return cliName;
    }

    public String title() {
        return title;
    }

    public boolean sft() {
        return this == SFT_TOP_K;
    }

    public static Strategy parse(String s) {
        for (Strategy v : values()) if (v.cliName.equalsIgnoreCase(s) || v.name().equalsIgnoreCase(s)) return v;
        if ("sft".equalsIgnoreCase(s)) return SFT_TOP_K;
        throw new InputException(null, 0, "strategy", "unknown strategy '" + s + "'; choose best-worst, best-random, margin or sft-top-k");
    }

    @Override
    public String toString() {
        return cliName.toLowerCase(Locale.ROOT);
    }
}
