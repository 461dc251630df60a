package dev.prefwork.core;

import java.time.Instant;

/** One imported file (or generated batch): the unit an import commits or rolls back. */
public record Dataset(long id, String name, String sourceFile, String sourceSha256, String format,
                      Instant importedAt, int prompts, int candidates) {
}
