package dev.prefwork.core;

/**
 * How long jobs report progress and learn they were cancelled, without knowing about any UI toolkit.
 * The workbench adapts it to a JavaFX task, the CLI to a line on stderr.
 */
public interface Progress {

    /** @param done units done so far; @param total total units, or -1 when unknown */
    void update(long done, long total, String message);

    /** True once the user asked to stop; the job then stops at the next safe point and throws {@link Cancelled}. */
    boolean isCancelled();

    default void checkCancelled() {
        if (isCancelled()) throw new Cancelled();
    }

    Progress NONE = new Progress() {
        @Override public void update(long done, long total, String message) { }
        @Override public boolean isCancelled() { return false; }
    };

    /** Thrown by a job that stopped because it was cancelled; nothing it started is left half-written. */
    final class Cancelled extends RuntimeException {
        public Cancelled() { super("cancelled", null, false, false); }
    }
}
