package dev.prefwork.generation.eval;

import dev.prefwork.generation.OpenAiBackend;
import dev.prefwork.generation.OpenAiConfig;
import dev.prefwork.generation.ServerPreset;
import dev.prefwork.generation.eval.PairwiseJudge.Pick;
import dev.prefwork.generation.eval.PairwiseJudge.Vote;
import dev.prefwork.testkit.OpenAiTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The judge against a real loopback server whose answers are scripted from the prompt it is sent. */
class PairwiseJudgeTest {

    OpenAiTestServer server;
    OpenAiBackend backend;

    @BeforeEach
    void start() {
        server = OpenAiTestServer.start("judge-1");
        backend = OpenAiBackend.open(OpenAiConfig.of(ServerPreset.VLLM, "judge-1").withBaseUrl(server.baseUrl())
                .withTimeout(Duration.ofSeconds(5)), null, Duration.ofMillis(5));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void parsesTheWaysJudgesAnswer() {
        assertThat(PairwiseJudge.parse("Output (a)")).isEqualTo(Pick.A);
        assertThat(PairwiseJudge.parse("  output (B).")).isEqualTo(Pick.B);
        assertThat(PairwiseJudge.parse("b")).isEqualTo(Pick.B);
        assertThat(PairwiseJudge.parse("**A**")).isEqualTo(Pick.A);
        assertThat(PairwiseJudge.parse("Response B")).isEqualTo(Pick.B);
        assertThat(PairwiseJudge.parse("The better one is (a) because it is correct")).isEqualTo(Pick.A);
        assertThat(PairwiseJudge.parse("Output (a) is better than output (b)")).isEqualTo(Pick.A);
        // no usable vote
        assertThat(PairwiseJudge.parse("I'm sorry, I cannot compare these responses.")).isEqualTo(Pick.NONE);
        assertThat(PairwiseJudge.parse("Both output (a) and output (b) are good")).isEqualTo(Pick.NONE);
        assertThat(PairwiseJudge.parse("Neither")).isEqualTo(Pick.NONE);
        assertThat(PairwiseJudge.parse("It depends on (a) and (b)")).isEqualTo(Pick.NONE);
        assertThat(PairwiseJudge.parse("")).isEqualTo(Pick.NONE);
        assertThat(PairwiseJudge.parse("zzz")).isEqualTo(Pick.NONE);
    }

    /** Which output of a judge prompt holds the text {@code marker}: "a", "b", or null. */
    private static String positionOf(String judgePrompt, String marker) {
        int a = judgePrompt.indexOf("## Output (a)"), b = judgePrompt.indexOf("## Output (b)");
        int m = judgePrompt.indexOf(marker, a);
        if (m < 0) return null;
        return m < b ? "a" : "b";
    }

    @Test
    void votesOnlyWhenBothOrdersAgreeAndCountsMalformedAnswers() {
        // per instruction: how the scripted judge behaves
        server.answerWith(req -> {
            String p = req.prompt();
            if (p.contains("Q1")) return "Output (" + positionOf(p, "GOOD") + ")";       // consistent: prefers the GOOD text
            if (p.contains("Q2")) return "Output (a)";                                    // position bias: always the first
            if (p.contains("Q3")) return "I'm sorry, but I can't help with comparing these."; // refusal
            if (p.contains("Q4")) return positionOf(p, "GOOD").equals("a") ? "Output (a)" : "garbled ###"; // one order malformed
            return null;
        });
        PairwiseJudge judge = new PairwiseJudge(backend);
        PairwiseJudge.Verdict v1 = judge.judge("Q1 what is 2+2?", "GOOD 4", "bad 5", () -> false);
        assertThat(v1.vote()).isEqualTo(Vote.TUNED);
        assertThat(v1.pickTunedFirst()).isEqualTo(Pick.A);
        assertThat(v1.pickBaseFirst()).isEqualTo(Pick.B);
        assertThat(judge.judge("Q1 what is 2+2?", "bad 5", "GOOD 4", () -> false).vote()).isEqualTo(Vote.BASE);
        assertThat(judge.judge("Q2 pick", "x", "y", () -> false).vote()).isEqualTo(Vote.TIE);
        PairwiseJudge.Verdict refused = judge.judge("Q3 pick", "x", "y", () -> false);
        assertThat(refused.vote()).isEqualTo(Vote.NONE);
        assertThat(refused.answerTunedFirst()).contains("sorry");
        assertThat(judge.judge("Q4 pick", "GOOD", "meh", () -> false).vote()).isEqualTo(Vote.NONE);

        // both orders were asked, greedily, the outputs swapped
        List<OpenAiTestServer.Request> reqs = server.completionRequests();
        assertThat(reqs).hasSize(10);
        assertThat(reqs.get(0).body().path("temperature").asDouble()).isEqualTo(0.0);
        assertThat(positionOf(reqs.get(0).prompt(), "GOOD 4")).isEqualTo("a");
        assertThat(positionOf(reqs.get(1).prompt(), "GOOD 4")).isEqualTo("b");

        List<Vote> votes = new ArrayList<>(List.of(Vote.TUNED, Vote.BASE, Vote.TIE, Vote.NONE, Vote.NONE));
        JudgeSummary s = JudgeSummary.of(votes, new int[]{6, 5, 1, 1, 4}, new int[]{5, 6, 1, 1, 3});
        assertThat(s.noVote()).isEqualTo(2);
        assertThat(s.winRate().rate()).isEqualTo(0.5);
    }
}
