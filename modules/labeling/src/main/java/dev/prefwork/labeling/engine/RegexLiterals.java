package dev.prefwork.labeling.engine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Literal strings of which every match of a regex must contain at least one ("\brm\s+-rf\b|\bdrop\s+table\b"
 * needs "rm" or "drop"), so a text without any of them is rejected with String.indexOf instead of a regex
 * scan — the trick RE2 and ripgrep use. The parser understands the common syntax and gives up (returns null:
 * no prefilter) on anything it does not, so it can only skip work, never change a result.
 *
 * <p>For a case-insensitive pattern only ASCII literal characters are used and the text searched is the
 * engine's lowercase copy (which also folds ı and ſ, the non-ASCII characters Java's case-insensitive
 * matching equates with ASCII letters), so every text the regex could match passes the prefilter.
 */
final class RegexLiterals {

    private static final int MAX_ALTERNATIVES = 16;

    private final String p;
    private final boolean caseInsensitive;
    private int i;

    private RegexLiterals(String pattern, boolean caseInsensitive) {
        this.p = pattern;
        this.caseInsensitive = caseInsensitive;
    }

    /** Required literals (lowercase when case-insensitive), or null when none can be proven. */
    static List<String> of(String pattern, boolean caseInsensitive) {
        try {
            RegexLiterals r = new RegexLiterals(pattern, caseInsensitive);
            Set<String> req = r.alternation();
            if (r.i != pattern.length() || req == null || req.isEmpty()) return null;
            for (String x : req) if (x.isBlank()) return null;
            return List.copyOf(req);
        } catch (GiveUp | RuntimeException e) {
            return null;
        }
    }

    /**
     * Literals one of which every match starts with (after zero-width \b, ^ or lookarounds), or null: the
     * matcher then only needs to try the positions where one of them occurs, instead of every position.
     * Same case rules as {@link #of}.
     */
    static List<String> prefixesOf(String pattern, boolean caseInsensitive) {
        try {
            RegexLiterals r = new RegexLiterals(pattern, caseInsensitive);
            Set<String> pre = r.prefixAlternation();
            if (r.i != pattern.length() || pre == null || pre.isEmpty()) return null;
            for (String x : pre) if (x.isEmpty()) return null;
            return List.copyOf(pre);
        } catch (GiveUp | RuntimeException e) {
            return null;
        }
    }

    private Set<String> prefixAlternation() throws GiveUp {
        Set<String> all = new LinkedHashSet<>();
        boolean unknown = false;
        while (true) {
            Set<String> b = branchPrefix();
            concatenation(); // skip the rest of the branch
            if (b == null) unknown = true;
            else all.addAll(b);
            if (i < p.length() && p.charAt(i) == '|') {
                i++;
                continue;
            }
            break;
        }
        if (unknown || all.size() > MAX_ALTERNATIVES) return null;
        return all;
    }

