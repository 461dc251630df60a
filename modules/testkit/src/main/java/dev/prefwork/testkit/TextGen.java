package dev.prefwork.testkit;

/**
 * Plausible-looking English and Markdown from a tiny grammar: sentences, paragraphs, bullet and numbered
 * lists, headings, tables, block quotes and fenced code, with the odd non-ASCII character. Not meaningful,
 * but shaped like chat-model output, so length filters, keyword LFs and the Markdown renderer have real work.
 */
final class TextGen {

    static final String[] DET = {"the", "a", "this", "each", "every", "our", "your", "that", "one", "any", "the", "the", "a"};
    static final String[] ADJ = {"simple", "robust", "efficient", "common", "important", "small", "large", "useful", "careful",
            "reliable", "new", "existing", "default", "clear", "concise", "safe", "typical", "practical", "complex", "local",
            "global", "final", "main", "quick", "detailed", "specific", "general", "optional", "standard", "modern"};
    static final String[] NOUN = {"approach", "function", "result", "example", "value", "system", "process", "user", "method",
            "problem", "solution", "answer", "question", "step", "file", "model", "data", "list", "option", "error", "case",
            "reason", "idea", "change", "part", "version", "rule", "number", "word", "text", "team", "plan", "goal", "risk",
            "budget", "schedule", "report", "summary", "detail", "test", "input", "output", "request", "response", "service",
            "library", "variable", "loop", "table", "record", "field", "document", "paragraph", "section", "argument"};
    static final String[] VERB = {"improves", "returns", "handles", "creates", "uses", "reduces", "explains", "requires",
            "checks", "describes", "supports", "updates", "removes", "adds", "changes", "computes", "stores", "reads",
            "writes", "avoids", "includes", "follows", "shows", "keeps", "limits", "replaces", "compares", "covers",
            "depends on", "relies on", "makes", "turns", "builds", "measures", "tracks", "defines"};
    static final String[] ADV = {"usually", "often", "quickly", "carefully", "always", "rarely", "simply", "clearly",
            "typically", "automatically", "explicitly", "gradually", "directly"};
    static final String[] PREP = {"in", "on", "with", "for", "from", "across", "under", "between", "after", "before",
            "during", "without", "through", "within", "by"};
    static final String[] CONNECT = {"However,", "In practice,", "For example,", "As a result,", "In short,", "Note that",
            "Importantly,", "On the other hand,", "First,", "Finally,", "In most cases,", "Also,", "Then", "Overall,",
            "To be precise,", "If possible,"};
    static final String[] CONJ = {", and ", ", but ", ", so ", ", while ", ", because ", ", which means "};
    static final String[] UNICODE = {"naïve", "café", "résumé", "façade", "coöperate", "→", "≤", "≥", "±", "—", "“quoted”",
            "it’s", "Zürich", "São Paulo", "€20", "°C", "½", "π"};
    static final String[] EMOJI = {"🙂", "🚀", "✅", "⚠️", "👍", "📌"};
    static final String[] HEADINGS = {"Overview", "Summary", "Example", "Steps", "Details", "Explanation", "Solution",
            "Key points", "Background", "Caveats", "Next steps", "Answer", "How it works", "Trade-offs", "Conclusion"};

    /** Category-flavoured nouns, so keyword LFs scoped by category have something to find. */
    static final String[][] TOPIC_NOUNS = {
            {"function", "class", "compiler", "exception", "thread", "query", "API", "regex", "unit test", "stack trace", "dependency", "array", "hash map", "pointer"},
            {"equation", "derivative", "integral", "matrix", "probability", "proof", "fraction", "variable", "theorem", "polynomial", "limit", "vector"},
            {"story", "poem", "character", "opening line", "tone", "metaphor", "dialogue", "essay", "draft", "headline", "narrator", "scene"},
            {"article", "meeting", "report", "chapter", "key finding", "paper", "transcript", "main point", "abstract", "conclusion"},
            {"history", "planet", "language", "city", "vaccine", "economy", "climate", "river", "protein", "election", "telescope", "battery"},
            {"premise", "assumption", "argument", "inference", "constraint", "puzzle", "contradiction", "hypothesis", "conclusion", "pattern"},
            {"habit", "interview", "budget", "schedule", "workout", "landlord", "manager", "deadline", "salary", "routine", "conversation"},
            {"name", "date", "address", "email", "phone number", "amount", "organisation", "product", "invoice", "entity", "field"},
    };

