package dev.prefwork.core;

/** The expert's judgment of one candidate: GOOD/BAD and/or a 1–5 rating (either may be null). */
public record CandidateGold(long candidateId, long promptId, Verdict label, Integer rating) {
}