    /** The literal run a branch starts with (zero-width assertions skipped), leaving i after what it used. */
    private Set<String> branchPrefix() throws GiveUp {
        StringBuilder run = new StringBuilder();
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '|' || c == ')') break;
            if (run.length() == 0 && c == '^') {
                i++;
                continue;
            }
            if (run.length() == 0 && c == '\\' && i + 1 < p.length() && "bBA".indexOf(p.charAt(i + 1)) >= 0) {
                i += 2;
                continue;
            }
            if (c == '(') {
                if (run.length() > 0) break;
                boolean look = p.startsWith("(?=", i) || p.startsWith("(?!", i) || p.startsWith("(?<=", i) || p.startsWith("(?<!", i);
                if (look) {
                    i++;
                    group(); // zero width: skip it
                    continue;
                }
                i++;
                if (p.startsWith("?:", i)) i += 2;
                else if (i < p.length() && p.charAt(i) == '?') throw new GiveUp();
                Set<String> inner = prefixAlternation();
                if (i >= p.length() || p.charAt(i) != ')') throw new GiveUp();
                i++;
                int save = i;
                int min = quantifier();
                if (min == 0) return null;
                if (min < 0) i = save;
                return inner;
            }
            Character lit;
            int save = i;
            if (c == '\\') {
                lit = escape();
            } else if (c == '.' || c == '[' || c == '$' || c == '*' || c == '+' || c == '?' || c == '{') {
                lit = null;
            } else {
                lit = c;
                i++;
            }
            if (lit == null || !usable(lit)) {
                i = save;
                break;
            }
            int min = quantifier();
            if (min < 0) {
                run.append(fold(lit));
                continue;
            }
            if (min > 0) run.append(fold(lit)); // at least once: still a prefix; the rest may repeat it
            i = save; // leave the quantified atom to the skip of the rest of the branch
            break;
        }
        return run.length() == 0 ? null : Set.of(run.toString());
    }

    private static final class GiveUp extends Exception {
        GiveUp() {
            super(null, null, false, false);
        }
    }

    /** branch ('|' branch)* up to ')' or the end; null = some branch needs no literal. */
    private Set<String> alternation() throws GiveUp {
        Set<String> all = new LinkedHashSet<>();
        boolean unknown = false;
        while (true) {
            Set<String> b = concatenation();
            if (b == null) unknown = true;
            else all.addAll(b);
            if (i < p.length() && p.charAt(i) == '|') {
                i++;
                continue;
            }
            break;
        }
        if (unknown || all.size() > MAX_ALTERNATIVES) return null;
        return all;
    }

    /** A sequence of atoms: the best requirement among its literal runs and required groups. */
    private Set<String> concatenation() throws GiveUp {
        List<Set<String>> candidates = new ArrayList<>();
        StringBuilder run = new StringBuilder();
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '|' || c == ')') break;
            int atomStart = run.length();
            Set<String> group = null;
            boolean literal = false;
            if (c == '(') {
                i++;
                group = group();
                flush(run, candidates);
                atomStart = 0;
            } else if (c == '[') {
                skipClass();
                flush(run, candidates);
                atomStart = 0;
            } else if (c == '\\') {
                Character lit = escape();
                if (lit != null && usable(lit)) {
                    run.append(fold(lit));
                    literal = true;
                } else {
                    flush(run, candidates);
                    atomStart = 0;
                }
            } else if (c == '.' || c == '^' || c == '$') {
                i++;
                flush(run, candidates);
                atomStart = 0;
            } else if (c == '*' || c == '+' || c == '?' || c == '{') {
                throw new GiveUp(); // a quantifier without an atom
            } else {
                i++;
                if (usable(c)) {
                    run.append(fold(c));
                    literal = true;
                } else {
                    flush(run, candidates);
                    atomStart = 0;
                }
            }
            int min = quantifier();
            if (min < 0) { // no quantifier
                if (group != null) candidates.add(group);
                continue;
            }
            if (literal) {
                if (min == 0) run.setLength(atomStart); // the character is optional
                flush(run, candidates);
            } else if (group != null && min > 0) {
                candidates.add(group);
            }
        }
        flush(run, candidates);
        Set<String> best = null;
        for (Set<String> s : candidates) if (best == null || score(s) > score(best)) best = s;
        return best;
    }

    /** After '(': the group's requirement, or null (lookarounds and optional content need nothing). */
    private Set<String> group() throws GiveUp {
        boolean lookaround = false;
        if (p.startsWith("?:", i)) i += 2;
        else if (p.startsWith("?=", i) || p.startsWith("?!", i)) { i += 2; lookaround = true; }
        else if (p.startsWith("?<=", i) || p.startsWith("?<!", i)) { i += 3; lookaround = true; }
        else if (p.startsWith("?<", i)) {
            int end = p.indexOf('>', i);
            if (end < 0) throw new GiveUp();
            i = end + 1;
        } else if (p.startsWith("?>", i)) i += 2;
        else if (i < p.length() && p.charAt(i) == '?') throw new GiveUp(); // inline flags change matching
        Set<String> inner = alternation();
        if (i >= p.length() || p.charAt(i) != ')') throw new GiveUp();
        i++;
        return lookaround ? null : inner;
    }

    private void skipClass() throws GiveUp {
        i++; // '['
        if (i < p.length() && p.charAt(i) == '^') i++;
        if (i < p.length() && p.charAt(i) == ']') i++; // a leading ] is literal
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '\\') i += 2;
            else if (c == '[') throw new GiveUp(); // nested classes, intersections
            else if (c == ']') {
                i++;
                return;
            } else i++;
        }
        throw new GiveUp();
    }

    /** After '\': the literal character it stands for, or null for a class, anchor or back reference. */
    private Character escape() throws GiveUp {
        if (i + 1 >= p.length()) throw new GiveUp();
        char e = p.charAt(i + 1);
        i += 2;
        if (e == 'Q') throw new GiveUp(); // \Q…\E quoting: rare, not worth the parsing
        if (e == 'p' || e == 'P' || e == 'N') {
            if (i < p.length() && p.charAt(i) == '{') {
                int end = p.indexOf('}', i);
                if (end < 0) throw new GiveUp();
                i = end + 1;
            } else {
                i++;
            }
            return null;
        }
        if (e == 'k') {
            int end = p.indexOf('>', i);
            if (end < 0) throw new GiveUp();
            i = end + 1;
            return null;
        }
        if (e == 'x' || e == 'u' || e == 'c' || e == '0') throw new GiveUp();
        if (Character.isLetterOrDigit(e)) {
            // \d \w \s \b \B \A \z \Z \G \R \X \h \v \t \n \r \f \a \e and back references: not a literal here
            if (Character.isDigit(e)) {
                while (i < p.length() && Character.isDigit(p.charAt(i))) i++;
            }
            return null;
        }
        return e; // an escaped punctuation character stands for itself
    }

    /** Parses a quantifier at i (and its lazy/possessive suffix): its minimum, or −1 when there is none. */
    private int quantifier() throws GiveUp {
        if (i >= p.length()) return -1;
        char c = p.charAt(i);
        int min;
        if (c == '*' || c == '?') {
            min = 0;
            i++;
        } else if (c == '+') {
            min = 1;
            i++;
        } else if (c == '{') {
            int end = p.indexOf('}', i);
            if (end < 0) throw new GiveUp();
            String body = p.substring(i + 1, end);
            String first = body.contains(",") ? body.substring(0, body.indexOf(',')) : body;
            if (!first.matches("\\d+")) throw new GiveUp();
            min = Integer.parseInt(first);
            i = end + 1;
        } else {
            return -1;
        }
        if (i < p.length() && (p.charAt(i) == '?' || p.charAt(i) == '+')) i++;
        return min;
    }

    /** Case-insensitive: ASCII, or a character without case (£, €, digits of other scripts) that only matches itself. */
    private boolean usable(char c) {
        return !caseInsensitive || c < 128
                || !Character.isLetter(c) && Character.toUpperCase(c) == c && Character.toLowerCase(c) == c;
    }

    private char fold(char c) {
        return caseInsensitive ? TextStats.fold(c) : c;
    }

    private static void flush(StringBuilder run, List<Set<String>> candidates) {
        if (run.length() > 0) candidates.add(Set.of(run.toString()));
        run.setLength(0);
    }

    /** Longer literals reject more texts; more alternatives cost more searches. */
    private static int score(Set<String> s) {
        int shortest = Integer.MAX_VALUE;
        for (String x : s) shortest = Math.min(shortest, x.length());
        return shortest * 4 - s.size();
    }
}