    static final String[] IDENT = {"items", "value", "result", "count", "total", "data", "config", "user", "index", "key",
            "name", "path", "buffer", "node", "left", "right", "acc", "row", "cache", "limit", "offset", "payload", "scores"};
    static final String[] FN = {"parse_input", "compute_total", "find_max", "merge_lists", "load_config", "normalize",
            "is_valid", "flatten", "group_by", "retry", "slugify", "top_k", "binary_search", "chunk", "dedupe"};
    static final String[] LANGS = {"python", "javascript", "java", "sql", "bash", "python", "python"};

    private TextGen() {
    }

    static String topicNoun(SplitMix64 r, int category) {
        return r.pick(TOPIC_NOUNS[category]);
    }

    private static void nounPhrase(SplitMix64 r, int category, StringBuilder sb) {
        String det = r.pick(DET);
        String adj = r.chance(0.45) ? r.pick(ADJ) : null;
        String noun = r.chance(0.4) ? topicNoun(r, category) : r.pick(NOUN);
        char first = adj != null ? adj.charAt(0) : noun.charAt(0);
        sb.append(det.equals("a") && "aeiouAEIOU".indexOf(first) >= 0 ? "an" : det).append(' ');
        if (adj != null) sb.append(adj).append(' ');
        sb.append(noun);
    }

    /** One sentence, capitalised and punctuated, with occasional inline Markdown and non-ASCII text. */
    static void sentence(SplitMix64 r, int category, StringBuilder sb) {
        int start = sb.length();
        if (r.chance(0.2)) sb.append(r.pick(CONNECT)).append(' ');
        nounPhrase(r, category, sb);
        sb.append(' ');
        if (r.chance(0.15)) sb.append(r.pick(ADV)).append(' ');
        sb.append(r.pick(VERB)).append(' ');
        nounPhrase(r, category, sb);
        if (r.chance(0.5)) {
            sb.append(' ').append(r.pick(PREP)).append(' ');
            nounPhrase(r, category, sb);
        }
        if (r.chance(0.3)) {
            sb.append(r.pick(CONJ));
            nounPhrase(r, category, sb);
            sb.append(' ').append(r.pick(VERB)).append(' ');
            nounPhrase(r, category, sb);
        }
        double x = r.nextDouble();
        if (x < 0.04) {
            sb.append(" (").append(r.pick(UNICODE)).append(')');
        } else if (x < 0.07) {
            sb.append(" **").append(r.pick(ADJ)).append(' ').append(r.pick(NOUN)).append("**");
        } else if (x < 0.07 + (category == SyntheticDataset.CODING ? 0.25 : 0.02)) {
            sb.append(" using `").append(r.pick(FN)).append("()`");
        } else if (category == SyntheticDataset.MATH && x < 0.25) {
            sb.append(", where $").append(mathExpr(r)).append('$');
        }
        double end = r.nextDouble();
        sb.append(end < 0.9 ? "." : end < 0.95 ? "?" : end < 0.98 ? "!" : ":");
        if (r.chance(0.003)) sb.append(' ').append(r.pick(EMOJI));
        sb.setCharAt(start, Character.toUpperCase(sb.charAt(start)));
    }

