package dev.prefwork.app.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.prefwork.app.cli.PrefworkCliTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

/** Curation ranks by the reward model once one is fitted; the label model stays available by name. */
class RewardRankingCliTest {

    @TempDir
    Path dir;

    @Test
    void pairsComeFromTheRewardModelOnceOneIsFitted() throws Exception {
        Path ws = dir.resolve("demo");
        assertThat(cli("init", ws.toString(), "--demo").code()).isZero();
        PrefworkCliTest.Run fit = cli("reward", "fit", ws.toString());
        assertThat(fit.code()).as(fit.err()).isZero();

        PrefworkCliTest.Run pairs = cli("pairs", ws.toString(), "--strategy", "best-worst", "--name", "by reward");
        assertThat(pairs.code()).as(pairs.err()).isZero();
        assertThat(pairs.out()).contains("Ranking: reward model #1");
        PrefworkCliTest.Run byLabelModel = cli("pairs", ws.toString(), "--ranking", "label-model", "--dry-run");
        assertThat(byLabelModel.code()).as(byLabelModel.err()).isZero();
        assertThat(byLabelModel.out()).contains("Ranking: label model run #");

        // the exported pair carries the reward model's scores (log-odds: negative values are possible)
        Path trl = dir.resolve("pairs.jsonl");
        assertThat(cli("export", ws.toString(), "--format", "trl", "--out", trl.toString()).code()).isZero();
        PrefworkCliTest.Run scores = cli("scores", ws.toString(), "--out", dir.resolve("scores.jsonl").toString());
        assertThat(scores.code()).as(scores.err()).isZero();
        String first = Files.readAllLines(trl).get(0);
        assertThat(first).contains("\"chosen_score\"", "\"margin\"");
    }
}
