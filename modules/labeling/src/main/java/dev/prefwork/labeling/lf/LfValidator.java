package dev.prefwork.labeling.lf;

import dev.prefwork.labeling.lf.Condition.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks an LF spec and returns every problem as a field-level error; it never throws on user input, so the
 * builder can show all of them at once while the expert types.
 */
public final class LfValidator {

    public static final int MAX_NAME_CHARS = 200;
    public static final int MAX_DESCRIPTION_CHARS = 4000;
    public static final int MAX_TERMS = 500;
    public static final int MAX_TERM_CHARS = 1000;
    public static final int MAX_PATTERN_CHARS = 2000;
    public static final int MAX_DEPTH = 12;
    public static final int MAX_NODES = 200;
    private static final Pattern ASPECT = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    /** Flesch reading ease cannot exceed 121.22 (one-syllable words, one-word sentences); below −200 is meaningless. */
    private static final double FLESCH_MIN = -200, FLESCH_MAX = 122;

    private final Set<String> phraseLists;
    private final Set<String> modelProviders;

    /**
     * @param phraseLists    names a {@code phrase_list} may refer to
     * @param modelProviders names a {@code model_score} may refer to; null accepts any (checked when applied)
     */
    public LfValidator(Set<String> phraseLists, Set<String> modelProviders) {
        this.phraseLists = Set.copyOf(phraseLists);
        this.modelProviders = modelProviders == null ? null : Set.copyOf(modelProviders);
    }

    /** A validator for the built-in phrase lists that accepts any model provider. */
    public static LfValidator standard() {
        return new LfValidator(PhraseLists.builtIn().names(), null);
    }

    private enum Target { RESPONSE, PROMPT }

    public List<SpecError> validate(LfSpec spec) {
        List<SpecError> errors = new ArrayList<>();
        if (spec == null) {
            errors.add(new SpecError("", "the spec is empty"));
            return errors;
        }
        if (spec.name() == null || spec.name().isBlank()) {
            errors.add(new SpecError("name", "give the LF a name"));
        } else if (spec.name().strip().length() > MAX_NAME_CHARS) {
            errors.add(new SpecError("name", "a name is at most " + MAX_NAME_CHARS + " characters"));
        } else if (spec.name().chars().anyMatch(Character::isISOControl)) {
            errors.add(new SpecError("name", "a name cannot contain line breaks or control characters"));
        }
        if (spec.aspect() == null || spec.aspect().isBlank()) {
            errors.add(new SpecError("aspect", "choose an aspect (" + String.join(", ", LfSpec.BUILT_IN_ASPECTS) + ", or your own)"));
        } else if (!ASPECT.matcher(spec.aspect()).matches()) {
            errors.add(new SpecError("aspect", "an aspect is lowercase letters, digits, - or _ and starts with a letter (up to 64)"));
        }
        if (spec.vote() == null) errors.add(new SpecError("vote", "choose the vote the LF casts: GOOD or BAD"));
        if (spec.description() != null && spec.description().length() > MAX_DESCRIPTION_CHARS) {
            errors.add(new SpecError("description", "a description is at most " + MAX_DESCRIPTION_CHARS + " characters"));
        }
        int[] nodes = {0};
        if (spec.promptScope() != null) condition(spec.promptScope(), "prompt_scope", Target.PROMPT, 1, nodes, errors);
        switch (spec.kindOrDefault()) {
            case CANDIDATE -> {
                if (spec.ratio() != null) errors.add(new SpecError("ratio", "a length ratio belongs to a comparative LF (\"kind\": \"comparative\")"));
                if (spec.judge() != null) errors.add(new SpecError("judge", "a model question belongs to a judge LF (\"kind\": \"judge\")"));
                if (spec.when() == null) {
                    errors.add(new SpecError("when", "add a condition: when should the LF vote?"));
                } else {
                    condition(spec.when(), "when", Target.RESPONSE, 1, nodes, errors);
                }
            }
            case COMPARATIVE -> {
                if (spec.judge() != null) errors.add(new SpecError("judge", "a model question belongs to a judge LF (\"kind\": \"judge\")"));
                if (spec.when() == null && spec.ratio() == null) {
                    errors.add(new SpecError("when", "add a condition (prefer the candidate that matches it over one that does not) or a length ratio"));
                } else if (spec.when() != null && spec.ratio() != null) {
                    errors.add(new SpecError("ratio", "a comparative LF compares by a condition or by a length ratio, not both"));
                } else if (spec.when() != null) {
                    condition(spec.when(), "when", Target.RESPONSE, 1, nodes, errors);
                } else if (spec.ratio().min() == null || spec.ratio().min().isNaN() || spec.ratio().min() < 1 || spec.ratio().min() > 1000) {
                    errors.add(new SpecError("ratio.min", "how many times as long the other must be: a number from 1 to 1000"));
                }
            }
            case JUDGE -> {
                if (spec.when() != null) errors.add(new SpecError("when", "a judge LF asks a model; it has no condition (use the prompt scope to limit it)"));
                if (spec.ratio() != null) errors.add(new SpecError("ratio", "a length ratio belongs to a comparative LF"));
                if (spec.judge() == null) errors.add(new SpecError("judge", "say which model to ask and what"));
                else judge(spec.judge(), errors);
            }
        }
        if (nodes[0] > MAX_NODES) errors.add(new SpecError("", "an LF has at most " + MAX_NODES + " conditions; split it"));
        return errors;
    }

