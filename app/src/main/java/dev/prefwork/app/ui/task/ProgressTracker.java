package dev.prefwork.app.ui.task;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Turns a job's raw {@code update(done, total, message)} calls into what the task list shows: at most one
 * update per interval (a job may report thousands a second), the fraction done, and an ETA from the rate
 * so far. Pure and clock-injected, so it is tested without threads.
 */
public final class ProgressTracker {

    /** What the task list shows; {@code eta} is null while it cannot be estimated. */
    public record Snapshot(long done, long total, String message, Duration eta) {

        /** 0..1, or -1 (indeterminate) when the total is unknown. */
        public double fraction() {
            return total > 0 ? Math.min(1.0, Math.max(0.0, (double) done / total)) : -1;
        }

        /** The message with the ETA appended, e.g. "12 MB read · about 40 s left". */
        public String text() {
            String m = message == null ? "" : message;
            if (eta == null) return m;
            return m.isEmpty() ? formatEta(eta) : m + " · " + formatEta(eta);
        }
    }

    /** An estimate is shown only after this much time: early rates are noise. */
    static final long WARMUP_NANOS = 1_000_000_000L;

    private final LongSupplier clock;
    private final long minIntervalNanos;
    private final long started;
    private long lastPublished = Long.MIN_VALUE;

    public ProgressTracker(LongSupplier nanoClock, Duration minInterval) {
        this.clock = nanoClock;
        this.minIntervalNanos = minInterval.toNanos();
        this.started = nanoClock.getAsLong();
    }

    /** @return what to show now, or null when this update falls inside the throttle interval */
    public Snapshot update(long done, long total, String message) {
        long now = clock.getAsLong();
        boolean finished = total > 0 && done >= total;
        if (!finished && lastPublished != Long.MIN_VALUE && now - lastPublished < minIntervalNanos) return null;
        lastPublished = now;
        return new Snapshot(done, total, message, eta(done, total, now));
    }

    private Duration eta(long done, long total, long now) {
        long elapsed = now - started;
        if (total <= 0 || done <= 0 || done >= total || elapsed < WARMUP_NANOS) return null;
        double nanosPerUnit = (double) elapsed / done;
        return Duration.ofNanos((long) (nanosPerUnit * (total - done)));
    }

    /** "about 5 s left", "about 3 min left", "about 1 h 20 min left". */
    public static String formatEta(Duration eta) {
        long s = Math.max(1, Math.round(eta.toMillis() / 1000.0));
        if (s < 60) return "about " + s + " s left";
        long min = Math.round(s / 60.0);
        if (min < 60) return "about " + min + " min left";
        return "about " + (min / 60) + " h " + (min % 60) + " min left";
    }
}
