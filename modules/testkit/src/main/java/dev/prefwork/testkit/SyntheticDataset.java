package dev.prefwork.testkit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * A deterministic generator of candidates files in Prefwork's import shape, one prompt per line:
 * {@code {"id": "p-000001", "prompt": "…", "category": "coding", "candidates": [{"text": "…", "model": "sft-7b"}, …]}}.
 *
 * <p>Eight categories, five models, prompts of 50–600 characters, candidate texts from a skewed distribution
 * (median about 700 characters, a few percent of 3–6 KB, about 1.5 % under 60 characters), written as plausible
 * sentences with Markdown (headings, lists, tables, fenced code, LaTeX in math answers), the odd non-ASCII
 * character and emoji, and the failure modes labeling functions look for: refusals, one-word answers,
 * repetition loops and a duplicate candidate now and then.
 *
 * <p>Prompt {@code i} depends only on the seed and {@code i}, so a small file is a prefix of a large one with the
 * same seed, and the same settings always give the same bytes. {@link #writeJsonl(Path)} streams: memory does
 * not grow with the number of prompts (one million candidates write in a few seconds in a few MB of heap).
 *
 * <pre>{@code
 * SyntheticDataset.Written w = SyntheticDataset.builder().prompts(10_000).candidatesPerPrompt(5).seed(7).build()
 *         .writeJsonl(dir.resolve("candidates.jsonl"));
 * SyntheticDataset.writeJsonl(dir.resolve("small.jsonl"), 20);   // quick fixture for a test
 * }</pre>
 */
public final class SyntheticDataset {

    public static final List<String> CATEGORIES = List.of(
            "coding", "math", "writing", "summarization", "open_qa", "reasoning", "advice", "extraction");
    public static final List<String> MODELS = List.of("base-7b", "sft-7b", "dpo-7b", "chat-13b", "large-70b");
    public static final long DEFAULT_SEED = 42L;
    /** Bumped whenever a change to the generator changes its output for a given seed (cached files are then stale). */
    public static final int GENERATOR_VERSION = 1;
    public static final int DEFAULT_CANDIDATES = 5;
    public static final int MIN_PROMPT_CHARS = 50;
    public static final int MAX_PROMPT_CHARS = 600;
    /** Upper bound of a generated candidate text, in characters (a code block can overshoot its target a little). */
    public static final int MAX_CANDIDATE_CHARS = 6_000;

    static final int CODING = 0, MATH = 1, WRITING = 2, SUMMARIZATION = 3, OPEN_QA = 4, REASONING = 5, ADVICE = 6, EXTRACTION = 7;
    /** Relative frequency of each category (coding and open QA dominate real preference sets). */
    private static final double[] CATEGORY_WEIGHT = {0.22, 0.10, 0.12, 0.10, 0.18, 0.08, 0.12, 0.08};
    /** Median answer length multipliers: weak models ramble less, DPO-tuned ones more. */
    private static final double[] MODEL_LENGTH = {0.75, 0.95, 1.2, 1.0, 1.15};
    private static final double[] CATEGORY_LENGTH = {1.25, 0.9, 1.1, 0.7, 1.0, 0.95, 1.1, 0.6};
    private static final double MEDIAN_CHARS = 730;
    private static final double SIGMA = 0.75;

    private static final String[] SHORT = {"Yes.", "No.", "42", "I don't know.", "It depends.", "See above.", "True",
            "Done.", "x = 3", "Not sure, sorry.", "Use a dictionary.", "The answer is B.", "N/A", "Maybe?", "Thanks!"};
    private static final String[] REFUSAL = {"I'm sorry, but I can't help with that request.",
            "As an AI language model, I cannot provide that information.",
            "I apologize, but I am unable to assist with this.",
            "I can't do that, but I'm happy to help with something else."};

    /** One generated prompt line. */
    public record Prompt(String id, String prompt, String category, List<Candidate> candidates) {
    }

    public record Candidate(String text, String model) {
    }

    /** What {@link #writeJsonl(Path)} wrote. */
    public record Written(Path file, long prompts, long candidates, long bytes) {
    }

    private final long prompts;
    private final int candidatesPerPrompt;
    private final long seed;
    private final String idPrefix;
    private final int idWidth;

    private SyntheticDataset(Builder b) {
        this.prompts = b.prompts;
        this.candidatesPerPrompt = b.candidatesPerPrompt;
        this.seed = b.seed;
        this.idPrefix = b.idPrefix;
        this.idWidth = Math.max(6, Long.toString(Math.max(0, b.prompts - 1)).length());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Writes {@code prompts} prompts of {@value #DEFAULT_CANDIDATES} candidates with the default seed: a quick test fixture. */
    public static Written writeJsonl(Path file, int prompts) {
        return builder().prompts(prompts).build().writeJsonl(file);
    }

    public static Written writeJsonl(Path file, int prompts, long seed) {
        return builder().prompts(prompts).seed(seed).build().writeJsonl(file);
    }

    public long prompts() { return prompts; }

    public int candidatesPerPrompt() { return candidatesPerPrompt; }

    public long seed() { return seed; }

    public long candidates() { return prompts * candidatesPerPrompt; }

    /** Streams the dataset to {@code file} (created or replaced), one JSON object per line. */
    public Written writeJsonl(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                writeJsonl(out);
            }
            return new Written(file, prompts, candidates(), Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Streams the dataset to {@code out} as UTF-8 JSONL; {@code out} is flushed, not closed. */
    public void writeJsonl(OutputStream out) throws IOException {
        JsonFactory factory = JsonFactory.builder().build();
        try (JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setRootValueSeparator(null);
            for (long i = 0; i < prompts; i++) {
                Prompt p = prompt(i);
                g.writeStartObject();
                g.writeStringField("id", p.id());
                g.writeStringField("prompt", p.prompt());
                g.writeStringField("category", p.category());
                g.writeArrayFieldStart("candidates");
                for (Candidate c : p.candidates()) {
                    g.writeStartObject();
                    g.writeStringField("text", c.text());
                    g.writeStringField("model", c.model());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
                g.writeRaw('\n');
            }
            g.flush();
        }
    }

    /** The prompts in order, generated lazily (nothing is held beyond the current one). */
    public Iterable<Prompt> records() {
        return () -> new Iterator<>() {
            private long next;

            @Override public boolean hasNext() { return next < prompts; }

            @Override public Prompt next() {
                if (next >= prompts) throw new NoSuchElementException();
                return prompt(next++);
            }
        };
    }

    /** Prompt {@code index} (0-based); depends only on the seed, the index and the candidates per prompt. */
    public Prompt prompt(long index) {
        SplitMix64 r = new SplitMix64(SplitMix64.mix(seed, index));
        int category = weighted(r, CATEGORY_WEIGHT);
        String promptText = promptText(r, category);
        int[] models = models(r);
        List<Candidate> cands = new ArrayList<>(candidatesPerPrompt);
        StringBuilder sb = new StringBuilder(2048);
        for (int j = 0; j < candidatesPerPrompt; j++) {
            int model = models[j];
            if (j > 0 && r.chance(0.01)) { // two models gave the same answer
                cands.add(new Candidate(cands.get(r.nextInt(j)).text(), MODELS.get(model)));
                continue;
            }
            sb.setLength(0);
            candidateText(r, category, model, sb);
            cands.add(new Candidate(sb.toString(), MODELS.get(model)));
        }
        return new Prompt(id(index), promptText, CATEGORIES.get(category), List.copyOf(cands));
    }

    private String id(long index) {
        String n = Long.toString(index + 1);
        StringBuilder sb = new StringBuilder(idPrefix.length() + idWidth).append(idPrefix);
        for (int k = n.length(); k < idWidth; k++) sb.append('0');
        return sb.append(n).toString();
    }

    /** A permutation of the models when they suffice (each prompt sees every model once), else random picks. */
    private int[] models(SplitMix64 r) {
        int[] m = new int[candidatesPerPrompt];
        if (candidatesPerPrompt <= MODELS.size()) {
            int[] all = {0, 1, 2, 3, 4};
            for (int i = all.length - 1; i > 0; i--) {
                int k = r.nextInt(i + 1);
                int t = all[i]; all[i] = all[k]; all[k] = t;
            }
            System.arraycopy(all, 0, m, 0, candidatesPerPrompt);
        } else {
            for (int i = 0; i < m.length; i++) m[i] = r.nextInt(MODELS.size());
        }
        return m;
    }

    private static int weighted(SplitMix64 r, double[] weights) {
        double x = r.nextDouble();
        for (int i = 0; i < weights.length - 1; i++) {
            x -= weights[i];
            if (x < 0) return i;
        }
        return weights.length - 1;
    }

    private static String promptText(SplitMix64 r, int c) {
        int target = (int) Math.max(MIN_PROMPT_CHARS, Math.min(MAX_PROMPT_CHARS, r.logNormal(150, 0.65)));
        StringBuilder sb = new StringBuilder(target + 200);
        String noun = TextGen.topicNoun(r, c);
        switch (c) {
            case CODING -> {
                String lang = r.pick(new String[]{"Python", "JavaScript", "Java", "SQL", "Bash", "Go", "Rust"});
                switch (r.nextInt(3)) {
                    case 0 -> sb.append("Write a ").append(lang).append(" function that ").append(r.pick(TextGen.VERB))
                            .append(" a ").append(noun).append(" and handles the edge cases.");
                    case 1 -> sb.append("Why does my ").append(lang).append(" code throw an error when the ").append(noun)
                            .append(" is empty? How do I fix it?");
                    default -> sb.append("How do I ").append(r.pick(new String[]{"sort", "parse", "cache", "validate", "stream"}))
                            .append(" a ").append(noun).append(" in ").append(lang).append(" without extra dependencies?");
                }
            }
            case MATH -> {
                switch (r.nextInt(3)) {
                    case 0 -> sb.append("Solve for x: ").append(r.between(2, 9)).append("x + ").append(r.between(1, 50))
                            .append(" = ").append(r.between(51, 200)).append(". Show each step.");
                    case 1 -> sb.append("What is the derivative of x^").append(r.between(2, 7)).append(" + ")
                            .append(r.between(2, 9)).append("sin(x)? Explain briefly.");
                    default -> sb.append("A train travels ").append(r.between(60, 400)).append(" km in ")
                            .append(r.between(2, 6)).append(" hours. What is its average speed in m/s?");
                }
            }
            case WRITING -> sb.append("Write a short ").append(r.pick(new String[]{"poem", "story", "cover letter", "toast", "product description", "blog intro"}))
                    .append(" about a ").append(r.pick(TextGen.ADJ)).append(' ').append(noun).append(" in a ")
                    .append(r.pick(new String[]{"playful", "formal", "melancholy", "upbeat", "dry"})).append(" tone.");
            case SUMMARIZATION -> sb.append("Summarize the following ").append(noun).append(" in ")
                    .append(r.between(2, 5)).append(" bullet points:\n\n");
            case OPEN_QA -> sb.append(r.pick(new String[]{"What is a ", "Explain the ", "How does a ", "Why is the "}))
                    .append(noun).append(r.pick(new String[]{" important?", " to a beginner.", " work?", " so hard to measure?"}));
            case REASONING -> sb.append("If every ").append(r.pick(TextGen.NOUN)).append(" is a ").append(noun)
                    .append(" and some ").append(noun).append("s are ").append(r.pick(TextGen.ADJ))
                    .append(", does it follow that some ").append(r.pick(TextGen.NOUN)).append("s are ")
                    .append(r.pick(TextGen.ADJ)).append("? Think step by step.");
            case ADVICE -> sb.append("My ").append(noun).append(" keeps getting worse and I'm ")
                    .append(r.pick(new String[]{"stressed", "stuck", "unsure", "out of ideas"})).append(". What should I do?");
            default -> sb.append("Extract every ").append(noun).append(" from the text below and return them as a JSON list:\n\n");
        }
        boolean passage = c == SUMMARIZATION || c == EXTRACTION;
        if (passage) target = Math.max(target, 300);
        boolean first = true;
        while (sb.length() < target) {
            StringBuilder s = new StringBuilder();
            TextGen.sentence(r, c, s);
            if (sb.length() + 1 + s.length() > MAX_PROMPT_CHARS) break;
            if (!(passage && first)) sb.append(' ');
            sb.append(s);
            first = false;
        }
        if (sb.length() < MIN_PROMPT_CHARS) sb.append(" Please keep the answer short and clear.");
        if (sb.length() > MAX_PROMPT_CHARS) {
            int cut = sb.lastIndexOf(" ", MAX_PROMPT_CHARS - 1);
            sb.setLength(cut > MIN_PROMPT_CHARS ? cut : MAX_PROMPT_CHARS);
        }
        return sb.toString();
    }

    private static void candidateText(SplitMix64 r, int c, int model, StringBuilder sb) {
        double kind = r.nextDouble();
        if (kind < 0.015) { // a one-liner
            sb.append(r.pick(SHORT));
            return;
        }
        if (kind < 0.015 + (model == 0 ? 0.05 : 0.02)) { // a refusal, sometimes with an excuse
            sb.append(r.pick(REFUSAL));
            if (r.chance(0.5)) TextGen.paragraph(r, c, sb.append(' '), 80, 2);
            return;
        }
        int target = (int) Math.round(r.logNormal(MEDIAN_CHARS * MODEL_LENGTH[model] * CATEGORY_LENGTH[c], SIGMA));
        target = Math.max(80, Math.min(MAX_CANDIDATE_CHARS - 600, target));
        if (kind < 0.06 && model == 0) { // a repetition loop
            TextGen.repetitive(r, c, sb, target);
        } else {
            structured(r, c, sb, target);
        }
        if (sb.length() > MAX_CANDIDATE_CHARS) {
            int cut = sb.lastIndexOf(" ", MAX_CANDIDATE_CHARS - 1);
            sb.setLength(cut > 0 ? cut : MAX_CANDIDATE_CHARS);
        }
    }

    /** Markdown blocks until the target length: paragraphs mostly, then lists, code, headings, tables, quotes. */
    private static void structured(SplitMix64 r, int c, StringBuilder sb, int target) {
        double codeP = c == CODING ? 0.35 : c == MATH || c == EXTRACTION ? 0.06 : 0.02;
        int prev = -1;
        while (sb.length() < target) {
            int left = target - sb.length();
            if (sb.length() > 0) sb.append("\n\n");
            int block;
            double x = r.nextDouble();
            if (prev == -1) block = target > 1200 && x < 0.2 ? 4 : 0;
            else if (prev == 4) block = 0;
            else if (x < codeP) block = 3;
            else if (x < codeP + 0.17) block = 1;
            else if (x < codeP + 0.27) block = 2;
            else if (x < codeP + 0.32 && target > 1000) block = 4;
            else if (x < codeP + 0.35) block = 5;
            else if (x < codeP + 0.37) block = 6;
            else block = 0;
            switch (block) {
                case 1 -> TextGen.list(r, c, sb, Math.min(left, 500), false);
                case 2 -> TextGen.list(r, c, sb, Math.min(left, 500), true);
                case 3 -> TextGen.code(r, sb, Math.min(left, 900));
                case 4 -> TextGen.heading(r, sb);
                case 5 -> TextGen.table(r, c, sb);
                case 6 -> TextGen.quote(r, c, sb);
                default -> TextGen.paragraph(r, c, sb, Math.min(left, 700), 6);
            }
            prev = block;
        }
    }

    public static final class Builder {
        private long prompts = 1_000;
        private int candidatesPerPrompt = DEFAULT_CANDIDATES;
        private long seed = DEFAULT_SEED;
        private String idPrefix = "p-";

        private Builder() {
        }

        public Builder prompts(long n) {
            if (n < 0) throw new IllegalArgumentException("prompts must be >= 0: " + n);
            this.prompts = n;
            return this;
        }

        /** Candidates per prompt; the importer wants 2 to 100. */
        public Builder candidatesPerPrompt(int k) {
            if (k < 1 || k > 100) throw new IllegalArgumentException("candidates per prompt must be 1..100: " + k);
            this.candidatesPerPrompt = k;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Prefix of the prompt ids ({@code p-} by default); ids are unique workspace-wide, so vary it per file. */
        public Builder idPrefix(String prefix) {
            if (prefix == null) throw new IllegalArgumentException("id prefix must not be null");
            this.idPrefix = prefix;
            return this;
        }

        public SyntheticDataset build() {
            return new SyntheticDataset(this);
        }
    }

    /**
     * {@code java -cp … dev.prefwork.testkit.SyntheticDataset [--prompts N] [--candidates K] [--seed S]
     * [--id-prefix P] OUTPUT.jsonl}; N accepts {@code 10k} / {@code 1m} suffixes.
     */
    public static void main(String[] args) {
        Builder b = builder();
        Path out = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--prompts", "-n" -> b.prompts(parseCount(args[++i]));
                    case "--candidates", "-k" -> b.candidatesPerPrompt(Integer.parseInt(args[++i]));
                    case "--seed", "-s" -> b.seed(Long.parseLong(args[++i]));
                    case "--id-prefix" -> b.idPrefix(args[++i]);
                    case "-h", "--help" -> {
                        usage();
                        return;
                    }
                    default -> {
                        if (a.startsWith("-") || out != null) throw new IllegalArgumentException("unexpected argument: " + a);
                        out = Path.of(a);
                    }
                }
            }
            if (out == null) throw new IllegalArgumentException("missing OUTPUT.jsonl");
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            usage();
            System.exit(2);
            return;
        }
        long t0 = System.nanoTime();
        Written w = b.build().writeJsonl(out);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%s: %,d prompts, %,d candidates, %,d bytes in %.1f s%n",
                w.file(), w.prompts(), w.candidates(), w.bytes(), s);
    }

    private static void usage() {
        System.err.println("usage: SyntheticDataset [--prompts N] [--candidates K] [--seed S] [--id-prefix P] OUTPUT.jsonl");
    }

    /** {@code 1000}, {@code 10k}, {@code 1.5m}, {@code 200_000}. */
    public static long parseCount(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT).replace("_", "").replace(",", "");
        double mult = 1;
        if (t.endsWith("k")) { mult = 1e3; t = t.substring(0, t.length() - 1); }
        else if (t.endsWith("m")) { mult = 1e6; t = t.substring(0, t.length() - 1); }
        double v = Double.parseDouble(t) * mult;
        if (v < 0 || v != Math.rint(v)) throw new IllegalArgumentException("not a count: " + s);
        return (long) v;
    }
}
