package dev.prefwork.labeling.engine;

import java.util.Arrays;

/** Per-candidate measures an LF's votes can be compared with (the same values the LF templates read). */
public enum CandidateMeasure {
    CHARS("chars", "response length (characters)"),
    WORDS("words", "response length (words)"),
    READABILITY("readability", "readability (Flesch)"),
    REPETITION("repetition", "repetition (duplicate 3-grams)"),
    PROMPT_OVERLAP("prompt_overlap", "overlap with the prompt's words");

    private final String key;
    private final String label;

    CandidateMeasure(String key, String label) {
        this.key = key;
        this.label = label;
    }

    public String key() {
        return key;
    }

    public String label() {
        return label;
    }

    public static CandidateMeasure parse(String s) {
        for (CandidateMeasure m : values()) if (m.key.equalsIgnoreCase(s.trim()) || m.name().equalsIgnoreCase(s.trim())) return m;
        throw new IllegalArgumentException("unknown measure '" + s + "'; known: "
                + Arrays.stream(values()).map(CandidateMeasure::key).toList());
    }
}
