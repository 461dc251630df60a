package dev.prefwork.app;

import dev.prefwork.core.Candidate;
import dev.prefwork.core.Progress;
import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.judge.JudgeAnswers;
import dev.prefwork.labeling.lf.Condition;
import dev.prefwork.labeling.lf.LfJson;
import dev.prefwork.labeling.lf.LfSpec;
import dev.prefwork.labeling.service.JudgeService;
import dev.prefwork.labeling.service.LabelingFunction;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.labeling.service.LfApplyReport;
import dev.prefwork.labeling.service.PairVotes;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.importer.Importer;
import dev.prefwork.testkit.OpenAiTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Judge LFs against a real loopback OpenAI-compatible server with scripted answers, through the real client and a
 * real H2 workspace: parsing (malformed answers and refusals abstain, counted), thresholds, the cache (a second
 * apply or run sends nothing), both-orders agreement for A/B, the estimate and the API key staying out of specs.
 */
class JudgeLfTest {

    static final String DATA = """
            {"id":"p1","prompt":"What is 2+2?","candidates":[{"text":"4"},{"text":"5"},{"text":"It is four, because 2+2=4."}]}
            {"id":"p2","prompt":"Capital of France?","candidates":[{"text":"Paris"},{"text":"Lyon"}]}
            """;

    @TempDir
    Path dir;
    Workspace ws;
    LabelingService labeling;
    OpenAiTestServer server;
    JudgeService judge;

    @BeforeEach
    void open() throws IOException {
        ws = Workspace.open(dir.resolve("ws"));
        Path f = dir.resolve("data.jsonl");
        Files.writeString(f, DATA);
        new Importer(ws).importFile(f, Importer.Options.DETECT, Progress.NONE);
        labeling = new LabelingService(ws);
        server = OpenAiTestServer.start("judge-1");
        judge = new JudgeService(ws, labeling, new OpenAiJudgeBackend(Map.of()), 2);
    }

    @AfterEach
    void close() {
        server.close();
        labeling.close();
        ws.close();
    }

    private long id(String prompt, int index) {
        List<Candidate> cs = ws.candidates().forPrompt(ws.prompts().bySourceId(prompt).orElseThrow().id());
        return cs.get(index).id();
    }

    /** The response text in a pointwise question (after "Response: "). */
    private static String response(OpenAiTestServer.Request r) {
        String q = r.prompt();
        return q.substring(q.indexOf("Response: ") + "Response: ".length()).strip();
    }

    private LfSpec yesNo(String name) {
        return LfSpec.judge(name, "correctness", Verdict.GOOD, null, new LfSpec.Judge(server.baseUrl(), "judge-1", null,
                "Question: {prompt}\nIs this response correct? Answer yes or no.\nResponse: {response}", LfSpec.Answer.YES_NO, null, null, null));
    }