    static String mathExpr(SplitMix64 r) {
        return switch (r.nextInt(5)) {
            case 0 -> "x^" + r.between(2, 4) + " + " + r.between(1, 9) + "x = " + r.between(10, 99);
            case 1 -> "\\frac{" + r.between(1, 9) + "}{" + r.between(2, 12) + "}";
            case 2 -> "\\sqrt{" + r.between(2, 200) + "}";
            case 3 -> "\\int_0^" + r.between(1, 5) + " x^" + r.between(1, 3) + "\\,dx";
            default -> "P(A \\mid B) = " + r.between(1, 99) / 100.0;
        };
    }

    /** Sentences until {@code budget} more characters are written (at least one). */
    static void paragraph(SplitMix64 r, int category, StringBuilder sb, int budget, int maxSentences) {
        int end = sb.length() + budget;
        for (int i = 0; i < maxSentences; i++) {
            if (i > 0) sb.append(' ');
            sentence(r, category, sb);
            if (sb.length() >= end) break;
        }
    }

    static void list(SplitMix64 r, int category, StringBuilder sb, int budget, boolean numbered) {
        int end = sb.length() + budget;
        int max = r.between(3, 7);
        for (int i = 0; i < max; i++) {
            if (i > 0) sb.append('\n');
            sb.append(numbered ? (i + 1) + ". " : "- ");
            if (r.chance(0.3)) {
                String term = r.pick(NOUN);
                sb.append("**").append(Character.toUpperCase(term.charAt(0))).append(term, 1, term.length()).append("**: ");
            }
            sentence(r, category, sb);
            if (i >= 1 && sb.length() >= end) break;
        }
    }

    static void heading(SplitMix64 r, StringBuilder sb) {
        sb.append(r.chance(0.7) ? "## " : "### ").append(r.pick(HEADINGS));
    }

    static void quote(SplitMix64 r, int category, StringBuilder sb) {
        sb.append("> ");
        sentence(r, category, sb);
    }

    static void table(SplitMix64 r, int category, StringBuilder sb) {
        sb.append("| Option | Pros | Cons |\n|---|---|---|");
        int rows = r.between(2, 4);
        for (int i = 0; i < rows; i++) {
            sb.append("\n| ").append(r.pick(ADJ)).append(' ').append(topicNoun(r, category))
                    .append(" | ").append(r.pick(ADJ)).append(" | ").append(r.pick(VERB)).append(' ').append(r.pick(NOUN)).append(" |");
        }
    }

