package dev.prefwork.store.importer;

/**
 * Limits the importer enforces; each breach is an error naming the line and field. They keep one bad
 * record from exhausting memory or making the workspace unusable, and are documented in docs/GUIDE.md.
 */
public final class ImportLimits {
    /** One prompt or response text: one million characters (about 250 pages). */
    public static final int MAX_TEXT_CHARS = 1_000_000;
    /** One JSONL line, in bytes (a line holds a prompt and all its candidates). */
    public static final int MAX_LINE_BYTES = 64 * 1024 * 1024;
    /** Ids, categories and model names. */
    public static final int MAX_NAME_CHARS = 200;
    /** Candidates per prompt: at least two to compare, at most what a compare view can still show. */
    public static final int MIN_CANDIDATES = 2;
    public static final int MAX_CANDIDATES = 100;
    /** JSON nesting depth of one record. */
    public static final int MAX_JSON_DEPTH = 64;

    private ImportLimits() {
    }
}
