package dev.prefwork.store;

import dev.prefwork.core.Candidate;
import dev.prefwork.core.Progress;
import dev.prefwork.store.ComparisonRepository.Result;
import dev.prefwork.store.importer.Importer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ComparisonRepositoryTest {

    @TempDir
    Path dir;
    Workspace ws;

    @BeforeEach
    void open() throws Exception {
        ws = Workspace.open(dir.resolve("ws"));
        new Importer(ws).importFile(Fixtures.candidatesFile(dir, "with", 2, 2), Importer.Options.DETECT, Progress.NONE);
    }

    @AfterEach
    void close() {
        ws.close();
    }

    @Test
    void aPromptsTwoResponsesBecomeItsCandidatesBesideItsResultRow() {
        long run = ws.trainingRuns().create("r", "{}", "pairs", 2, "/m", i -> "/ws/runs/run-" + i);
        ComparisonRepository repo = ws.comparisons();
        long id = repo.create(run, 2, "{\"prompts\":2}");
        long prompt = ws.prompts().ids(dev.prefwork.core.PromptFilter.ALL)[0];
        long[] ids = repo.addResult(id, 0, prompt, "run-" + run + ":base", "base says", "run-" + run + ":tuned", "tuned says",
                "{\"side\":\"base\"}", "{\"side\":\"tuned\"}");

        List<Candidate> cands = ws.candidates().forPrompt(prompt);
        assertThat(cands).hasSize(4);   // the imported two, then base and tuned appended
        assertThat(cands.get(2).id()).isEqualTo(ids[0]);
        assertThat(cands.get(2).position()).isEqualTo(2);
        assertThat(cands.get(2).model()).isEqualTo("run-" + run + ":base");
        assertThat(cands.get(3).text()).isEqualTo("tuned says");

        repo.saveScores(id, List.of(new Result(0, prompt, ids[0], ids[1], -0.5, 1.25, "TUNED", "{}")));
        repo.finish(id, ComparisonRepository.COMPLETE, "{\"win_rate\":1}", 7L, null);
        Result r = repo.results(id).get(0);
        assertThat(r.baseScore()).isEqualTo(-0.5);
        assertThat(r.tunedScore()).isEqualTo(1.25);
        assertThat(r.judge()).isEqualTo("TUNED");
        ComparisonRepository.Stored s = repo.get(id).orElseThrow();
        assertThat(s.status()).isEqualTo(ComparisonRepository.COMPLETE);
        assertThat(s.rewardModelId()).isEqualTo(7L);
        assertThat(s.finishedAt()).isNotNull();
        assertThat(repo.list(run)).extracting(ComparisonRepository.Stored::id).containsExactly(id);
        assertThat(repo.list(run + 1)).isEmpty();
    }

    @Test
    void answersAreKnownByTheirResultRowsAndStillByTheirTagOnceTheRunIsGone() {
        long run = ws.trainingRuns().create("r", "{}", "pairs", 2, "/m", i -> "/ws/runs/run-" + i);
        ComparisonRepository repo = ws.comparisons();
        assertThat(repo.answers().size()).isZero();
        long id = repo.create(run, 2, "{}");
        long[] prompts = ws.prompts().ids(dev.prefwork.core.PromptFilter.ALL);
        // untagged metadata: known by the result row alone
        long[] first = repo.addResult(id, 0, prompts[0], "run-" + run + ":base", "b", "run-" + run + ":tuned", "t", "{}", "{}");
        long[] second = repo.addResult(id, 1, prompts[1], "run-" + run + ":base", "b", "run-" + run + ":tuned", "t",
                "{\"comparison\":" + id + ",\"side\":\"base\"}", "{\"comparison\":" + id + ",\"side\":\"tuned\"}");
        ComparisonRepository.Answers a = repo.answers();
        assertThat(a.candidateIds()).containsExactly(first[0], first[1], second[0], second[1]);
        assertThat(a.comparisons()).isEqualTo(1);
        assertThat(a.contains(ws.candidates().forPrompt(prompts[0]).get(0).id())).isFalse();

        ws.trainingRuns().delete(run);   // the comparison and its rows go with the run; the candidates stay
        assertThat(repo.list(null)).isEmpty();
        ComparisonRepository.Answers left = repo.answers();
        assertThat(left.candidateIds()).containsExactly(second[0], second[1]);
        assertThat(left.comparisons()).isEqualTo(1);
    }
}
