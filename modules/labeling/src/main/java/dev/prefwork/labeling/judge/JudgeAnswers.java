package dev.prefwork.labeling.judge;

import dev.prefwork.labeling.lf.LfSpec;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading a judge model's reply as the answer its template asks for. Models wrap answers in words, markdown and
 * punctuation ("**Yes.**", "Score: 7/10", "[[B]]"), so the reader is lenient about the wrapping but strict about the
 * answer: a reply that names both answers, none, or a score out of range is malformed (null), and the LF abstains.
 */
public final class JudgeAnswers {

    private static final Pattern YES = Pattern.compile("\\byes\\b");
    private static final Pattern NO = Pattern.compile("\\bno\\b");
    private static final Pattern NUMBER = Pattern.compile("(?<![\\w.])(\\d{1,3}(?:\\.\\d+)?)(?![\\w])");
    private static final Pattern AB_BRACKETED = Pattern.compile("\\[\\[\\s*([AB])\\s*]]");
    private static final Pattern AB_LEAD = Pattern.compile("^[^A-Za-z0-9]*(?:(?i:response|answer|option|assistant)\\s+)?([AB])\\b(?![-'])");
    private static final Pattern AB_WORD = Pattern.compile("(?<![\\w-])([AB])(?![\\w-])");

    private JudgeAnswers() {
    }

    /** 1 (yes) / 0 (no), the score, 1 (A) / 2 (B); null when the reply does not give one answer. */
    public static Double parse(LfSpec.Answer type, String reply) {
        if (reply == null) return null;
        String t = reply.strip();
        if (t.isEmpty()) return null;
        return switch (type) {
            case YES_NO -> yesNo(t);
            case SCORE -> score(t);
            case AB -> ab(t);
        };
    }

    private static Double yesNo(String t) {
        String low = t.toLowerCase(Locale.ROOT);
        // the first word decides when it is an answer ("No, although yes would…")
        Matcher first = Pattern.compile("^[^a-z0-9]*(yes|no)\\b").matcher(low);
        if (first.find()) return first.group(1).equals("yes") ? 1.0 : 0.0;
        boolean y = YES.matcher(low).find(), n = NO.matcher(low).find();
        if (y == n) return null;
        return y ? 1.0 : 0.0;
    }

    private static Double score(String t) {
        Matcher m = NUMBER.matcher(t);
        if (!m.find()) return null;
        double v;
        try {
            v = Double.parseDouble(m.group(1));
        } catch (NumberFormatException e) {
            return null;
        }
        return v >= 1 && v <= 10 ? v : null;
    }

    private static Double ab(String t) {
        Matcher b = AB_BRACKETED.matcher(t);
        if (b.find()) return b.group(1).equals("A") ? 1.0 : 2.0;
        Matcher lead = AB_LEAD.matcher(t);
        if (lead.find()) return lead.group(1).equals("A") ? 1.0 : 2.0;
        Matcher w = AB_WORD.matcher(t);
        String found = null;
        while (w.find()) {
            if (found != null && !found.equals(w.group(1))) return null; // names both
            found = w.group(1);
        }
        return found == null ? null : found.equals("A") ? 1.0 : 2.0;
    }

    /** The question sent for a pointwise template. Placeholders are replaced in one pass, so a response holding "{prompt}" stays as written. */
    public static String pointwise(String template, String prompt, String response) {
        return fill(template, prompt, response, null, null);
    }

    public static String pairwise(String template, String prompt, String a, String b) {
        return fill(template, prompt, null, a, b);
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(prompt|response|response_a|response_b)}");

    private static String fill(String template, String prompt, String response, String a, String b) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder(template.length() + 256);
        while (m.find()) {
            String v = switch (m.group(1)) {
                case "prompt" -> prompt;
                case "response" -> response;
                case "response_a" -> a;
                default -> b;
            };
            m.appendReplacement(sb, Matcher.quoteReplacement(v == null ? m.group() : v));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
