package dev.prefwork.store;

import java.time.Instant;

/** A labeling function as stored: its current name, aspect and enabled state, and its current version. */
public record StoredLf(long id, String name, String aspect, boolean enabled, Instant createdAt, StoredLfVersion current) {
}
