package dev.prefwork.generation.eval;

import dev.prefwork.generation.GenerationBackend;
import dev.prefwork.generation.GenerationException;
import dev.prefwork.generation.GenerationParams;

import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AlpacaEval-style pairwise judging by a model on an OpenAI-compatible server (or any {@link GenerationBackend}):
 * the judge sees the instruction and two outputs and names the better one. Judges prefer the first (or the second)
 * position, so every pair is asked twice, the outputs swapped: the tuned model gets a vote only when both orders name
 * it, the base model likewise; orders that disagree are a tie (the judge could not tell them apart beyond position).
 * An answer that names neither output, or both, or refuses, is no vote at all and is counted as such.
 */
public final class PairwiseJudge {

    /** The outcome of one pair. */
    public enum Vote { TUNED, BASE, TIE, NONE }

    /** What one order's answer named: output (a), output (b), or nothing usable. */
    public enum Pick { A, B, NONE }

    /** A pair's verdict with the judge's two raw answers (tuned first, then base first). */
    public record Verdict(Vote vote, String answerTunedFirst, String answerBaseFirst, Pick pickTunedFirst, Pick pickBaseFirst) {
    }

    /** Greedy, short: the judge only has to say "a" or "b". */
    public static final GenerationParams PARAMS = new GenerationParams(1, 0.0, 1.0, 16, List.of(), 0L);

    static final String TEMPLATE = """
            You are a careful evaluator comparing two responses to the same instruction. Choose the response that a \
            domain expert would prefer: the one that follows the instruction, is correct, and is helpful. Do not let \
            the order of the responses or their length influence you.

            ## Instruction
            %s

            ## Output (a)
            %s

            ## Output (b)
            %s

            Which output is better? Answer with exactly "Output (a)" or "Output (b)" and nothing else.""";

    private final GenerationBackend judge;
    private final GenerationParams params;

    public PairwiseJudge(GenerationBackend judge) {
        this(judge, PARAMS);
    }

    public PairwiseJudge(GenerationBackend judge, GenerationParams params) {
        this.judge = judge;
        this.params = params.withN(1);
    }

    public static String prompt(String instruction, String a, String b) {
        return String.format(Locale.ROOT, TEMPLATE, instruction, a, b);
    }

    /** Asks both orders; a server error (after the backend's retries) is thrown, not counted as no vote. */
    public Verdict judge(String instruction, String tuned, String base, BooleanSupplier cancelled) throws GenerationException {
        String first = ask(prompt(instruction, tuned, base), cancelled);
        String second = ask(prompt(instruction, base, tuned), cancelled);
        Pick p1 = parse(first), p2 = parse(second);
        return new Verdict(combine(p1, p2), first, second, p1, p2);
    }

    private String ask(String prompt, BooleanSupplier cancelled) {
        return judge.generate(prompt, params, cancelled).candidates().get(0).text();
    }

    /** Tuned first: (a) is tuned; base first: (b) is tuned. */
    static Vote combine(Pick tunedFirst, Pick baseFirst) {
        if (tunedFirst == Pick.NONE || baseFirst == Pick.NONE) return Vote.NONE;
        boolean t1 = tunedFirst == Pick.A, t2 = baseFirst == Pick.B;
        if (t1 && t2) return Vote.TUNED;
        if (!t1 && !t2) return Vote.BASE;
        return Vote.TIE;
    }

    // "Output (a)", "output a", "(b)", "Response B", "**A**", "b." — one letter named alone, or by a label
    private static final Pattern LABELLED = Pattern.compile("(?:output|response)\\s*[(\\[]?\\s*([ab])\\s*[)\\]]?(?![a-z])");
    private static final Pattern BARE = Pattern.compile("^[\\s*\"'`(\\[]*([ab])[\\s*\"'`)\\].:!]*$");
    // a refusal or a non-answer: no vote, whatever letters it mentions
    private static final Pattern UNDECIDED = Pattern.compile("\\b(neither|both|equally|tie|cannot|can't|can not|unable|sorry|as an ai)\\b");
    private static final Pattern PAREN = Pattern.compile("\\(([ab])\\)");

    /** What the answer names; NONE when it names neither, both, or nothing parsable (a refusal, a ramble). */
    public static Pick parse(String answer) {
        if (answer == null) return Pick.NONE;
        String s = answer.strip().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) return Pick.NONE;
        Matcher bare = BARE.matcher(s);
        if (bare.matches()) return pick(bare.group(1));
        if (UNDECIDED.matcher(s).find()) return Pick.NONE;
        // "Output (a) is better than output (b)": an answer that opens with its choice names it first
        Matcher lead = LABELLED.matcher(s);
        if (lead.find() && lead.start() <= 2) return pick(lead.group(1));
        String found = unique(LABELLED.matcher(s));
        if (found == null) found = unique(PAREN.matcher(s));
        return found == null || found.equals("?") ? Pick.NONE : pick(found);
    }

    /** The one letter the matches name; null when none; "?" when they name both. */
    private static String unique(Matcher m) {
        String seen = null;
        while (m.find()) {
            String g = m.group(1);
            if (seen == null) seen = g;
            else if (!seen.equals(g)) return "?";
        }
        return seen;
    }

    private static Pick pick(String letter) {
        return letter.equals("a") ? Pick.A : Pick.B;
    }
}
