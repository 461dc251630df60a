package dev.prefwork.labeling.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * A text that a regex matcher reads through {@link #charAt}, which checks a time budget every few thousand
 * reads: java.util.regex has no timeout, but every backtracking step reads the input, so a catastrophic
 * pattern (((a+)+)+b on "aaaa…!") is stopped soon after its budget instead of running for years.
 *
 * <p>The budget is the matching thread's CPU time, not wall time, so a GC pause or a busy machine cannot
 * stop an innocent pattern; and the clock starts only at the first checkpoint, so the common case (a match
 * that reads a few thousand characters) costs no clock reads at all.
 */
final class DeadlineText implements CharSequence {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU_CLOCK = THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();
    /** Reads between clock checks: a few microseconds of matching. */
    private static final int CHECK_MASK = 0xFFF;

    private final String text;
    private final long budgetNanos;
    private final String patternForMessage;
    private long deadline;
    private int reads;

    DeadlineText(String text, long budgetNanos, String patternForMessage) {
        this.text = text;
        this.budgetNanos = budgetNanos;
        this.patternForMessage = patternForMessage;
    }

    private static long now() {
        return CPU_CLOCK ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    @Override
    public char charAt(int index) {
        if ((++reads & CHECK_MASK) == 0) check();
        return text.charAt(index);
    }

    private void check() {
        long t = now();
        if (reads == CHECK_MASK + 1) {
            deadline = t + budgetNanos;
        } else if (t - deadline > 0) {
            throw new RegexTimeoutException("the regular expression " + abbreviate(patternForMessage) + " took more than "
                    + budgetNanos / 1_000_000 + " ms on one text of " + text.length() + " characters and was stopped; it probably"
                    + " backtracks catastrophically (nested repeats like (a+)+): simplify it");
        }
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return text.subSequence(start, end);
    }

    @Override
    public String toString() {
        return text;
    }

    private static String abbreviate(String p) {
        return p.length() <= 60 ? "/" + p + "/" : "/" + p.substring(0, 57) + "…/";
    }
}
