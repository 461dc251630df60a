package dev.prefwork.curation.pairs;

import dev.prefwork.core.InputException;

/**
 * What to do when candidates have the same score (common with label-model P(GOOD): candidates with the same votes
 * get the same probability). A tie matters where it decides which candidate is chosen (the top) or makes a pair
 * carry no preference (chosen and rejected equal).
 */
public enum TiePolicy {
    /** leave out a prompt whose top is tied, and any pair whose two sides score the same */
    SKIP("skip", "Skip the prompt"),
    /** the shorter candidate ranks higher (guards against teaching verbosity); the default */
    SHORTER("shorter", "Prefer the shorter"),
    /** the earlier candidate (lower position in the file) ranks higher */
    POSITION("position", "Prefer the earlier"),
    /** a seeded random order among the tied candidates */
    RANDOM("random", "Random (seeded)");

    private final String cliName;
    private final String title;

    TiePolicy(String cliName, String title) {
        this.cliName = cliName;
        this.title = title;
    }

    public String cliName() {
        return cliName;
    }

    public String title() {
        return title;
    }

    public static TiePolicy parse(String s) {
        for (TiePolicy v : values()) if (v.cliName.equalsIgnoreCase(s) || v.name().equalsIgnoreCase(s)) return v;
        throw new InputException(null, 0, "ties", "unknown tie policy '" + s + "'; choose skip, shorter, position or random");
    }
}
