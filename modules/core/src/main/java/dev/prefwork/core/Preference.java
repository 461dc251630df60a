package dev.prefwork.core;

/** A pairwise preference: {@code preferred} beats {@code other}; both are candidates of {@code promptId}. */
public record Preference(long promptId, long preferred, long other) {
}
