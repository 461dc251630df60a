package dev.prefwork.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static dev.prefwork.app.cli.PrefworkCliTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

/** `prefwork pairs`, `export` and `bundle` on the demo workspace, as the issue's "done when" runs them. */
class CurationCliTest {

    @TempDir
    static Path dir;
    static Path ws;

    @BeforeAll
    static void demo() {
        ws = dir.resolve("demo");
        assertThat(cli("init", ws.toString(), "--demo").code()).isZero();
        PrefworkCliTest.Run fit = cli("label-model", "fit", ws.toString());
        assertThat(fit.code()).as(fit.err()).isZero();
    }

    @Test
    void threeStrategiesPrintTheirFunnelAndAPairSetExportsAsTrlWithExactKeys() throws IOException {
        PrefworkCliTest.Run random = cli("pairs", ws.toString(), "--strategy", "best-random", "--seed", "3", "--dry-run");
        assertThat(random.code()).as(random.err()).isZero();
        assertThat(random.out()).contains("Ranking: label model run #1", "Best vs a random other", "Prompts with ≥ 2 scored candidates");
        PrefworkCliTest.Run margin = cli("pairs", ws.toString(), "--strategy", "margin", "--min-margin", "0.3", "--dry-run");
        assertThat(margin.out()).contains("All pairs with margin ≥ 0.3");
        PrefworkCliTest.Run bw = cli("pairs", ws.toString(), "--strategy", "best-worst", "--max-chosen-longer", "0.7", "--name", "bw");
        assertThat(bw.code()).as(bw.err()).isZero();
        assertThat(bw.out()).contains("Best vs worst", "Chosen longer in ≤ 70 % of pairs", "Saved pair set #", "\"bw\"");
        assertThat(cli("pairs", ws.toString(), "--list").out()).contains("bw", "best-worst", "label model run #1");

        Path trl = dir.resolve("pairs.jsonl");
        PrefworkCliTest.Run exp = cli("export", ws.toString(), "--format", "trl", "--out", trl.toString());
        assertThat(exp.code()).as(exp.err()).isZero();
        ObjectMapper m = new ObjectMapper();
        List<String> lines = Files.readAllLines(trl);
        assertThat(lines).isNotEmpty();
        for (String l : lines) {
            JsonNode n = m.readTree(l);
            List<String> keys = new ArrayList<>();
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) keys.add(it.next());
            assertThat(keys).containsExactly("prompt", "chosen", "rejected", "prompt_id", "chosen_score", "rejected_score", "margin");
            assertThat(n.get("prompt").isTextual() && n.get("chosen").isTextual() && n.get("rejected").isTextual()).isTrue();
            assertThat(n.get("margin").isDouble()).isTrue();
        }
        Path hf = dir.resolve("hf");
        assertThat(cli("export", ws.toString(), "--format", "hf", "--out", hf.toString(), "--test-size", "0.2").code()).isZero();
        assertThat(hf.resolve("README.md")).content().contains("dataset_info:", "How this data was made");
    }

    @Test
    void aBundleMadeByTheCliImportsIntoAFreshWorkspaceWithTheSamePairs() throws IOException {
        assertThat(cli("pairs", ws.toString(), "--strategy", "sft-top-k", "--top-percent", "30", "--name", "top30").code()).isZero();
        Path zip = dir.resolve("demo.prefwork.zip");
        PrefworkCliTest.Run out = cli("bundle", "export", ws.toString(), "--out", zip.toString());
        assertThat(out.code()).as(out.err()).isZero();
        Path fresh = dir.resolve("fresh");
        assertThat(cli("init", fresh.toString()).code()).isZero();
        PrefworkCliTest.Run dry = cli("bundle", "import", fresh.toString(), zip.toString(), "--dry-run");
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("labeling functions: 16 new");
        PrefworkCliTest.Run imp = cli("bundle", "import", fresh.toString(), zip.toString());
        assertThat(imp.code()).as(imp.err()).isZero();
        assertThat(imp.out()).contains("Imported:", "Labeling functions: 16 added");
        PrefworkCliTest.Run again = cli("bundle", "import", fresh.toString(), zip.toString());
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("already imported");
    }

    @Test
    void beforeAfterAnswersStayOutOfPairsUnlessTheFlagAsks() throws IOException {
        Path cws = dir.resolve("compared");
        assertThat(cli("init", cws.toString(), "--demo").code()).isZero();
        String refusal = "I am sorry, but I cannot help with that request.";
        // a comparison's answers as ComparisonService writes them: candidates tagged run-<id>:base / :tuned
        try (dev.prefwork.store.Workspace w = dev.prefwork.store.Workspace.open(cws)) {
            long run = w.trainingRuns().create("r", "{}", "pairs", 10, "/m", i -> "/ws/runs/run-" + i);
            long comparison = w.comparisons().create(run, 4, "{}");
            java.util.Set<Long> picked = new java.util.HashSet<>();
            for (dev.prefwork.core.PromptGold g : w.bulk().goldPicks()) picked.add(g.promptId());
            long[] prompts = java.util.Arrays.stream(w.prompts().ids(dev.prefwork.core.PromptFilter.ALL)).filter(p -> !picked.contains(p))
                    .limit(4).toArray();
            for (int k = 0; k < 4; k++) {
                w.comparisons().addResult(comparison, k, prompts[k], "run-" + run + ":base", refusal,
                        "run-" + run + ":tuned", "**Answer:** see the handbook.", "{\"comparison\":" + comparison + ",\"side\":\"base\"}",
                        "{\"comparison\":" + comparison + ",\"side\":\"tuned\"}");
            }
        }
        assertThat(cli("label-model", "fit", cws.toString()).code()).isZero();

        PrefworkCliTest.Run out = cli("pairs", cws.toString(), "--name", "without");
        assertThat(out.code()).as(out.err()).isZero();
        assertThat(out.out()).contains("Before/after answers left out", "8 answers of 1 before/after comparison");
        PrefworkCliTest.Run in = cli("pairs", cws.toString(), "--include-comparison-answers", "--name", "with");
        assertThat(in.code()).as(in.err()).isZero();
        assertThat(in.out()).contains("Before/after answers included").doesNotContain("left out");

        Path without = dir.resolve("without.jsonl"), with = dir.resolve("with.jsonl");
        assertThat(cli("export", cws.toString(), "--format", "trl", "--out", without.toString(), "--pairs", "1").code()).isZero();
        assertThat(cli("export", cws.toString(), "--format", "trl", "--out", with.toString(), "--pairs", "2").code()).isZero();
        assertThat(Files.readString(without)).doesNotContain(refusal);
        // four prompts without the expert's picks got a refusal (the refusal and one-liner LFs vote BAD on it): with the
        // flag it is the rejected side where it ranks below the prompt's worst answer (a tie goes to the shorter)
        assertThat(Files.readAllLines(with).stream().filter(l -> l.contains(refusal)).count()).isPositive();
        Path hf = dir.resolve("hf-without");
        assertThat(cli("export", cws.toString(), "--format", "hf", "--out", hf.toString(), "--pairs", "1").code()).isZero();
        assertThat(hf.resolve("README.md")).content().contains("`includeComparisonAnswers = false`", "were left out");
    }

    @Test
    void everyNewCommandHasHelp() {
        for (String[] cmd : new String[][]{{"pairs"}, {"export"}, {"bundle"}, {"bundle", "export"}, {"bundle", "import"}}) {
            String[] args = java.util.Arrays.copyOf(cmd, cmd.length + 1);
            args[cmd.length] = "--help";
            PrefworkCliTest.Run r = cli(args);
            assertThat(r.code()).isZero();
            assertThat(r.out()).contains("Usage: prefwork " + String.join(" ", cmd));
        }
    }

    @Test
    void badInputExitsWith2() throws IOException {
        PrefworkCliTest.Run s = cli("pairs", ws.toString(), "--strategy", "best-of-three");
        assertThat(s.code()).isEqualTo(2);
        assertThat(s.err()).contains("field 'strategy'", "best-worst, best-random, margin or sft-top-k");
        PrefworkCliTest.Run f = cli("export", ws.toString(), "--format", "parquet", "--out", dir.resolve("x").toString());
        assertThat(f.code()).isEqualTo(2);
        Path notZip = dir.resolve("not.prefwork.zip");
        Files.writeString(notZip, "hello");
        PrefworkCliTest.Run z = cli("bundle", "import", ws.toString(), notZip.toString());
        assertThat(z.code()).isEqualTo(2);
        assertThat(z.err()).contains("not.prefwork.zip", "not a zip file");
        Path empty = dir.resolve("empty");
        cli("init", empty.toString());
        PrefworkCliTest.Run noModel = cli("pairs", empty.toString());
        assertThat(noModel.code()).isEqualTo(2);
        assertThat(noModel.err()).contains("fit a label model first");
    }
}
