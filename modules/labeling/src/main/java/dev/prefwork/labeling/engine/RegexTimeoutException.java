package dev.prefwork.labeling.engine;

/** A regular expression ran past its time budget on one text: almost always catastrophic backtracking. */
public final class RegexTimeoutException extends RuntimeException {
    public RegexTimeoutException(String message) {
        super(message, null, false, false);
    }
}