    /** A fenced code block of roughly {@code budget} characters (2 to 30 lines). */
    static void code(SplitMix64 r, StringBuilder sb, int budget) {
        String lang = r.pick(LANGS);
        sb.append("```").append(lang).append('\n');
        int end = sb.length() + budget;
        int lines = 0;
        if (lang.equals("python")) {
            String fn = r.pick(FN);
            String a = r.pick(IDENT);
            sb.append("def ").append(fn).append('(').append(a).append(", ").append(r.pick(IDENT)).append("=None):\n");
            sb.append("    \"\"\"").append(Character.toUpperCase(fn.charAt(0))).append(fn.substring(1).replace('_', ' ')).append(".\"\"\"\n");
            while (lines++ < 30 && (lines < 3 || sb.length() < end)) {
                switch (r.nextInt(8)) {
                    case 0 -> sb.append("    for ").append(r.pick(IDENT)).append(" in ").append(a).append(":\n        ")
                            .append(r.pick(IDENT)).append(".append(").append(r.pick(IDENT)).append(")\n");
                    case 1 -> sb.append("    if ").append(r.pick(IDENT)).append(" is None:\n        raise ValueError(\"")
                            .append(r.pick(IDENT)).append(" must not be None\")\n");
                    case 2 -> sb.append("    ").append(r.pick(IDENT)).append(" = ").append(r.pick(IDENT)).append(".get(\"")
                            .append(r.pick(IDENT)).append("\", ").append(r.between(0, 100)).append(")\n");
                    case 3 -> sb.append("    print(f\"").append(r.pick(IDENT)).append(": {").append(r.pick(IDENT)).append("}\\n\")\n");
                    case 4 -> sb.append("    # ").append(r.pick(ADJ)).append(' ').append(r.pick(NOUN)).append(" handling\n");
                    case 5 -> sb.append("    ").append(r.pick(IDENT)).append(" += ").append(r.between(1, 9)).append('\n');
                    case 6 -> sb.append("    ").append(r.pick(IDENT)).append(" = [x for x in ").append(a).append(" if x]\n");
                    default -> sb.append("    ").append(r.pick(IDENT)).append(" = re.sub(r\"\\s+\", \" \", ").append(r.pick(IDENT)).append(")\n");
                }
            }
            sb.append("    return ").append(r.pick(IDENT)).append('\n');
        } else if (lang.equals("javascript") || lang.equals("java")) {
            boolean js = lang.equals("javascript");
            String fn = r.pick(FN);
            sb.append(js ? "function " : "static int ").append(fn).append(js ? "(" : "(int[] ").append(r.pick(IDENT)).append(") {\n");
            while (lines++ < 30 && (lines < 3 || sb.length() < end)) {
                switch (r.nextInt(5)) {
                    case 0 -> sb.append("  ").append(js ? "const " : "int ").append(r.pick(IDENT)).append(" = ").append(r.between(0, 64)).append(";\n");
                    case 1 -> sb.append("  for (").append(js ? "let" : "int").append(" i = 0; i < ").append(r.pick(IDENT))
                            .append(js ? ".length" : ".length").append("; i++) {\n    ").append(r.pick(IDENT)).append(" += i;\n  }\n");
                    case 2 -> sb.append("  if (").append(r.pick(IDENT)).append(" === null) {\n    throw new Error(\"")
                            .append(r.pick(IDENT)).append(" is required\");\n  }\n");
                    case 3 -> sb.append("  // ").append(r.pick(VERB)).append(" the ").append(r.pick(NOUN)).append('\n');
                    default -> sb.append("  ").append(js ? "console.log(`" : "System.out.println(\"").append(r.pick(IDENT))
                            .append(js ? " = ${" : " = \" + ").append(r.pick(IDENT)).append(js ? "}`);\n" : ");\n");
                }
            }
            sb.append("  return ").append(r.pick(IDENT)).append(";\n}\n");
        } else if (lang.equals("sql")) {
            sb.append("SELECT ").append(r.pick(IDENT)).append(", COUNT(*) AS n\nFROM ").append(r.pick(IDENT)).append('\n');
            while (lines++ < 12 && (lines < 2 || sb.length() < end)) {
                sb.append(lines == 1 ? "WHERE " : "  AND ").append(r.pick(IDENT));
                if (r.chance(0.5)) sb.append(" > ").append(r.between(1, 500)).append('\n');
                else sb.append(" = '").append(r.pick(IDENT)).append("'\n");
            }
            sb.append("GROUP BY 1\nORDER BY n DESC;\n");
        } else {
            while (lines++ < 20 && (lines < 3 || sb.length() < end)) {
                switch (r.nextInt(4)) {
                    case 0 -> sb.append("mkdir -p ~/").append(r.pick(IDENT)).append("/").append(r.pick(IDENT)).append('\n');
                    case 1 -> sb.append("grep -rn \"").append(r.pick(IDENT)).append("\" . | wc -l\n");
                    case 2 -> sb.append("export ").append(r.pick(IDENT).toUpperCase()).append("=\"$HOME/").append(r.pick(IDENT)).append("\"\n");
                    default -> sb.append("for f in *.txt; do echo \"$f\"; done\n");
                }
            }
        }
        sb.append("```");
    }

    /** The same sentence over and over: the degenerate output of a weak model. */
    static void repetitive(SplitMix64 r, int category, StringBuilder sb, int target) {
        StringBuilder one = new StringBuilder();
        sentence(r, category, one);
        while (sb.length() < target) {
            if (sb.length() > 0) sb.append(' ');
            sb.append(one);
        }
    }
}