    @Test
    void pointwiseYesNoVotesAreCachedAndMalformedAnswersAndRefusalsAbstain() {
        server.answerWith(r -> switch (response(r)) {
            case "4", "Paris" -> "Yes.";
            case "5" -> "**No**, 2+2 is 4.";
            case "Lyon" -> "I'm sorry, but I can't evaluate this."; // a refusal to answer: malformed, abstains
            default -> "Maybe? It depends."; // malformed
        });
        LabelingFunction lf = labeling.create(yesNo("Judge says correct"));

        JudgeService.Estimate before = judge.estimate(lf.spec(), Progress.NONE);
        assertThat(before.questions()).isEqualTo(5);
        assertThat(before.toAsk()).isEqualTo(5);
        assertThat(before.eta()).as("no latency measured yet").isNull();
        // nothing is asked by applying the library: the LF abstains until the judge job ran
        assertThat(labeling.apply(Progress.NONE).lfs().get(0).stats().hits()).isZero();
        assertThat(server.completionRequests()).isEmpty();

        JudgeService.Report run = judge.run(lf.spec(), Progress.NONE);
        assertThat(run.asked()).isEqualTo(5);
        assertThat(run.malformed()).isEqualTo(2);
        assertThat(run.failed()).isZero();
        assertThat(server.completionRequests()).hasSize(5);
        assertThat(server.completionRequests().get(0).body().path("temperature").asDouble()).isZero();

        LfApplyReport report = labeling.apply(Progress.NONE);
        assertThat(report.lfs().get(0).stats().hits()).as("'4' and 'Paris'").isEqualTo(2);
        assertThat(labeling.votesFor(id("p1", 0), Progress.NONE)).extracting(v -> v.vote()).containsExactly(Verdict.GOOD);
        assertThat(labeling.votesFor(id("p1", 1), Progress.NONE)).isEmpty();

        // a second run and a second apply ask nothing
        JudgeService.Report again = judge.run(lf.spec(), Progress.NONE);
        assertThat(again.asked()).isZero();
        assertThat(again.cached()).isEqualTo(5);
        labeling.close();
        labeling = new LabelingService(ws);
        assertThat(labeling.apply(Progress.NONE).lfs().get(0).stats().hits()).isEqualTo(2);
        assertThat(server.completionRequests()).hasSize(5);

        // the estimate now knows the measured latency and that nothing is left
        JudgeService.Estimate after = new JudgeService(ws, labeling, new OpenAiJudgeBackend(Map.of())).estimate(lf.spec(), Progress.NONE);
        assertThat(after.toAsk()).isZero();
        assertThat(after.cached()).isEqualTo(5);
        assertThat(after.latencyMs()).isNotNull();

        // an edited threshold ("vote BAD when the answer is no") re-reads the cache, asks nothing
        LfSpec no = LfSpec.judge("Judge says wrong", "correctness", Verdict.BAD, null, new LfSpec.Judge(server.baseUrl(), "judge-1", null,
                lf.spec().judge().template(), LfSpec.Answer.YES_NO, null, 0.0, null));
        labeling.create(no);
        assertThat(labeling.apply(Progress.NONE).lfs().get(1).stats().hits()).as("'5'").isEqualTo(1);
        assertThat(server.completionRequests()).hasSize(5);
    }

    @Test
    void scoresWithAThresholdAndAPreviewOnAFewCandidates() {
        server.answerWith(r -> switch (response(r)) {
            case "4" -> "Score: 9/10";
            case "5" -> "2";
            case "Paris" -> "8";
            case "Lyon" -> "The score is 42."; // out of range: malformed
            default -> "7 out of 10";
        });
        LfSpec spec = LfSpec.judge("High score", "helpfulness", Verdict.GOOD, new Condition.Keywords(List.of("2+2"), null, null, false),
                new LfSpec.Judge(server.baseUrl(), "judge-1", null, "Rate 1-10.\nQ: {prompt}\nResponse: {response}", LfSpec.Answer.SCORE, 7.0, null, 8));
        // prompt scope "2+2": only p1's three candidates are asked
        JudgeService.Report preview = judge.preview(spec, 2, Progress.NONE);
        assertThat(preview.answers()).hasSize(2);
        assertThat(server.completionRequests()).hasSize(2);
        assertThat(preview.answers().get(0).vote()).isEqualTo(Verdict.GOOD); // "4": 9 ≥ 7
        assertThat(preview.answers().get(0).value()).isEqualTo(9.0);

        JudgeService.Estimate est = judge.estimate(spec, Progress.NONE);
        assertThat(est.questions()).isEqualTo(3);
        assertThat(est.cached()).isEqualTo(2);
        assertThat(est.toAsk()).isEqualTo(1);
        assertThat(est.eta()).isNotNull();
        assertThat(est.summary()).contains("1 of 3 questions");

        JudgeService.Report run = judge.run(spec, Progress.NONE);
        assertThat(run.asked()).isEqualTo(1);
        assertThat(server.completionRequests()).hasSize(3);
        assertThat(server.completionRequests().get(0).body().path("max_tokens").asInt()).isEqualTo(8);
        labeling.create(spec);
        assertThat(labeling.apply(Progress.NONE).lfs().get(0).stats().hits()).as("'4' (9) and the long answer (7)").isEqualTo(2);
    }

