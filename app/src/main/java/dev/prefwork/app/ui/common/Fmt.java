package dev.prefwork.app.ui.common;

import java.util.Locale;

/** Number and text formatting shared by the views ("1,234 prompts"). */
public final class Fmt {

    private Fmt() {
    }

    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** "1 prompt", "1,234 prompts". */
    public static String count(long n, String singular) {
        return count(n) + " " + (n == 1 ? singular : plural(singular));
    }

    private static String plural(String singular) {
        return singular.endsWith("y") && !singular.endsWith("ey") ? singular.substring(0, singular.length() - 1) + "ies"
                : singular + "s";
    }

    /** The text on one line: runs of whitespace (line breaks included) become one space. */
    public static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s+", " ");
    }

    /** Words separated by whitespace. */
    public static int words(String s) {
        if (s == null) return 0;
        String t = s.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }
}
