package dev.prefwork.bench;

import java.util.Arrays;
import java.util.Locale;

/** Number formatting for the tables. */
final class Fmt {

    private Fmt() {
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,.0f MiB", bytes / 1024.0 / 1024.0);
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%,.0f MB", bytes / 1e6);
    }

    static String secs(double s) {
        return s < 10 ? String.format(Locale.ROOT, "%.2f s", s) : String.format(Locale.ROOT, "%.1f s", s);
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** 50000 → 50K, 1000000 → 1M. */
    static String shortCount(long n) {
        if (n >= 1_000_000 && n % 100_000 == 0) return (n % 1_000_000 == 0 ? String.valueOf(n / 1_000_000) : String.valueOf(n / 1e6)) + "M";
        if (n >= 1_000 && n % 1_000 == 0) return n / 1_000 + "K";
        return String.valueOf(n);
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
