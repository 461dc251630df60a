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
    void findsTheLiteralsEveryMatchStartsWith() {
        assertThat(RegexLiterals.prefixesOf("\\b(reply|send|paste)\\b[^.]{0,40}\\bpasswords?\\b", true)).containsExactly("reply", "send", "paste");
        assertThat(RegexLiterals.prefixesOf("\\brm\\s+-rf\\b|\\bdrop\\s+table", true)).containsExactly("rm", "drop");
        assertThat(RegexLiterals.prefixesOf("\\*\\*[^*]+\\*\\*", true)).containsExactly("**");
        assertThat(RegexLiterals.prefixesOf("^(?:Dear|Hi) \\w+", true)).containsExactly("dear", "hi");
        assertThat(RegexLiterals.prefixesOf("ab+c", true)).containsExactly("ab");
        assertThat(RegexLiterals.prefixesOf("ab?c", true)).containsExactly("a");
        assertThat(RegexLiterals.prefixesOf(" x", false)).containsExactly(" x");
        assertThat(RegexLiterals.prefixesOf("a?b", true)).isNull();
        assertThat(RegexLiterals.prefixesOf("\\Gab", true)).isNull();
        assertThat(RegexLiterals.prefixesOf("(a|b)?c", true)).isNull();
        assertThat(RegexLiterals.prefixesOf("\\d+ab", true)).isNull();
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
            List<String> starts = RegexLiterals.prefixesOf(pattern, ci);
            if (lits == null && starts == null) continue;
            for (int t = 0; t < 20; t++) {
                StringBuilder text = new StringBuilder();
                int tl = rnd.nextInt(12);
                for (int k = 0; k < tl; k++) text.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
                String s = text.toString();
                Matcher m = compiled.matcher(s);
                String hay = ci ? TextStats.lower(s) : s;
                while (m.find()) {
                    int at = m.start();
                    if (lits != null) {
                        assertThat(lits.stream().anyMatch(hay::contains)).as("/" + pattern + "/ ci=" + ci + " on \"" + s + "\" needs one of " + lits).isTrue();
                    }
                    if (starts != null) {
                        assertThat(starts.stream().anyMatch(x -> hay.startsWith(x, at)))
                                .as("/" + pattern + "/ ci=" + ci + " on \"" + s + "\" matches at " + at + ", not at one of " + starts).isTrue();
                    }
                    checked++;
                    if (m.end() == m.start() && m.end() >= s.length()) break;
                }
            }
        }
        assertThat(checked).isGreaterThan(1000);
    }

    /** End to end: the engine's regex template (prefilter and anchored starts) agrees with a plain find. */
    @Test
    void theEngineAgreesWithPlainFindOnRandomPatterns() {
        String[] atoms = {"a", "b", "ab", "(a|b)", "(?:ba)", "[ab]", "\\d", "\\s", ".", "\\b", "x", "-", "é", "^", "$", "(?<=a)", "(?!b)"};
        String[] quants = {"", "", "", "?", "*", "+", "{2}", "{0,2}"};
        String alphabet = "abAB x-\n1éÉſı";
        Random rnd = new Random(9);
        String[] texts = new String[400];
        for (int t = 0; t < texts.length; t++) {
            StringBuilder text = new StringBuilder();
            int tl = rnd.nextInt(14);
            for (int k = 0; k < tl; k++) text.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            texts[t] = text.toString();
        }
        Corpus corpus = Corpora.responses(texts);
        int compared = 0;
        try (LfEngine e = new LfEngine(corpus, LfEngine.Config.defaults())) {
            for (int n = 0; n < 300; n++) {
                StringBuilder p = new StringBuilder();
                int len = 1 + rnd.nextInt(4);
                for (int k = 0; k < len; k++) p.append(atoms[rnd.nextInt(atoms.length)]).append(quants[rnd.nextInt(quants.length)]);
                boolean ci = rnd.nextBoolean();
                Pattern compiled;
                try {
                    compiled = Pattern.compile(p.toString(), Pattern.MULTILINE | (ci ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0));
                } catch (RuntimeException ex) {
                    continue;
                }
                var r = e.apply(List.of(Corpora.lf(new dev.prefwork.labeling.lf.Condition.Regex(p.toString(), !ci))), dev.prefwork.core.Progress.NONE);
                if (!r.columns().get(0).ok()) continue; // a pattern the validator refuses
                byte[] col = r.matrix().column(0);
                for (int t = 0; t < texts.length; t++) {
                    assertThat(col[t] != 0).as("/" + p + "/ ci=" + ci + " on \"" + texts[t] + "\"").isEqualTo(compiled.matcher(texts[t]).find());
                }
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(200);
    }
}
