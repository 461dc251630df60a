package dev.prefwork.labeling.service;

import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.lf.LfSpec;

import java.time.Instant;

/**
 * A labeling function as the studio lists it: the LF with its current version and parsed spec.
 *
 * @param versionId the current version's id (what votes, label-model runs and exports refer to)
 * @param spec      the current version's spec; null when the stored JSON cannot be read (see {@code problem})
 * @param problem   why the stored spec cannot be used (written by a newer Prefwork, damaged), else null
 */
public record LabelingFunction(long id, String name, String aspect, boolean enabled, Verdict vote, long versionId,
                               int version, LfSpec spec, String problem, Instant createdAt, Instant versionCreatedAt) {
}
