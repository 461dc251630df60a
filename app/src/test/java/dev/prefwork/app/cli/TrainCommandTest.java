package dev.prefwork.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.prefwork.app.cli.PrefworkCliTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code prefwork train} and {@code prefwork runs} with the real trainer: the demo's gold picks on the tiny model,
 * followed to the end on the terminal, then listed; bad input exits 2 naming what is wrong.
 */
class TrainCommandTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path dir;

    @Test
    void trainTheTinyModelOnTheGoldPicksThenListTheRun() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), "SKIPPED: no /usr/bin/python3 (install python3-torch)");
        System.setProperty("prefwork.home", dir.resolve("home").toString());
        try {
            Path ws = dir.resolve("demo");
            assertThat(cli("init", ws.toString(), "--demo").code()).isZero();
            PrefworkCliTest.Run train = cli("train", ws.toString(), "--pairs", "gold", "--model", "tiny", "--max-steps", "4",
                    "--logging-steps", "1", "--max-length", "64", "--python", PYTHON.toString());
            Assumptions.assumeFalse(train.code() == 2 && train.err().contains("torch"), () -> "SKIPPED: " + train.err());
            assertThat(train.code()).as(train.err() + train.out()).isZero();
            assertThat(train.out()).contains("Run 1: tiny-dpo · gold picks: best vs worst")
                    .contains("step 1/4: loss 0.6931").contains("step 4/4").contains("eval @ step 4")
                    .contains("reference log-probs: computed").contains("Run 1 finished at step 4").contains("final/model.pt");
            assertThat(ws.resolve("models/tiny-dpo/prefwork-tiny.json")).exists();
            assertThat(ws.resolve("runs/run-1/launch.sh")).exists();

            PrefworkCliTest.Run runs = cli("runs", ws.toString(), "--json");
            assertThat(runs.code()).as(runs.err()).isZero();
            JsonNode list = new ObjectMapper().readTree(runs.out());
            assertThat(list).hasSize(1);
            assertThat(list.get(0).get("status").asText()).isEqualTo("finished");
            assertThat(list.get(0).get("totalSteps").asInt()).isEqualTo(4);
            assertThat(list.get(0).at("/config/beta").asDouble()).isEqualTo(0.1);
            assertThat(list.get(0).at("/finalMetrics/loss").isNumber()).isTrue();
            assertThat(cli("runs", ws.toString()).out()).contains("finished").contains("4/4");
            JsonNode one = new ObjectMapper().readTree(cli("runs", ws.toString(), "--id", "1", "--json").out());
            assertThat(one.get(0).get("metrics")).hasSizeGreaterThanOrEqualTo(5);   // 4 train points + the eval

            PrefworkCliTest.Run again = cli("train", ws.toString(), "--resume", "1", "--python", PYTHON.toString());
            assertThat(again.code()).isEqualTo(2);
            assertThat(again.err()).contains("run 1 has finished");
        } finally {
            System.clearProperty("prefwork.home");
        }
    }

    @Test
    void aCuratedPairSetTrainsOnExactlyWhatItsTrlExportHolds() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), "SKIPPED: no /usr/bin/python3 (install python3-torch)");
        System.setProperty("prefwork.home", dir.resolve("home").toString());
        try {
            Path ws = dir.resolve("demo");
            assertThat(cli("init", ws.toString(), "--demo").code()).isZero();
            assertThat(cli("label-model", "fit", ws.toString()).code()).isZero();
            PrefworkCliTest.Run pairs = cli("pairs", ws.toString(), "--strategy", "best-worst");
            assertThat(pairs.code()).as(pairs.err()).isZero();
            Path export = dir.resolve("set.jsonl");
            assertThat(cli("export", ws.toString(), "--format", "trl", "--out", export.toString()).code()).isZero();

            PrefworkCliTest.Run missing = cli("train", ws.toString(), "--pairs", "set:99", "--model", "tiny", "--python", PYTHON.toString());
            assertThat(missing.code()).isEqualTo(2);
            assertThat(missing.err()).contains("no pair set #99");

            PrefworkCliTest.Run train = cli("train", ws.toString(), "--pairs", "set", "--model", "tiny", "--max-steps", "1",
                    "--max-length", "64", "--python", PYTHON.toString());
            Assumptions.assumeFalse(train.code() == 2 && train.err().contains("torch"), () -> "SKIPPED: " + train.err());
            assertThat(train.code()).as(train.err() + train.out()).isZero();
            assertThat(train.out()).contains("pair set #1");
            assertThat(Files.readString(ws.resolve("runs/run-1/data/train.jsonl"))).isEqualTo(Files.readString(export));
        } finally {
            System.clearProperty("prefwork.home");
        }
    }

    @Test
    void badInputExitsTwoAndSaysWhat() throws Exception {
        Path ws = dir.resolve("ws");
        assertThat(cli("init", ws.toString()).code()).isZero();
        Path model = Files.createDirectories(dir.resolve("model"));
        Files.writeString(model.resolve("prefwork-tiny.json"), "{\"kind\": \"prefwork-tiny\", \"vocab_size\": 259, \"d_model\": 8,"
                + " \"n_layers\": 1, \"n_heads\": 1, \"d_ff\": 8, \"max_positions\": 64}");
        Path pairs = Files.writeString(dir.resolve("pairs.jsonl"), "{\"prompt\": \"p\", \"chosen\": \"c\"}\n");
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), "SKIPPED: no /usr/bin/python3");
        PrefworkCliTest.Run r = cli("train", ws.toString(), "--pairs", pairs.toString(), "--model", model.toString(),
                "--python", PYTHON.toString());
        Assumptions.assumeFalse(r.err().contains("torch is not installed"), () -> "SKIPPED: " + r.err());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("pairs.jsonl:1: field 'rejected': is missing");
        PrefworkCliTest.Run beta = cli("train", ws.toString(), "--pairs", pairs.toString(), "--model", model.toString(),
                "--beta", "-1", "--python", PYTHON.toString());
        assertThat(beta.code()).isEqualTo(2);
        assertThat(beta.err()).contains("beta must be greater than 0");
        PrefworkCliTest.Run missing = cli("train", ws.toString(), "--python", PYTHON.toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("--pairs and --model are needed");
        assertThat(cli("runs", dir.resolve("nope").toString()).code()).isEqualTo(2);
        assertThat(cli("train", "--help").out()).contains("--pairs").contains("--resume").contains("launch.sh");
    }
}
