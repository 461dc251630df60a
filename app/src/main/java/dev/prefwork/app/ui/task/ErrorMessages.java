package dev.prefwork.app.ui.task;

import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.generation.GenerationException;
import dev.prefwork.store.StoreException;

import java.io.UncheckedIOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The text the expert sees for a failure: the message itself where it was written for them, else what went wrong. */
public final class ErrorMessages {

    private ErrorMessages() {
    }

    /** Strips wrappers that add nothing (execution/completion exceptions, message-less runtime wrappers). */
    public static Throwable root(Throwable t) {
        Throwable cur = t;
        while (cur.getCause() != null && cur != cur.getCause()
                && (cur instanceof ExecutionException || cur instanceof CompletionException
                || (cur.getMessage() == null && cur.getClass() == RuntimeException.class))) {
            cur = cur.getCause();
        }
        return cur;
    }

    /** True when the message was written for the user (bad input, storage and file problems): no stack trace needed. */
    public static boolean isExpected(Throwable t) {
        Throwable r = root(t);
        return r instanceof InputException || r instanceof StoreException || r instanceof UncheckedIOException
                || r instanceof Progress.Cancelled || r instanceof GenerationException;
    }

    public static String userMessage(Throwable t) {
        Throwable r = root(t);
        if (r instanceof Progress.Cancelled) return "Cancelled.";
        String m = r.getMessage();
        if (isExpected(r) && m != null && !m.isBlank()) return m;
        String kind = r.getClass().getSimpleName();
        return m == null || m.isBlank() ? "Unexpected error (" + kind + ")." : "Unexpected error (" + kind + "): " + m;
    }
}
