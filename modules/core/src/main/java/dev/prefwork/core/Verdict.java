package dev.prefwork.core;

/** The two classes every judgment in Prefwork is about: a response is GOOD or BAD. */
public enum Verdict {
    GOOD, BAD
}