    public static final int MAX_TEMPLATE_CHARS = 20_000;
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private static void judge(LfSpec.Judge j, List<SpecError> errors) {
        if (j.baseUrl() == null || !j.baseUrl().strip().matches("(?i)https?://\\S+")) {
            errors.add(new SpecError("judge.base_url", "the server's address, e.g. http://localhost:8000/v1"));
        }
        if (j.model() == null || j.model().isBlank()) errors.add(new SpecError("judge.model", "the model name the server knows"));
        if (j.apiKeyEnv() != null && !ENV_NAME.matcher(j.apiKeyEnv()).matches()) {
            errors.add(new SpecError("judge.api_key_env", "give the name of the environment variable that holds the key, not the key"));
        }
        String t = j.template();
        if (t == null || t.isBlank()) {
            errors.add(new SpecError("judge.template", "write the question to ask the model"));
        } else if (t.length() > MAX_TEMPLATE_CHARS) {
            errors.add(new SpecError("judge.template", "a template is at most " + MAX_TEMPLATE_CHARS + " characters"));
        } else if (j.pairwise()) {
            if (!t.contains("{response_a}") || !t.contains("{response_b}")) {
                errors.add(new SpecError("judge.template", "an A/B question shows both responses: put {response_a} and {response_b} in it"));
            }
        } else if (!t.contains("{response}")) {
            errors.add(new SpecError("judge.template", "put {response} where the response goes"));
        }
        if (j.maxTokens() < 1 || j.maxTokens() > 4096) errors.add(new SpecError("judge.max_tokens", "must be between 1 and 4096"));
        switch (j.answer()) {
            case YES_NO -> range(j.min(), j.max(), "judge", 0, 1, errors);
            case SCORE -> range(j.min(), j.max(), "judge", 1, 10, errors);
            case AB -> {
                if (j.min() != null || j.max() != null) errors.add(new SpecError("judge.min", "an A/B answer has no threshold: it votes when both orders agree"));
            }
        }
    }

    /** Validates a condition on its own (as the response condition), paths relative to it. */
    public List<SpecError> validateCondition(Condition c) {
        List<SpecError> errors = new ArrayList<>();
        condition(c, "", Target.RESPONSE, 1, new int[]{0}, errors);
        return errors;
    }

