package dev.prefwork.core;

/** The expert's judgment of a prompt's candidates as a group: best and worst picks and a note (each may be null). */
public record PromptGold(long promptId, Long bestCandidateId, Long worstCandidateId, String note) {
}