    @Test
    void pairwiseIsAskedInBothOrdersAndVotesOnlyWhenTheyAgree() {
        // the judge prefers the correct answer, except that for p1's "4" vs long answer it always says "A" (position bias)
        server.answerWith(r -> {
            String q = r.prompt();
            String a = q.substring(q.indexOf("[A]") + 3, q.indexOf("[B]")).strip();
            String b = q.substring(q.indexOf("[B]") + 3).strip();
            if (a.startsWith("It is four") || b.startsWith("It is four")) return a.equals("5") ? "B" : b.equals("5") ? "[[A]]" : "A";
            if (a.equals("Lyon") || b.equals("Lyon")) return a.equals("Lyon") ? "Response B is better." : "A";
            if (a.equals("4")) return "A";
            if (b.equals("4")) return "B";
            return "I refuse to compare these."; // malformed
        });
        LfSpec spec = LfSpec.judge("Judge prefers", "correctness", Verdict.GOOD, null, new LfSpec.Judge(server.baseUrl(), "judge-1", null,
                "Which response answers {prompt} better? Say A or B.\n[A] {response_a}\n[B] {response_b}", LfSpec.Answer.AB, null, null, null));
        LabelingFunction lf = labeling.create(spec);
        assertThat(lf.spec().pairLevel()).isTrue();
        JudgeService.Estimate est = judge.estimate(spec, Progress.NONE);
        assertThat(est.questions()).as("(3 + 1) pairs, both orders").isEqualTo(8);

        JudgeService.Report run = judge.run(spec, Progress.NONE);
        assertThat(run.asked()).isEqualTo(8);
        assertThat(server.completionRequests()).hasSize(8);
        PairVotes votes = labeling.comparativeVotes(Progress.NONE);
        PairVotes.Column col = votes.column("Judge prefers");
        List<String> pairs = new ArrayList<>();
        for (int k = 0; k < col.votes(); k++) pairs.add(col.preferred()[k] + ">" + col.other()[k]);
        // 4 > 5 (agree), long > 5 (agree), Paris > Lyon (agree); 4 vs long: "A" both times, disagree → no vote
        assertThat(pairs).containsExactlyInAnyOrder(id("p1", 0) + ">" + id("p1", 1), id("p1", 2) + ">" + id("p1", 1),
                id("p2", 0) + ">" + id("p2", 1));
        // the A/B LF is not a column of the candidate vote matrix
        assertThat(labeling.enabledVotes(Progress.NONE).columns()).isEmpty();
        // asking again sends nothing; the stored pair votes are read back
        judge.run(spec, Progress.NONE);
        assertThat(server.completionRequests()).hasSize(8);
        assertThat(labeling.comparativeVotes(Progress.NONE).column("Judge prefers").source()).isEqualTo(PairVotes.Source.STORED);
    }

