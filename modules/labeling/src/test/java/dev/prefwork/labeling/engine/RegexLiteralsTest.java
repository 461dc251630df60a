package dev.prefwork.labeling.engine;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class RegexLiteralsTest {

    @Test
    void findsTheLiteralsEveryMatchNeeds() {
        assertThat(RegexLiterals.of("\\b(reply|send|sending|paste|share|type)\\b[^.!?\\n]{0,40}\\bpasswords?\\b", true)).containsExactly("password");
        assertThat(RegexLiterals.of("\\brm\\s+-rf\\b|\\bdrop\\s+(table|database)\\b", true)).containsExactlyInAnyOrder("-rf", "table", "database");
        assertThat(RegexLiterals.of("\\*\\*[^*\\n]{2,80}\\*\\*", true)).containsExactly("**");
        assertThat(RegexLiterals.of("\\bHF-[A-Z]{3}-\\d{6}\\b", false)).containsExactly("HF-");
        assertThat(RegexLiterals.of("HELLO World", true)).containsExactly("hello world");
        assertThat(RegexLiterals.of("£\\s?\\d[\\d,]*", true)).containsExactly("£");
        assertThat(RegexLiterals.of("colou?r", true)).containsExactly("colo");
        assertThat(RegexLiterals.of("(ab)?cd", true)).containsExactly("cd");
        assertThat(RegexLiterals.of("(?=foo)bar", true)).containsExactly("bar");
        assertThat(RegexLiterals.of("(?<year>\\d{4})-report", true)).containsExactly("-report");
        assertThat(RegexLiterals.of("x+y", true)).containsExactly("x");
    }

    @Test
    void givesUpRatherThanGuess() {
        for (String p : new String[]{"\\d{4}", "[a-z]+", "a|", "a*", "(?i)abc", "\\Qa.b\\E", "a{0,3}", "[[a-z]&&[^b]]x",
                "\\x41", "(?x) a b", ".*", "\\p{L}+", "   ", "é", "(a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q)"}) {
            assertThat(RegexLiterals.of(p, true)).as(p).isNull();
        }
        assertThat(RegexLiterals.of("é", false)).containsExactly("é");
    }

    /** Soundness: whenever the regex finds a match, the prefilter lets the text through. */
    @Test
    void neverRejectsATextTheRegexMatches() {
        String[] atoms = {"a", "b", "ab", "A", "(a|b)", "(?:ba)", "[ab]", "\\d", "\\s", ".", "\\b", "x", "(?!a)", "-", "\\*", "é", "ſ", "K"};
        String[] quants = {"", "", "", "?", "*", "+", "{2}", "{0,2}", "{1,3}"};
        String alphabet = "abAB x-*1éÉſKkıI";
        Random rnd = new Random(5);
        int checked = 0;
        for (int n = 0; n < 3000; n++) {
            StringBuilder p = new StringBuilder();
            int len = 1 + rnd.nextInt(5);
            for (int k = 0; k < len; k++) {
                p.append(atoms[rnd.nextInt(atoms.length)]).append(quants[rnd.nextInt(quants.length)]);
                if (rnd.nextInt(8) == 0) p.append('|');
            }
            String pattern = p.toString();
            if (pattern.endsWith("|")) pattern = pattern + "x";
            boolean ci = rnd.nextBoolean();
            Pattern compiled;
            try {
                compiled = Pattern.compile(pattern, Pattern.MULTILINE | (ci ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0));
            } catch (RuntimeException e) {
                continue;
            }
            List<String> lits = RegexLiterals.of(pattern, ci);
            if (lits == null) continue;
            for (int t = 0; t < 20; t++) {
                StringBuilder text = new StringBuilder();
                int tl = rnd.nextInt(12);
                for (int k = 0; k < tl; k++) text.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
                String s = text.toString();
                Matcher m = compiled.matcher(s);
                if (!m.find()) continue;
                String hay = ci ? TextStats.lower(s) : s;
                assertThat(lits.stream().anyMatch(hay::contains)).as("/" + pattern + "/ ci=" + ci + " on \"" + s + "\" needs one of " + lits).isTrue();
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(1000);
    }
}
