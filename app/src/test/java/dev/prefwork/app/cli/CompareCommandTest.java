package dev.prefwork.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prefwork.reward.RewardScores;
import dev.prefwork.reward.RewardService;
import dev.prefwork.store.ComparisonRepository;
import dev.prefwork.store.Workspace;
import dev.prefwork.testkit.OpenAiTestServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.prefwork.app.cli.PrefworkCliTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code prefwork compare} end to end on the demo workspace: a tiny run trained on the gold picks, then its base and
 * tuned models answer held-out prompts through the real trainer, the real reward model is refitted and scores both,
 * and a judge on a loopback server (scripted: prefers the longer answer, refuses on one prompt) votes in both orders.
 * The printed win rates are recomputed here from what the workspace stored.
 */
class CompareCommandTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path dir;

    @Test
    void compareATinyRunOnTheDemoWorkspace() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), "SKIPPED: no /usr/bin/python3 (install python3-torch)");
        System.setProperty("prefwork.home", dir.resolve("home").toString());
        try (OpenAiTestServer judge = OpenAiTestServer.start("judge-m")) {
            Path ws = dir.resolve("demo");
            assertThat(cli("init", ws.toString(), "--demo").code()).isZero();
            PrefworkCliTest.Run train = cli("train", ws.toString(), "--pairs", "gold", "--model", "tiny", "--max-steps", "3",
                    "--max-length", "64", "--python", PYTHON.toString());
            Assumptions.assumeFalse(train.code() == 2 && train.err().contains("torch"), () -> "SKIPPED: " + train.err());
            assertThat(train.code()).as(train.err()).isZero();

            PrefworkCliTest.Run notFinished = cli("compare", ws.toString(), "--run", "7", "--python", PYTHON.toString());
            assertThat(notFinished.code()).isEqualTo(2);
            assertThat(notFinished.err()).contains("no training run 7");

            String[] refusedOn = new String[1];
            judge.answerWith(req -> {
                String p = req.prompt();
                int a = p.indexOf("## Output (a)"), b = p.indexOf("## Output (b)"), end = p.indexOf("Which output is better?");
                if (refusedOn[0] == null) refusedOn[0] = p.substring(p.indexOf("## Instruction") + 15, a).strip();
                if (p.contains(refusedOn[0])) return "I'm sorry, I can't judge this.";
                return (b - a) >= (end - b) ? "Output (a)" : "Output (b)";   // the longer output
            });
            PrefworkCliTest.Run run = cli("compare", ws.toString(), "--run", "1", "--prompts", "6", "--max-new-tokens", "24",
                    "--judge-url", judge.baseUrl(), "--judge-model", "judge-m", "--python", PYTHON.toString(), "--json");
            assertThat(run.code()).as(run.err() + run.out()).isZero();
            JsonNode j = new ObjectMapper().readTree(run.out());
            assertThat(j.get("prompts").asInt()).isEqualTo(6);
            assertThat(j.get("status").asText()).isEqualTo("COMPLETE");
            long rewardModel = j.get("reward_model").asLong();

            int wins = 0, ties = 0, losses = 0;
            try (Workspace w = Workspace.open(ws)) {
                List<ComparisonRepository.Result> results = w.comparisons().results(j.get("comparison").asLong());
                assertThat(results).hasSize(6);
                RewardScores scores = new RewardService(w).latestScores().orElseThrow();
                assertThat(scores.modelId()).isEqualTo(rewardModel);
                for (ComparisonRepository.Result r : results) {
                    // the stored scores are the refitted reward model's scores of the two new candidates
                    assertThat(r.baseScore()).isEqualTo((double) scores.score(r.baseCandidateId()));
                    assertThat(r.tunedScore()).isEqualTo((double) scores.score(r.tunedCandidateId()));
                    double d = r.tunedScore() - r.baseScore();
                    if (Math.abs(d) < 1e-9) ties++; else if (d > 0) wins++; else losses++;
                }
                assertThat(w.candidates().forPrompt(results.get(0).promptId())).extracting(c -> c.model())
                        .contains("run-1:base", "run-1:tuned");
            }
            JsonNode rate = j.get("reward_win_rate");
            assertThat(rate.get("wins").asInt()).isEqualTo(wins);
            assertThat(rate.get("ties").asInt()).isEqualTo(ties);
            assertThat(rate.get("losses").asInt()).isEqualTo(losses);
            assertThat(rate.get("rate").asDouble()).isEqualTo((wins + 0.5 * ties) / 6);
            int perCategory = 0;
            for (JsonNode c : j.get("categories")) perCategory += c.get("n").asInt();
            assertThat(perCategory).isEqualTo(6);

            JsonNode jd = j.get("judge");
            assertThat(jd.get("model").asText()).isEqualTo("judge-m");
            assertThat(jd.get("no_vote").asInt()).isEqualTo(1);
            assertThat(jd.get("tuned").asInt() + jd.get("base").asInt() + jd.get("ties").asInt()).isEqualTo(5);
            assertThat(jd.get("length_controlled_win_rate").get("n").asInt()).isEqualTo(5);
            assertThat(judge.completionRequests()).hasSize(12);   // both orders of each pair

            PrefworkCliTest.Run text = cli("compare", ws.toString(), "--show", j.get("comparison").asText());
            assertThat(text.code()).isZero();
            assertThat(text.out()).contains("Comparison #1 of run 1 (complete): 6 held-out prompts")
                    .contains("Reward model #" + rewardModel + ": tuned wins").contains("length-controlled");
            assertThat(cli("compare", ws.toString(), "--list").out()).contains("#1  run 1  complete  6 prompts");
        } finally {
            System.clearProperty("prefwork.home");
        }
    }
}
