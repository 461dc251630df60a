package dev.prefwork.labeling.engine;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.prefwork.labeling.lf.Condition.Element;

/**
 * Markdown-ish structure detection by line scanning (no regex): fenced code blocks, bulleted and numbered
 * lists, tables, and JSON. Each detector returns the span of what it found, or null. Public so the reward
 * model's text features see structure exactly as the LF templates do.
 */
public final class Structures {

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build()).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Structures() {
    }

    static Span find(Element e, String s) {
        return switch (e) {
            case CODE_BLOCK -> codeBlock(s);
            case BULLETED_LIST -> list(s, false);
            case NUMBERED_LIST -> list(s, true);
            case TABLE -> table(s);
            case JSON -> json(s);
        };
    }

    /** Offset just past the end of the line starting at {@code start} (before its '\n'). */
    private static int lineEnd(String s, int start) {
        int nl = s.indexOf('\n', start);
        return nl < 0 ? s.length() : nl;
    }

    /** Offset of the first non-space of the line if it is indented by at most {@code maxIndent} spaces, else −1. */
    private static int contentStart(String s, int start, int end, int maxIndent) {
        int i = start;
        while (i < end && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) i++;
        return i - start <= maxIndent ? i : -1;
    }

    private static char fenceAt(String s, int i, int end) {
        if (i < 0 || i + 3 > end) return 0;
        char c = s.charAt(i);
        if ((c == '`' || c == '~') && s.charAt(i + 1) == c && s.charAt(i + 2) == c) return c;
        return 0;
    }

    public static Span codeBlock(String s) {
        if (s.indexOf("```") < 0 && s.indexOf("~~~") < 0) return null;
        int[] block = firstFence(s);
        return block == null ? null : new Span(block[0], block[1]);
    }

    /** [start, end, contentStart, contentEnd] of the first fenced block; an unclosed fence runs to the end. */
    private static int[] firstFence(String s) {
        int n = s.length();
        for (int start = 0; start < n; ) {
            int end = lineEnd(s, start);
            char fence = fenceAt(s, contentStart(s, start, end, 3), end);
            if (fence != 0) {
                int bodyStart = Math.min(n, end + 1);
                for (int l = bodyStart; l < n; ) {
                    int le = lineEnd(s, l);
                    if (fenceAt(s, contentStart(s, l, le, 3), le) == fence) return new int[]{start, le, bodyStart, l};
                    l = le + 1;
                }
                if (bodyStart < n && !blank(s, bodyStart, n)) return new int[]{start, n, bodyStart, n};
                return null;
            }
            start = end + 1;
        }
        return null;
    }

    /** Two or more list item lines (bullets: - * + •; numbers: 1. or 1)), from the first item to the last. */
    public static Span list(String s, boolean numbered) {
        int n = s.length();
        if (n < 6 || s.indexOf('\n') < 0) return null; // two items need two lines
        int items = 0, first = -1, last = -1;
        for (int start = 0; start < n; ) {
            int end = lineEnd(s, start);
            int i = contentStart(s, start, end, 12);
            if (i >= 0 && i < end && (numbered ? numberedItem(s, i, end) : bulletItem(s, i, end))) {
                if (items++ == 0) first = start;
                last = end;
            }
            start = end + 1;
        }
        return items >= 2 ? new Span(first, last) : null;
    }

    private static boolean bulletItem(String s, int i, int end) {
        char c = s.charAt(i);
        if (c != '-' && c != '*' && c != '+' && c != '•') return false;
        return i + 1 < end && (s.charAt(i + 1) == ' ' || s.charAt(i + 1) == '\t') && !blank(s, i + 1, end);
    }

    private static boolean numberedItem(String s, int i, int end) {
        int j = i;
        while (j < end && j - i < 3 && Character.isDigit(s.charAt(j))) j++;
        if (j == i || j >= end || (s.charAt(j) != '.' && s.charAt(j) != ')')) return false;
        return j + 1 < end && (s.charAt(j + 1) == ' ' || s.charAt(j + 1) == '\t') && !blank(s, j + 1, end);
    }

    private static boolean blank(String s, int from, int to) {
        for (int i = from; i < to; i++) if (!Character.isWhitespace(s.charAt(i))) return false;
        return true;
    }

    private static boolean hasPipe(String s, int from, int to) {
        int i = s.indexOf('|', from);
        return i >= 0 && i < to;
    }

    /** A Markdown table: a line with | followed by a separator line of |, -, : and spaces; spans its rows. */
    public static Span table(String s) {
        if (s.indexOf('|') < 0) return null;
        int n = s.length();
        int prevStart = -1, prevEnd = -1;
        for (int start = 0; start < n; ) {
            int end = lineEnd(s, start);
            if (prevStart >= 0 && hasPipe(s, prevStart, prevEnd) && separator(s, start, end)) {
                int last = end;
                for (int l = end + 1; l < n; ) {
                    int le = lineEnd(s, l);
                    if (!hasPipe(s, l, le)) break;
                    last = le;
                    l = le + 1;
                }
                return new Span(prevStart, last);
            }
            prevStart = start;
            prevEnd = end;
            start = end + 1;
        }
        return null;
    }

    private static boolean separator(String s, int start, int end) {
        boolean dash = false, pipe = false;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c == '-') dash = true;
            else if (c == '|') pipe = true;
            else if (c != ':' && c != ' ' && c != '\t' && c != '\r') return false;
        }
        return dash && pipe;
    }

    /** The whole text, or else its first fenced block, parses as a JSON object or array. */
    static Span json(String s) {
        int a = 0, b = s.length();
        while (a < b && Character.isWhitespace(s.charAt(a))) a++;
        while (b > a && Character.isWhitespace(s.charAt(b - 1))) b--;
        if (a < b && (s.charAt(a) == '{' || s.charAt(a) == '[') && parses(s.substring(a, b))) return new Span(a, b);
        if (s.indexOf("```") < 0 && s.indexOf("~~~") < 0) return null;
        int[] block = firstFence(s);
        if (block == null) return null;
        int ca = block[2], cb = block[3];
        while (ca < cb && Character.isWhitespace(s.charAt(ca))) ca++;
        while (cb > ca && Character.isWhitespace(s.charAt(cb - 1))) cb--;
        if (ca < cb && (s.charAt(ca) == '{' || s.charAt(ca) == '[') && parses(s.substring(ca, cb))) return new Span(ca, cb);
        return null;
    }

    private static boolean parses(String candidate) {
        try {
            JSON.readTree(candidate);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