    private void condition(Condition c, String path, Target target, int depth, int[] nodes, List<SpecError> errors) {
        nodes[0]++;
        if (c == null) {
            errors.add(new SpecError(path, "empty condition: choose a template"));
            return;
        }
        if (depth > MAX_DEPTH) {
            errors.add(new SpecError(path, "conditions are nested more than " + MAX_DEPTH + " levels deep"));
            return;
        }
        if (c instanceof And a) {
            children(a.conditions(), path, target, depth, nodes, errors);
        } else if (c instanceof Or o) {
            children(o.conditions(), path, target, depth, nodes, errors);
        } else if (c instanceof Not n) {
            condition(n.condition(), join(path, "condition"), target, depth + 1, nodes, errors);
        } else if (c instanceof Keywords k) {
            terms(k.terms(), join(path, "terms"), "keyword", errors);
            if (k.terms() != null && k.terms().size() > MAX_TERMS) {
                errors.add(new SpecError(join(path, "terms"), "at most " + MAX_TERMS + " keywords"));
            }
        } else if (c instanceof Regex r) {
            regex(r, path, errors);
        } else if (c instanceof Length l) {
            if (l.relativeToPrompt() && target == Target.PROMPT) {
                errors.add(new SpecError(join(path, "relative_to_prompt"), "a prompt's length cannot be relative to itself"));
            }
            range(l.min(), l.max(), path, 0, Double.MAX_VALUE, errors);
        } else if (c instanceof StartsWith s) {
            terms(s.texts(), join(path, "texts"), "text", errors);
        } else if (c instanceof EndsWith e) {
            terms(e.texts(), join(path, "texts"), "text", errors);
        } else if (c instanceof Structure s) {
            if (s.element() == null) {
                errors.add(new SpecError(join(path, "element"), "choose an element: code_block, bulleted_list, numbered_list, table or json"));
            }
        } else if (c instanceof PhraseList p) {
            if (p.list() == null || p.list().isBlank()) {
                errors.add(new SpecError(join(path, "list"), "choose a phrase list (" + String.join(", ", phraseLists) + ")"));
            } else if (!phraseLists.contains(p.list())) {
                errors.add(new SpecError(join(path, "list"), "no phrase list named \"" + p.list() + "\" (known: "
                        + String.join(", ", phraseLists.stream().sorted().toList()) + ")"));
            }
            if (p.minMatches() < 1 || p.minMatches() > 100) {
                errors.add(new SpecError(join(path, "min_matches"), "must be between 1 and 100"));
            }
        } else if (c instanceof Readability r) {
            range(r.min(), r.max(), path, FLESCH_MIN, FLESCH_MAX, errors);
        } else if (c instanceof Repetition r) {
            if (r.n() < 1 || r.n() > 10) errors.add(new SpecError(join(path, "n"), "the n-gram size must be between 1 and 10"));
            range(r.min(), r.max(), path, 0, 1, errors);
        } else if (c instanceof PromptOverlap o) {
            responseOnly(path, target, "prompt_overlap", errors);
            range(o.min(), o.max(), path, 0, 1, errors);
        } else if (c instanceof Rank r) {
            responseOnly(path, target, "rank", errors);
            if (r.select() == null) {
                errors.add(new SpecError(join(path, "select"), "choose highest, lowest or z_score"));
            } else if (r.select() == RankSelect.Z_SCORE) {
                range(r.min(), r.max(), path, -100, 100, errors);
            } else if (r.min() != null || r.max() != null) {
                errors.add(new SpecError(join(path, r.min() != null ? "min" : "max"), "min and max apply to z_score only"));
            }
        } else if (c instanceof NearDuplicate d) {
            responseOnly(path, target, "near_duplicate", errors);
            if (!(d.threshold() > 0 && d.threshold() <= 1)) {
                errors.add(new SpecError(join(path, "threshold"), "must be more than 0 and at most 1, not " + fmt(d.threshold())));
            }
            if (d.shingle() < 1 || d.shingle() > 10) {
                errors.add(new SpecError(join(path, "shingle"), "the shingle size must be between 1 and 10 words"));
            }
        } else if (c instanceof Category k) {
            if (target != Target.PROMPT) {
                errors.add(new SpecError(path, "category applies to the prompt: put it in the prompt scope"));
            }
            terms(k.categories(), join(path, "categories"), "category", errors);
        } else if (c instanceof ModelScore m) {
            responseOnly(path, target, "model_score", errors);
            if (m.provider() == null || m.provider().isBlank()) {
                errors.add(new SpecError(join(path, "provider"), "choose a model score provider"));
            } else if (modelProviders != null && !modelProviders.contains(m.provider())) {
                errors.add(new SpecError(join(path, "provider"), "no model score provider named \"" + m.provider() + "\""
                        + (modelProviders.isEmpty() ? " (none is installed)" : " (known: " + String.join(", ", modelProviders.stream().sorted().toList()) + ")")));
            }
            range(m.min(), m.max(), path, -Double.MAX_VALUE, Double.MAX_VALUE, errors);
        }
    }

