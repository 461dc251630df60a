package dev.prefwork.labeling.engine;

import dev.prefwork.labeling.analysis.LfStats;
import dev.prefwork.labeling.lf.SpecError;

import java.util.List;

/**
 * The live preview of an LF being edited: its statistics against the other LFs and the gold, and examples
 * for the builder to show with the matched spans highlighted.
 *
 * @param errors            field-level problems; when not empty nothing else is filled in
 * @param error             evaluation failure (a regex over its time budget), else null
 * @param rows              candidates in the corpus
 * @param inScope           candidates whose prompt is in the LF's prompt scope (all without a scope)
 * @param stats             coverage, overlaps, conflicts with the other LFs, accuracy against gold; null on error
 * @param goldGood          hits whose gold is GOOD
 * @param goldBad           hits whose gold is BAD
 * @param hits              a sample of candidates it votes on (stable while typing: a fixed pseudo-random order)
 * @param nearMisses        in-scope candidates it does not vote on that come closest to a threshold (closest first)
 * @param goldDisagreements hits whose gold label is the other class
 * @param cached            the votes came from the cache (the spec was applied before)
 */
public record LfPreview(List<SpecError> errors, String error, int rows, int inScope, LfStats stats, int goldGood, int goldBad,
                        List<Example> hits, List<Example> nearMisses, List<Example> goldDisagreements,
                        boolean cached, long elapsedNanos) {

    /**
     * One candidate to show.
     *
     * @param gold  its gold (1 GOOD, −1 BAD, 0 none)
     * @param miss  0 for a hit; for a near miss how far it is from passing (0.1 = within 10 % of a threshold)
     * @param spans what matched, for highlighting (empty where the template has no span: lengths, scores)
     */
    public record Example(int row, long candidateId, long promptId, String promptText, String text, List<Span> spans,
                          byte gold, double miss) {
    }

    public boolean ok() {
        return errors.isEmpty() && error == null;
    }

    static LfPreview invalid(List<SpecError> errors, int rows) {
        return new LfPreview(List.copyOf(errors), null, rows, 0, null, 0, 0, List.of(), List.of(), List.of(), false, 0);
    }

    static LfPreview failed(String error, int rows, long nanos) {
        return new LfPreview(List.of(), error, rows, 0, null, 0, 0, List.of(), List.of(), List.of(), false, nanos);
    }
}
