package dev.prefwork.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class PrefworkCliTest {

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = PrefworkCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void initDemoThenStatsJsonShowsTheDemoCounts() throws IOException {
        Path ws = dir.resolve("demo");
        Run init = cli("init", ws.toString(), "--demo");
        assertThat(init.code()).as(init.err()).isZero();
        assertThat(init.out()).contains("66 prompts, 330 candidates");

        Run stats = cli("stats", ws.toString(), "--json");
        assertThat(stats.code()).isZero();
        JsonNode json = new ObjectMapper().readTree(stats.out());
        assertThat(json.at("/total/prompts").asInt()).isEqualTo(66);
        assertThat(json.at("/total/candidates").asInt()).isEqualTo(330);
        assertThat(json.at("/total/labelledPrompts").asInt()).isEqualTo(24);
        assertThat(json.at("/total/bestWorst").asInt()).isEqualTo(24);
        assertThat(json.at("/datasets/0/name").asText()).isEqualTo("demo");

        Run table = cli("stats", ws.toString());
        assertThat(table.out()).contains("demo").contains("total");
    }

    @Test
    void importThenStatsThenReimportIsRefusedWithExitCode2() throws IOException {
        Path ws = dir.resolve("ws");
        assertThat(cli("init", ws.toString()).code()).isZero();
        Path file = dir.resolve("pairs.jsonl");
        Files.writeString(file, """
                {"prompt":"Q1","chosen":"good","rejected":"bad"}
                {"prompt":"Q2","chosen":"fine","rejected":"worse"}
                """);
        Run imp = cli("import", ws.toString(), file.toString());
        assertThat(imp.code()).as(imp.err()).isZero();
        assertThat(imp.out()).contains("2 prompts, 4 candidates, 2 pairs").contains("(trl)");

        Run again = cli("import", ws.toString(), file.toString());
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("already imported");
    }

    @Test
    void badInputExitsWith2AndNamesTheLine() throws IOException {
        Path ws = dir.resolve("ws");
        cli("init", ws.toString());
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, "{\"id\":\"a\",\"prompt\":\"P\",\"candidates\":[{\"text\":\"x\"}]}\n");
        Run r = cli("import", ws.toString(), file.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("bad.jsonl:1: field 'candidates': has 1 candidate");
    }

    @Test
    void missingWorkspaceAndUnknownFormatAreBadInput() throws IOException {
        Path file = dir.resolve("x.jsonl");
        Files.writeString(file, "{}");
        Run r = cli("stats", dir.resolve("nowhere").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no Prefwork workspace at");
        cli("init", dir.resolve("ws").toString());
        assertThat(cli("import", dir.resolve("ws").toString(), file.toString(), "--format", "xml").err())
                .contains("unknown format 'xml'");
        assertThat(cli("init", dir.resolve("ws").toString()).code()).isEqualTo(2);
    }

    @Test
    void everyCommandHasHelp() {
        for (String cmd : new String[]{"init", "import", "stats", "gold", "open"}) {
            Run r = cli(cmd, "--help");
            assertThat(r.code()).isZero();
            assertThat(r.out()).contains("Usage: prefwork " + cmd);
        }
        assertThat(cli("--help").out()).contains("init").contains("import").contains("stats").contains("gold").contains("open");
        assertThat(cli("gold", "export", "--help").out()).contains("Usage: prefwork gold export").contains("--out");
        assertThat(cli("gold", "import", "--help").out()).contains("Usage: prefwork gold import");
    }

    @Test
    void goldExportThenImportIntoAnotherWorkspaceRoundTrips() throws IOException {
        Path demo = dir.resolve("demo");
        assertThat(cli("init", demo.toString(), "--demo").code()).isZero();
        Path gold = dir.resolve("gold.jsonl");
        Run export = cli("gold", "export", demo.toString(), "--out", gold.toString());
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(export.out()).contains("Exported the gold of 24 prompts to");
        assertThat(Files.readAllLines(gold)).hasSize(24).allSatisfy(l -> assertThat(l).startsWith("{\"prompt_id\":\"demo-"));

        // a colleague's workspace with the same prompts and no gold yet
        Path other = dir.resolve("other");
        cli("init", other.toString());
        Path prompts = dir.resolve("prompts.jsonl");
        try (var in = PrefworkCliTest.class.getResourceAsStream("/dev/prefwork/demo/prompts.jsonl")) {
            Files.copy(in, prompts);
        }
        assertThat(cli("import", other.toString(), prompts.toString()).code()).isZero();
        Run imp = cli("gold", "import", other.toString(), gold.toString());
        assertThat(imp.code()).as(imp.err()).isZero();
        assertThat(imp.out()).contains("Imported gold for 24 prompts").contains("24 best/worst picks");
        JsonNode stats = new ObjectMapper().readTree(cli("stats", other.toString(), "--json").out());
        assertThat(stats.at("/total/labelledPrompts").asInt()).isEqualTo(24);

        Path again = dir.resolve("again.jsonl");
        assertThat(cli("gold", "export", other.toString(), "-o", again.toString()).code()).isZero();
        assertThat(Files.readAllLines(again)).containsExactlyElementsOf(Files.readAllLines(gold));
    }

    @Test
    void aBadGoldLineIsRefusedWithFileLineAndFieldAndNothingIsWritten() throws IOException {
        Path demo = dir.resolve("demo");
        cli("init", demo.toString(), "--demo");
        Path bad = dir.resolve("bad-gold.jsonl");
        Files.writeString(bad, """
                {"prompt_id": "demo-policy-02", "best": 1, "worst": 3}
                {"prompt_id": "demo-policy-03", "labels": [{"candidate": 7, "label": "GOOD"}]}
                """);
        Run r = cli("gold", "import", demo.toString(), bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("bad-gold.jsonl:2: field 'labels[].candidate': expected a candidate position 0..4, found 7");
        JsonNode stats = new ObjectMapper().readTree(cli("stats", demo.toString(), "--json").out());
        assertThat(stats.at("/total/labelledPrompts").asInt()).as("line 1 was not written either").isEqualTo(24);

        assertThat(cli("gold", "import", demo.toString(), dir.resolve("missing.jsonl").toString()).err()).contains("no such file");
        assertThat(cli("gold", "export", demo.toString(), "--out", dir.toString()).err()).contains("is a folder");
        assertThat(cli("gold", "export", demo.toString()).code()).as("--out is required").isEqualTo(2);
    }
}
