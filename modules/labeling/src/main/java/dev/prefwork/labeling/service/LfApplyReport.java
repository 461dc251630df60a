package dev.prefwork.labeling.service;

import dev.prefwork.labeling.analysis.LfStats;
import dev.prefwork.labeling.analysis.MatrixStats;

import java.util.List;

/**
 * The result of applying the workspace's LFs: one row per LF (the studio's list and the CLI's table show the
 * same numbers) and the matrix-level statistics of the enabled LFs.
 *
 * @param matrix     label coverage / overlap / conflict of the enabled LFs together
 * @param recomputed LF versions evaluated by this call (the rest came from memory or the store)
 */
public record LfApplyReport(List<Row> lfs, MatrixStats matrix, int candidates, int recomputed, long elapsedMillis) {

    /** Where an LF's votes came from. */
    public enum Source {
        /** Evaluated by this call (and stored). */
        COMPUTED,
        /** Already in memory (applied or previewed earlier in this session). */
        MEMORY,
        /** Read back from the workspace: computed in an earlier session on the same candidates. */
        STORED,
        /** The stored spec is invalid: the LF abstains everywhere. */
        INVALID,
        /** Evaluation failed (e.g. a regex over its time budget): the LF abstains everywhere. */
        FAILED
    }

    /**
     * One LF. For an enabled LF overlaps and conflicts are with the other enabled LFs; for a disabled one, with
     * the enabled LFs (what would happen if it were enabled).
     *
     * @param error why it abstains everywhere (INVALID, FAILED), else null
     */
    public record Row(LabelingFunction lf, LfStats stats, Source source, String error) {
    }

    public Row row(String name) {
        return lfs.stream().filter(r -> r.lf().name().equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no LF named " + name));
    }
}
