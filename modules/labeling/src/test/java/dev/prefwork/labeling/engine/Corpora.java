package dev.prefwork.labeling.engine;

import dev.prefwork.core.Progress;
import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.lf.Condition;
import dev.prefwork.labeling.lf.LfSpec;

import java.util.List;

/** Small hand-made corpora for tests: each group is a prompt followed by its candidates. */
final class Corpora {

    private Corpora() {
    }

    /** Prompt ids 1.., candidate ids 1.. in the order given; category "cat-" + prompt id. */
    static Corpus of(String[]... groups) {
        Corpus.Builder b = Corpus.builder();
        long cid = 1;
        for (int p = 0; p < groups.length; p++) {
            b.prompt(p + 1, groups[p][0], "cat-" + (p + 1));
            for (int k = 1; k < groups[p].length; k++) b.candidate(cid++, p + 1, groups[p][k]);
        }
        return b.build();
    }

    /** Each text as the only candidate of its own prompt (prompt text "prompt"). */
    static Corpus responses(String... texts) {
        String[][] groups = new String[texts.length][];
        for (int i = 0; i < texts.length; i++) groups[i] = new String[]{"prompt", texts[i]};
        return of(groups);
    }

    static LfSpec lf(Condition when) {
        return new LfSpec("test", "format", Verdict.GOOD, null, null, when);
    }

    /** Rows on which {@code when} holds, as 0/1 per row. */
    static int[] fires(Corpus corpus, Condition when) {
        return fires(corpus, lf(when));
    }

    static int[] fires(Corpus corpus, LfSpec spec) {
        try (LfEngine engine = new LfEngine(corpus, LfEngine.Config.defaults())) {
            ApplyResult r = engine.apply(List.of(spec), Progress.NONE);
            if (!r.columns().get(0).ok()) throw new AssertionError(r.columns().get(0).error());
            byte[] col = r.matrix().column(0);
            int[] out = new int[col.length];
            for (int i = 0; i < col.length; i++) out[i] = col[i] != 0 ? 1 : 0;
            return out;
        }
    }
}