    @Test
    void theKeyIsSentButNeverStoredAndAnUnreachableServerIsNamed() {
        server.requireKey("sk-secret-123").answerWith(r -> "yes");
        OpenAiJudgeBackend backend = new OpenAiJudgeBackend(Map.of("JUDGE_KEY", "sk-secret-123"));
        LfSpec base = yesNo("Keyed");
        LfSpec spec = LfSpec.judge("Keyed", "correctness", Verdict.GOOD, null, new LfSpec.Judge(server.baseUrl(), "judge-1", "JUDGE_KEY",
                base.judge().template(), LfSpec.Answer.YES_NO, null, null, null));
        LabelingFunction lf = labeling.create(spec);
        JudgeService.Report run = new JudgeService(ws, labeling, backend).run(lf.spec(), Progress.NONE);
        assertThat(run.asked()).isEqualTo(5);
        assertThat(server.completionRequests().get(0).authorization()).isEqualTo("Bearer sk-secret-123");
        assertThat(labeling.exportLibrary()).contains("JUDGE_KEY").doesNotContain("sk-secret");
        assertThat(LfJson.write(lf.spec())).doesNotContain("sk-secret");

        // a wrong key: every question is refused; the error names the problem, not the key
        OpenAiJudgeBackend wrong = new OpenAiJudgeBackend(Map.of());
        wrong.useKey(server.baseUrl(), "sk-wrong-999");
        LfSpec other = LfSpec.judge("Other", "correctness", Verdict.GOOD, null, new LfSpec.Judge(server.baseUrl(), "judge-1", null,
                "Another question: {response}", LfSpec.Answer.YES_NO, null, null, null));
        assertThatThrownBy(() -> new JudgeService(ws, labeling, wrong).run(other, Progress.NONE))
                .hasMessageContaining("answered no question").hasMessageNotContaining("sk-wrong-999");
    }

    @Test
    void answersAreReadLeniently() {
        assertThat(JudgeAnswers.parse(LfSpec.Answer.YES_NO, "Yes")).isEqualTo(1.0);
        assertThat(JudgeAnswers.parse(LfSpec.Answer.YES_NO, "**No.** The answer is wrong")).isEqualTo(0.0);
        assertThat(JudgeAnswers.parse(LfSpec.Answer.YES_NO, "The answer: yes")).isEqualTo(1.0);
        assertThat(JudgeAnswers.parse(LfSpec.Answer.YES_NO, "I cannot say yes or no")).isNull();
        assertThat(JudgeAnswers.parse(LfSpec.Answer.YES_NO, "")).isNull();
        assertThat(JudgeAnswers.parse(LfSpec.Answer.SCORE, "Score: 7/10")).isEqualTo(7.0);
        assertThat(JudgeAnswers.parse(LfSpec.Answer.SCORE, "8.5")).isEqualTo(8.5);
        assertThat(JudgeAnswers.parse(LfSpec.Answer.SCORE, "0")).isNull();
        assertThat(JudgeAnswers.parse(LfSpec.Answer.SCORE, "excellent")).isNull();
        assertThat(JudgeAnswers.parse(LfSpec.Answer.AB, "[[B]]")).isEqualTo(2.0);
        assertThat(JudgeAnswers.parse(LfSpec.Answer.AB, "Response A is better than response B")).isEqualTo(1.0);
        assertThat(JudgeAnswers.parse(LfSpec.Answer.AB, "I think B.")).isEqualTo(2.0);
        assertThat(JudgeAnswers.parse(LfSpec.Answer.AB, "Both A and B are fine")).isNull();
        assertThat(JudgeAnswers.parse(LfSpec.Answer.AB, "Neither")).isNull();
        // a response holding "{prompt}" is not filled in again
        assertThat(JudgeAnswers.pointwise("{prompt} / {response}", "P", "say {prompt}")).isEqualTo("P / say {prompt}");
    }

    @Test
    void invalidJudgeSpecsNameTheField() {
        LfSpec noPlaceholder = LfSpec.judge("x", "tone", Verdict.GOOD, null, new LfSpec.Judge(server.baseUrl(), "judge-1", null,
                "Is it good?", LfSpec.Answer.YES_NO, null, null, null));
        assertThat(labeling.validate(noPlaceholder)).extracting(e -> e.path()).containsExactly("judge.template");
        LfSpec badScore = LfSpec.judge("x", "tone", Verdict.GOOD, null, new LfSpec.Judge("localhost", "", "not a name!",
                "{response}", LfSpec.Answer.SCORE, 11.0, null, null));
        assertThat(labeling.validate(badScore)).extracting(e -> e.path())
                .containsExactlyInAnyOrder("judge.base_url", "judge.model", "judge.api_key_env", "judge.min");
        assertThat(LfJson.parseSpec(LfJson.write(yesNo("rt"))).value()).isEqualTo(yesNo("rt"));
    }
}
