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
        for (String cmd : new String[]{"init", "import", "stats", "gold", "open", "lf"}) {
            Run r = cli(cmd, "--help");
            assertThat(r.code()).isZero();
            assertThat(r.out()).contains("Usage: prefwork " + cmd);
        }
        assertThat(cli("--help").out()).contains("init").contains("import").contains("stats").contains("gold").contains("open").contains("lf");
        assertThat(cli("gold", "export", "--help").out()).contains("Usage: prefwork gold export").contains("--out");
        assertThat(cli("gold", "import", "--help").out()).contains("Usage: prefwork gold import");
    }

    @Test
    void labelModelFitOnTheDemoPrintsLearnedAndGoldAccuraciesAndShowMarksStaleness() throws IOException {
        Path ws = dir.resolve("demo");
        assertThat(cli("init", ws.toString(), "--demo").code()).isZero();
        Run none = cli("label-model", "fit", ws.toString());
        try (dev.prefwork.store.Workspace w = dev.prefwork.store.Workspace.open(ws);
             dev.prefwork.labeling.service.LabelingService lfs = new dev.prefwork.labeling.service.LabelingService(w)) {
            if (lfs.list().isEmpty()) {
                assertThat(none.code()).isEqualTo(PrefworkCli.EXIT_BAD_INPUT);
                assertThat(none.err()).contains("no enabled labeling functions");
                lfs.importLibrary(Path.of("../assets/demo/lfs.json"));
            }
        }
        Run fit = cli("label-model", "fit", ws.toString());
        assertThat(fit.code()).as(fit.err()).isZero();
        System.out.println(fit.out());
        assertThat(fit.out()).contains("snorkel").contains("Refusal or deflection").contains("learned").contains("gold")
                .contains("Class balance").contains("label coverage").contains("FALLBACK").contains("up to date");

        Run json = cli("label-model", "fit", ws.toString(), "--model", "dawid-skene", "--weight", "policy=2", "--json");
        assertThat(json.code()).as(json.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(json.out());
        assertThat(root.get("kind").asText()).isEqualTo("dawid-skene");
        assertThat(root.get("stale").asBoolean()).isFalse();
        assertThat(root.at("/aspectWeights/policy").asDouble()).isEqualTo(2.0);
        assertThat(root.get("lfs").size()).isGreaterThanOrEqualTo(14);
        assertThat(root.at("/summary/candidates").asInt()).isEqualTo(330);
        assertThat(root.at("/summary/goldAgreement").asDouble()).isGreaterThan(0.6);
        JsonNode refusal = null;
        for (JsonNode lf : root.get("lfs")) if (lf.get("name").asText().equals("Refusal or deflection")) refusal = lf;
        assertThat(refusal).isNotNull();
        assertThat(refusal.get("learnedAccuracy").asDouble()).isGreaterThan(0.8);
        assertThat(refusal.get("goldAccuracy").asDouble()).isGreaterThan(0.8);

        try (dev.prefwork.store.Workspace w = dev.prefwork.store.Workspace.open(ws);
             dev.prefwork.labeling.service.LabelingService lfs = new dev.prefwork.labeling.service.LabelingService(w)) {
            lfs.setEnabled(lfs.list().get(0).id(), false);
        }
        Run show = cli("label-model", "show", ws.toString());
        assertThat(show.code()).as(show.err()).isZero();
        assertThat(show.out()).contains("STALE").contains("labeling functions changed");
        assertThat(cli("label-model", "fit", ws.toString(), "--model", "nope").code()).isEqualTo(PrefworkCli.EXIT_BAD_INPUT);
    }

    @Test
    void embedFillsTheCacheOnceAndASecondRunComputesNothing() throws IOException {
        Path ws = dir.resolve("ws");
        assertThat(cli("init", ws.toString()).code()).isZero();
        Path file = dir.resolve("pairs.jsonl");
        Files.writeString(file, """
                {"prompt":"How do I reset my password?","chosen":"Open Settings, then Security, then Reset.","rejected":"No idea."}
                {"prompt":"What is the capital of France?","chosen":"Paris.","rejected":"Lyon."}
                """);
        assertThat(cli("import", ws.toString(), file.toString()).code()).isZero();
        // DJL's cache goes to the user data folder; keep it in the test's folder.
        String before = System.getProperty("prefwork.home");
        System.setProperty("prefwork.home", dir.resolve("home").toString());
        try {
            Run first = cli("embed", ws.toString());
            assertThat(first.code()).as(first.err()).isZero();
            assertThat(first.out()).contains("Embedded 6 of 6 pending texts with all-MiniLM-L6-v2-q on the CPU").contains("texts/s");
            assertThat(dir.resolve("home").resolve("djl-cache")).isDirectory();

            Run second = cli("embed", ws.toString(), "--model", "bundled", "--device", "cpu");
            assertThat(second.code()).as(second.err()).isZero();
            assertThat(second.out()).contains("Embedded 0 of 0 pending texts");

            // No CUDA here (the CPU build of ONNX Runtime): --device gpu says so and runs on the CPU.
            Run gpu = cli("embed", ws.toString(), "--device", "gpu");
            assertThat(gpu.code()).as(gpu.err()).isZero();
            assertThat(gpu.err()).contains("Running on the CPU instead");
            assertThat(gpu.out()).contains("on the CPU");

            Run badModel = cli("embed", ws.toString(), "--model", dir.resolve("no-model").toString());
            assertThat(badModel.code()).isEqualTo(2);
            assertThat(badModel.err()).contains("neither 'bundled' nor a folder");
        } finally {
            if (before == null) System.clearProperty("prefwork.home");
            else System.setProperty("prefwork.home", before);
        }
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
