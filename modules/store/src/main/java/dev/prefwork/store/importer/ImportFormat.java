package dev.prefwork.store.importer;

import java.util.Locale;

/** The file shapes Prefwork imports (DESIGN.md §4). */
public enum ImportFormat {
    /** JSONL, one prompt per line with its candidates: {@code {"id","prompt","category"?,"candidates":[{"text","model"?}]}}. */
    CANDIDATES("candidates"),
    /** CSV with a header, one row per candidate: prompt_id (or id), prompt, response (or text), model?, category?. */
    CSV("csv"),
    /** TRL preference pairs: {@code prompt}/{@code chosen}/{@code rejected}, as strings or role/content message lists. */
    TRL("trl"),
    /** JSONL prompts without candidates (generated later): {@code {"id","prompt","category"?}}. */
    PROMPTS("prompts");

    private final String cliName;

    ImportFormat(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static ImportFormat parse(String s) {
        for (ImportFormat f : values()) {
            if (f.cliName.equalsIgnoreCase(s) || f.name().equalsIgnoreCase(s)) return f;
        }
        throw new IllegalArgumentException("unknown format '" + s + "'; expected one of candidates, csv, trl, prompts");
    }

    static boolean looksLikeCsv(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        return n.endsWith(".csv") || n.endsWith(".tsv");
    }
}
