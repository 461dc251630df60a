package dev.prefwork.training;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a run's preference pairs come from: a TRL JSONL file the expert picks, the expert's own gold picks, and
 * (once curation lands) a curated pair set. A source checks its pairs and writes them into the run folder as TRL
 * JSONL ({@code {"prompt", "chosen", "rejected"}}, strings or message lists).
 */
public interface PairSource {

    /** What the run history shows: "pairs.jsonl (412 pairs)", "gold picks: best vs worst". */
    String description();

    /** Checks every pair without writing anything; bad input throws {@code InputException} naming file, line, field. */
    PairSummary check() throws IOException;

    /** Writes the pairs to {@code target} (a new file) and returns what was written. */
    PairSummary writeTo(Path target) throws IOException;

    /** How many pairs, and how many of them are conversations (message lists). */
    record PairSummary(int pairs, int conversational) {
    }
}
