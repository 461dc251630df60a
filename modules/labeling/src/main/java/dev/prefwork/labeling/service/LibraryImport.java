package dev.prefwork.labeling.service;

import java.util.List;

/** What a library import did: LFs created, existing LFs given a new version (name clash), LFs left unchanged. */
public record LibraryImport(int created, int newVersions, int unchanged, List<LabelingFunction> lfs) {
}
