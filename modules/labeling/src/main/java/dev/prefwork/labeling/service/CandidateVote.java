package dev.prefwork.labeling.service;

import dev.prefwork.core.Verdict;

/** A vote an enabled LF casts on one candidate: a badge in the Compare view (hover shows the name). */
public record CandidateVote(long lfId, long versionId, String name, String aspect, Verdict vote) {
}
