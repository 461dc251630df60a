package dev.prefwork.labeling.engine;

/** A matched region of a text for highlighting: [start, end) in UTF-16 offsets (what Java and JavaFX strings index). */
public record Span(int start, int end) {
}
