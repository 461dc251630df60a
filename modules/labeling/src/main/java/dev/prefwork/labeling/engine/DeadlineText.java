package dev.prefwork.labeling.engine;

/**
 * A text that a regex matcher reads through {@link #charAt}, which checks a deadline every few thousand
 * reads: java.util.regex has no timeout, but every backtracking step reads the input, so a catastrophic
 * pattern ((a+)+$ on "aaaa…!") is stopped within about a millisecond of its budget instead of running for years.
 */
final class DeadlineText implements CharSequence {

    private final String text;
    private final long deadlineNanos;
    private final String patternForMessage;
    private final long budgetMillis;
    private int reads;

    DeadlineText(String text, long budgetNanos, String patternForMessage) {
        this.text = text;
        this.deadlineNanos = System.nanoTime() + budgetNanos;
        this.patternForMessage = patternForMessage;
        this.budgetMillis = budgetNanos / 1_000_000;
    }

    @Override
    public char charAt(int index) {
        if ((++reads & 0xFFF) == 0 && System.nanoTime() - deadlineNanos > 0) {
            throw new RegexTimeoutException("the regular expression " + abbreviate(patternForMessage) + " took more than "
                    + budgetMillis + " ms on one text of " + text.length() + " characters and was stopped; it probably"
                    + " backtracks catastrophically (nested repeats like (a+)+): simplify it");
        }
        return text.charAt(index);
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