    private void children(List<Condition> cs, String path, Target target, int depth, int[] nodes, List<SpecError> errors) {
        if (cs == null || cs.isEmpty()) {
            errors.add(new SpecError(join(path, "conditions"), "add at least one condition"));
            return;
        }
        for (int i = 0; i < cs.size(); i++) {
            condition(cs.get(i), join(path, "conditions") + "[" + i + "]", target, depth + 1, nodes, errors);
        }
    }

    private static void responseOnly(String path, Target target, String type, List<SpecError> errors) {
        if (target == Target.PROMPT) {
            errors.add(new SpecError(path, type + " compares a response with its prompt or siblings; it cannot be used in a prompt scope"));
        }
    }

    private static void terms(List<String> terms, String path, String what, List<SpecError> errors) {
        if (terms == null || terms.isEmpty()) {
            errors.add(new SpecError(path, "add at least one " + what));
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < terms.size(); i++) {
            String t = terms.get(i);
            String p = path + "[" + i + "]";
            if (t == null || t.isBlank()) {
                errors.add(new SpecError(p, "empty " + what + ": type something or remove it"));
            } else if (t.length() > MAX_TERM_CHARS) {
                errors.add(new SpecError(p, "a " + what + " is at most " + MAX_TERM_CHARS + " characters"));
            } else if (!seen.add(t.toLowerCase(Locale.ROOT))) {
                errors.add(new SpecError(p, "\"" + t + "\" is listed twice"));
            }
        }
    }

    private static void regex(Regex r, String path, List<SpecError> errors) {
        String p = join(path, "pattern");
        if (r.pattern() == null || r.pattern().isEmpty()) {
            errors.add(new SpecError(p, "type a regular expression"));
            return;
        }
        if (r.pattern().length() > MAX_PATTERN_CHARS) {
            errors.add(new SpecError(p, "a pattern is at most " + MAX_PATTERN_CHARS + " characters"));
            return;
        }
        try {
            Pattern.compile(r.pattern());
        } catch (PatternSyntaxException e) {
            String at = e.getIndex() >= 0 ? " at position " + (e.getIndex() + 1) : "";
            errors.add(new SpecError(p, "not a valid regular expression" + at + ": " + e.getDescription()));
        } catch (RuntimeException e) {
            // a pathological pattern may make the compiler itself fail (e.g. stack overflow in deep groups)
            errors.add(new SpecError(p, "not a valid regular expression: " + e.getClass().getSimpleName()));
        } catch (StackOverflowError e) {
            errors.add(new SpecError(p, "the regular expression is nested too deeply"));
        }
    }

    private static void range(Double min, Double max, String path, double lo, double hi, List<SpecError> errors) {
        if (min == null && max == null) {
            errors.add(new SpecError(path, "set a minimum, a maximum or both"));
            return;
        }
        boolean ok = true;
        if (min != null && (min.isNaN() || min < lo || min > hi)) {
            errors.add(new SpecError(join(path, "min"), outOfRange(min, lo, hi)));
            ok = false;
        }
        if (max != null && (max.isNaN() || max < lo || max > hi)) {
            errors.add(new SpecError(join(path, "max"), outOfRange(max, lo, hi)));
            ok = false;
        }
        if (ok && min != null && max != null && min > max) {
            errors.add(new SpecError(join(path, "min"), "the minimum " + fmt(min) + " is greater than the maximum " + fmt(max)));
        }
    }

    private static String outOfRange(double v, double lo, double hi) {
        if (hi == Double.MAX_VALUE && lo == 0) return "must be 0 or more, not " + fmt(v);
        if (hi == Double.MAX_VALUE) return "must be a number, not " + fmt(v);
        return "must be between " + fmt(lo) + " and " + fmt(hi) + ", not " + fmt(v);
    }

    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
