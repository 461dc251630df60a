package dev.prefwork.store;

import dev.prefwork.core.Candidate;
import dev.prefwork.core.InputException;
import dev.prefwork.core.PromptFilter;
import dev.prefwork.core.PromptFilter.GoldState;
import dev.prefwork.core.PromptGold;
import dev.prefwork.core.PromptSummary;
import dev.prefwork.core.Progress;
import dev.prefwork.core.Verdict;
import dev.prefwork.core.WorkspaceStats;
import dev.prefwork.store.GoldRepository.PromptJudgments;
import dev.prefwork.store.gold.GoldFile;
import dev.prefwork.store.importer.ImportSource;
import dev.prefwork.store.importer.Importer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepositoriesTest {

    @TempDir
    Path dir;
    Workspace ws;
    long datasetA;

    @BeforeEach
    void open() throws IOException {
        ws = Workspace.open(dir.resolve("ws"));
        datasetA = new Importer(ws).importFile(Fixtures.candidatesFile(dir, "a.jsonl", 6, 3), Importer.Options.DETECT, Progress.NONE).dataset().id();
        new Importer(ws).importFile(Fixtures.write(dir, "b.jsonl", """
                {"id":"b-1","prompt":"How do I reset my PASSWORD_1?","category":"it","candidates":[{"text":"x"},{"text":"y"}]}
                """), Importer.Options.DETECT, Progress.NONE);
    }

    @AfterEach
    void close() {
        ws.close();
    }

    private List<Candidate> candidatesOf(String sourceId) {
        return ws.candidates().forPrompt(ws.prompts().bySourceId(sourceId).orElseThrow().id());
    }

    @Test
    void filtersBySearchCategoryDatasetAndGold() {
        PromptRepository prompts = ws.prompts();
        assertThat(prompts.count(PromptFilter.ALL)).isEqualTo(7);
        assertThat(prompts.ids(PromptFilter.ALL)).isSorted().hasSize(7);
        assertThat(prompts.count(PromptFilter.ALL.withSearch("question NUMBER 4"))).isEqualTo(1);
        assertThat(prompts.count(PromptFilter.ALL.withSearch("a.jsonl-p-"))).isEqualTo(6);
        // LIKE wildcards in the search are literal characters
        assertThat(prompts.count(PromptFilter.ALL.withSearch("password_1"))).isEqualTo(1);
        assertThat(prompts.count(PromptFilter.ALL.withSearch("%"))).isZero();
        assertThat(prompts.count(PromptFilter.ALL.withCategory("cat-a"))).isEqualTo(3);
        assertThat(prompts.count(new PromptFilter(null, null, datasetA, GoldState.ANY))).isEqualTo(6);
        assertThat(prompts.categories()).containsExactly(
                java.util.Map.entry("cat-a", 3), java.util.Map.entry("cat-b", 3), java.util.Map.entry("it", 1));

        ws.gold().setLabel(candidatesOf("a.jsonl-p-2").get(0).id(), Verdict.GOOD, null);
        assertThat(prompts.count(PromptFilter.ALL.withGold(GoldState.LABELLED))).isEqualTo(1);
        assertThat(prompts.count(PromptFilter.ALL.withGold(GoldState.UNLABELLED))).isEqualTo(6);
        assertThat(prompts.count(PromptFilter.ALL.withGold(GoldState.UNLABELLED).withCategory("cat-b"))).isEqualTo(2);
    }

    @Test
    void summariesComeBackInTheRequestedOrderWithCounts() {
        long[] ids = ws.prompts().ids(PromptFilter.ALL);
        ws.gold().setRating(candidatesOf("b-1").get(1).id(), 4, null);
        long[] page = {ids[6], ids[0], ids[3]};
        List<PromptSummary> rows = ws.prompts().summaries(page);
        assertThat(rows).extracting(PromptSummary::id).containsExactly(ids[6], ids[0], ids[3]);
        assertThat(rows.get(0).candidates()).isEqualTo(2);
        assertThat(rows.get(0).labelled()).isTrue();
        assertThat(rows.get(0).dataset()).isEqualTo("b");
        assertThat(rows.get(1).candidates()).isEqualTo(3);
        assertThat(rows.get(1).labelled()).isFalse();
    }

    @Test
    void goldIsCurrentStateAndClearingRemovesTheRow() {
        List<Candidate> c = candidatesOf("a.jsonl-p-1");
        long pid = c.get(0).promptId();
        GoldRepository gold = ws.gold();
        gold.setLabel(c.get(0).id(), Verdict.GOOD, null);
        gold.setLabel(c.get(0).id(), Verdict.BAD, null);
        gold.setRating(c.get(0).id(), 2, null);
        gold.setPromptGold(new PromptGold(pid, c.get(1).id(), c.get(0).id(), "padded"), null);
        gold.setPreference(c.get(2).id(), c.get(1).id(), c.get(2).id(), null);

        PromptJudgments j = gold.forPrompt(pid);
        assertThat(j.candidates()).singleElement().satisfies(g -> {
            assertThat(g.label()).isEqualTo(Verdict.BAD);
            assertThat(g.rating()).isEqualTo(2);
        });
        assertThat(j.prompt().bestCandidateId()).isEqualTo(c.get(1).id());
        assertThat(j.prompt().note()).isEqualTo("padded");
        assertThat(j.preferences()).singleElement().satisfies(p -> {
            assertThat(p.preferred()).isEqualTo(c.get(2).id());
            assertThat(p.other()).isEqualTo(c.get(1).id());
        });

        gold.setLabel(c.get(0).id(), null, null);
        gold.setRating(c.get(0).id(), null, null);
        gold.setPromptGold(new PromptGold(pid, null, null, " "), null);
        gold.setPreference(c.get(1).id(), c.get(2).id(), null, null);
        assertThat(gold.labelledPromptIds()).isEmpty();
    }

    @Test
    void pickingTheWorstAsBestClearsWorst() {
        List<Candidate> c = candidatesOf("a.jsonl-p-1");
        ws.gold().setPromptGold(new PromptGold(c.get(0).promptId(), c.get(0).id(), c.get(0).id(), null), null);
        PromptGold g = ws.gold().forPrompt(c.get(0).promptId()).prompt();
        assertThat(g.bestCandidateId()).isEqualTo(c.get(0).id());
        assertThat(g.worstCandidateId()).isNull();
    }

    @Test
    void goldRefusesCandidatesOfAnotherPromptAndBadRatings() {
        List<Candidate> one = candidatesOf("a.jsonl-p-1");
        List<Candidate> two = candidatesOf("a.jsonl-p-2");
        assertThatThrownBy(() -> ws.gold().setPromptGold(new PromptGold(one.get(0).promptId(), two.get(0).id(), null, null), null))
                .isInstanceOf(InputException.class).hasMessageContaining("is not a candidate of prompt");
        assertThatThrownBy(() -> ws.gold().setPreference(one.get(0).id(), two.get(0).id(), one.get(0).id(), null))
                .isInstanceOf(InputException.class);
        assertThatThrownBy(() -> ws.gold().setRating(one.get(0).id(), 6, null)).isInstanceOf(InputException.class);
        assertThat(ws.gold().labelledPromptIds()).isEmpty();
    }

    @Test
    void sessionsCountJudgmentsAndRememberThePrompt() {
        var session = ws.sessions().start();
        List<Candidate> c = candidatesOf("a.jsonl-p-3");
        ws.gold().setLabel(c.get(0).id(), Verdict.GOOD, session.id());
        ws.gold().setRating(c.get(1).id(), 5, session.id());
        ws.sessions().end(session.id());
        var s = ws.sessions().latest().orElseThrow();
        assertThat(s.judgments()).isEqualTo(2);
        assertThat(s.lastPromptId()).isEqualTo(c.get(0).promptId());
        assertThat(s.endedAt()).isNotNull();
    }

    @Test
    void statsCountPerDatasetAndInTotal() {
        List<Candidate> c = candidatesOf("a.jsonl-p-1");
        ws.gold().setLabel(c.get(0).id(), Verdict.GOOD, null);
        ws.gold().setRating(c.get(0).id(), 5, null);
        ws.gold().setPromptGold(new PromptGold(c.get(0).promptId(), c.get(0).id(), c.get(2).id(), null), null);
        ws.gold().setPreference(c.get(0).id(), c.get(1).id(), c.get(0).id(), null);
        WorkspaceStats s = ws.stats().compute();
        assertThat(s.total()).isEqualTo(new WorkspaceStats.Counts(7, 20, 1, 1, 1, 1, 1));
        assertThat(s.datasets()).extracting(WorkspaceStats.DatasetCounts::name).containsExactly("a", "b");
        assertThat(s.datasets().get(1).counts()).isEqualTo(new WorkspaceStats.Counts(1, 2, 0, 0, 0, 0, 0));
    }

    @Test
    void goldFileRoundTripsAndRejectsBadLinesWithoutWritingAny() throws IOException {
        Path gold = Fixtures.write(dir, "gold.jsonl", """
                {"prompt_id":"a.jsonl-p-1","best":2,"worst":0,"labels":[{"candidate":2,"label":"GOOD"}],"ratings":[{"candidate":0,"rating":1}],"preferences":[{"preferred":1,"other":0}],"note":"clear"}
                {"prompt_id":"b-1","labels":[{"candidate":1,"label":"BAD"}]}
                """);
        GoldFile.Result r = new GoldFile(ws).importGold(ImportSource.of(gold));
        assertThat(r).isEqualTo(new GoldFile.Result(2, 2, 1, 1, 1));
        Path out = dir.resolve("out.jsonl");
        assertThat(new GoldFile(ws).export(out)).isEqualTo(2);
        assertThat(Files.readAllLines(out)).containsExactly(
                "{\"prompt_id\":\"a.jsonl-p-1\",\"best\":2,\"worst\":0,\"labels\":[{\"candidate\":2,\"label\":\"GOOD\"}],\"ratings\":[{\"candidate\":0,\"rating\":1}],\"preferences\":[{\"preferred\":1,\"other\":0}],\"note\":\"clear\"}",
                "{\"prompt_id\":\"b-1\",\"labels\":[{\"candidate\":1,\"label\":\"BAD\"}],\"ratings\":[],\"preferences\":[]}");

        Path bad = Fixtures.write(dir, "bad-gold.jsonl", """
                {"prompt_id":"a.jsonl-p-2","best":1}
                {"prompt_id":"a.jsonl-p-3","best":7}
                """);
        assertThatThrownBy(() -> new GoldFile(ws).importGold(ImportSource.of(bad))).isInstanceOf(InputException.class)
                .hasMessage(bad + ":2: field 'best': expected a candidate position 0..2, found 7");
        assertThat(ws.gold().labelledPromptIds()).hasSize(2);
    }
}
