package dev.prefwork.store;

import dev.prefwork.core.Verdict;

import java.time.Instant;

/** One immutable version of a labeling function; {@code specJson} is the whole spec as of this version. */
public record StoredLfVersion(long id, long lfId, int version, Verdict vote, String specJson, Instant createdAt) {
}
