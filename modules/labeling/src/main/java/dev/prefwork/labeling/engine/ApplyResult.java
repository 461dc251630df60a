package dev.prefwork.labeling.engine;

import dev.prefwork.labeling.VoteMatrix;

import java.util.List;

/**
 * What {@link LfEngine#apply} produced: the vote matrix (one column per requested spec, in request order;
 * rows are the corpus's candidates in ascending id order) and how each column was obtained.
 */
public record ApplyResult(VoteMatrix matrix, List<Column> columns, long elapsedNanos) {

    public enum Source {
        /** Taken from the engine's cache (same spec and context as before, or seeded from the store). */
        CACHED,
        /** Evaluated now. */
        COMPUTED,
        /** The spec is invalid; the column abstains everywhere. */
        INVALID,
        /** Evaluation failed (regex over its time budget, a model provider error); the column abstains everywhere. */
        FAILED
    }

    /** @param error why the column abstains everywhere (INVALID, FAILED), else null; @param nanos CPU-ish time spent on it */
    public record Column(int index, Source source, String error, long nanos) {
        public boolean ok() {
            return error == null;
        }
    }

    public int computed() {
        return (int) columns.stream().filter(c -> c.source() == Source.COMPUTED || c.source() == Source.FAILED).count();
    }

    public int cached() {
        return (int) columns.stream().filter(c -> c.source() == Source.CACHED).count();
    }
}
