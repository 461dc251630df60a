package dev.prefwork.labeling.analysis;

/**
 * One LF's analysis, Snorkel's definitions (fractions are of all rows):
 *
 * @param hits              rows it votes on (non-abstain)
 * @param goodVotes         of those, GOOD votes
 * @param badVotes          of those, BAD votes
 * @param coverage          hits / rows
 * @param overlaps          fraction of rows where it votes and at least one other LF votes too
 * @param conflicts         fraction of rows where it votes and at least one other LF votes the other label
 * @param overlapRows       the count behind {@code overlaps}
 * @param conflictRows      the count behind {@code conflicts}
 * @param correct           rows with gold where its vote equals the gold label
 * @param incorrect         rows with gold where it does not
 * @param empiricalAccuracy correct / (correct + incorrect); NaN when it votes on no gold row
 */
public record LfStats(int hits, int goodVotes, int badVotes, double coverage, double overlaps, double conflicts,
                      int overlapRows, int conflictRows, int correct, int incorrect, double empiricalAccuracy) {

    /** Gold rows it votes on. */
    public int goldHits() {
        return correct + incorrect;
    }
}
