package dev.prefwork.store;

import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.core.PromptGold;
import dev.prefwork.core.Verdict;
import dev.prefwork.store.LabelingFunctionRepository.LfDraft;
import dev.prefwork.store.LabelingFunctionRepository.Outcome;
import dev.prefwork.store.LfVoteRepository.StoredVotes;
import dev.prefwork.store.LfVoteRepository.VotesToSave;
import dev.prefwork.store.importer.Importer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelingStoreTest {

    @TempDir
    Path dir;
    Workspace ws;

    @BeforeEach
    void open() {
        ws = Workspace.open(dir.resolve("ws"));
    }

    @AfterEach
    void close() {
        ws.close();
    }

    private static LfDraft draft(String name, String spec) {
        return new LfDraft(name, "policy", Verdict.BAD, spec);
    }

    @Test
    void editingCreatesVersionsAndKeepsTheOldOnes() {
        LabelingFunctionRepository lfs = ws.labelingFunctions();
        StoredLf a = lfs.create(draft("Refusal", "{\"v\":1}"), true);
        assertThat(a.current().version()).isEqualTo(1);
        assertThat(a.enabled()).isTrue();

        var same = lfs.update(a.id(), draft("Refusal", "{\"v\":1}"));
        assertThat(same.outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(same.lf().current().id()).isEqualTo(a.current().id());

        var edited = lfs.update(a.id(), new LfDraft("Refusal phrases", "tone", Verdict.BAD, "{\"v\":2}"));
        assertThat(edited.outcome()).isEqualTo(Outcome.NEW_VERSION);
        assertThat(edited.lf().name()).isEqualTo("Refusal phrases");
        assertThat(edited.lf().aspect()).isEqualTo("tone");
        assertThat(edited.lf().current().version()).isEqualTo(2);
        assertThat(lfs.versions(a.id())).extracting(StoredLfVersion::specJson).containsExactly("{\"v\":1}", "{\"v\":2}");
        assertThat(lfs.version(a.current().id()).orElseThrow().specJson()).isEqualTo("{\"v\":1}");
        assertThat(lfs.byName("REFUSAL PHRASES")).map(StoredLf::id).contains(a.id());
    }

    @Test
    void namesAreUniqueIgnoringCase() {
        LabelingFunctionRepository lfs = ws.labelingFunctions();
        StoredLf a = lfs.create(draft("Hedging", "{}"), true);
        StoredLf b = lfs.create(draft("Short", "{}"), false);
        assertThatThrownBy(() -> lfs.create(draft("hedging", "{}"), true))
                .isInstanceOf(InputException.class).hasMessage("field 'name': a labeling function named \"Hedging\" already exists");
        assertThatThrownBy(() -> lfs.update(b.id(), draft(" HEDGING ", "{}"))).isInstanceOf(InputException.class);
        assertThat(lfs.list()).extracting(StoredLf::name).containsExactly("Hedging", "Short");
        assertThat(lfs.update(a.id(), draft("hedging", "{}")).outcome()).isEqualTo(Outcome.NEW_VERSION);
    }

    @Test
    void saveAllMatchesNamesAsNewVersionsInOneTransaction() {
        LabelingFunctionRepository lfs = ws.labelingFunctions();
        StoredLf a = lfs.create(draft("A", "{\"a\":1}"), true);
        lfs.setEnabled(a.id(), false);
        List<LabelingFunctionRepository.Saved> saved = lfs.saveAll(
                List.of(draft("a", "{\"a\":2}"), draft("B", "{}"), draft("A", "{\"a\":2}")), List.of(true, false, true));
        assertThat(saved).extracting(LabelingFunctionRepository.Saved::outcome)
                .containsExactly(Outcome.NEW_VERSION, Outcome.CREATED, Outcome.NEW_VERSION);
        assertThat(lfs.get(a.id()).orElseThrow().enabled()).as("an import does not re-enable an LF").isFalse();
        assertThat(lfs.byName("b").orElseThrow().enabled()).isFalse();

        int before = lfs.list().size();
        assertThatThrownBy(() -> lfs.saveAll(List.of(draft("C", "{}"), new LfDraft("D", "x", null, "{}")), List.of(true, true)))
                .isInstanceOf(RuntimeException.class);
        assertThat(lfs.list()).hasSize(before);
    }

    @Test
    void votesRoundTripWithTheirCandidateSetAndContext() {
        StoredLf a = ws.labelingFunctions().create(draft("A", "{}"), true);
        byte[] votes = {1, -1, 0, 0, 1};
        ws.lfVotes().save(new VotesToSave(a.current().id(), "5:1:5:15", "", votes, null, 12));
        StoredVotes back = ws.lfVotes().load(a.current().id()).orElseThrow();
        assertThat(back.votes()).containsExactly(1, -1, 0, 0, 1);
        assertThat(back.freshFor("5:1:5:15", "")).isTrue();
        assertThat(back.freshFor("6:1:6:21", "")).isFalse();
        assertThat(back.freshFor("5:1:5:15", "abc")).isFalse();
        ws.lfVotes().saveAll(List.of(new VotesToSave(a.current().id(), "5:1:5:15", "abc", new byte[5], "regex too slow", 3)));
        assertThat(ws.lfVotes().loadAll(List.of(a.current().id(), 999L))).containsOnlyKeys(a.current().id());
        assertThat(ws.lfVotes().load(a.current().id()).orElseThrow().error()).isEqualTo("regex too slow");
    }

    @Test
    void settingsAreNamedTexts() {
        assertThat(ws.settings().get("lf.phrases.refusal")).isEmpty();
        ws.settings().put("lf.phrases.refusal", "[\"x\"]");
        ws.settings().put("lf.phrases.refusal", "[\"y\"]");
        assertThat(ws.settings().get("lf.phrases.refusal")).contains("[\"y\"]");
        ws.settings().remove("lf.phrases.refusal");
        assertThat(ws.settings().get("lf.phrases.refusal")).isEmpty();
    }

    @Test
    void bulkReadStreamsEverythingInIdOrderAcrossPages() throws IOException {
        new Importer(ws).importFile(Fixtures.candidatesFile(dir, "a.jsonl", 700, 3), Importer.Options.DETECT, Progress.NONE);
        new Importer(ws).importFile(Fixtures.candidatesFile(dir, "b.jsonl", 300, 2), Importer.Options.DETECT, Progress.NONE);
        List<Long> promptIds = new ArrayList<>();
        List<long[]> cands = new ArrayList<>();
        String key = ws.bulk().read((id, text, category) -> {
            assertThat(text).startsWith("Question number");
            promptIds.add(id);
        }, (id, promptId, text) -> cands.add(new long[]{id, promptId}), Progress.NONE);
        assertThat(promptIds).hasSize(1000).isSorted();
        assertThat(cands).hasSize(2700);
        long[] ids = cands.stream().mapToLong(c -> c[0]).toArray();
        assertThat(ids).isSorted();
        assertThat(key).isEqualTo(ws.bulk().candidateSetKey()).isEqualTo(BulkReader.candidateSetKey(ids)).startsWith("2700:");
        assertThat(ws.bulk().quickSignature()).isEqualTo("2700:" + ids[ids.length - 1]);
        assertThat(promptIds).containsAll(cands.stream().map(c -> c[1]).distinct().toList());
    }

    @Test
    void candidateSetKeyOfAnEmptyWorkspaceAndItsChange() throws IOException {
        assertThat(ws.bulk().candidateSetKey()).isEqualTo("0:0:0:0").isEqualTo(BulkReader.candidateSetKey(new long[0]));
        new Importer(ws).importFile(Fixtures.candidatesFile(dir, "a.jsonl", 2, 2), Importer.Options.DETECT, Progress.NONE);
        String k = ws.bulk().candidateSetKey();
        new Importer(ws).importFile(Fixtures.candidatesFile(dir, "b.jsonl", 1, 2), Importer.Options.DETECT, Progress.NONE);
        assertThat(ws.bulk().candidateSetKey()).isNotEqualTo(k);
        assertThat(BulkReader.candidateSetKey(new long[]{Long.MAX_VALUE - 1, Long.MAX_VALUE}))
                .isEqualTo("2:" + (Long.MAX_VALUE - 1) + ":" + Long.MAX_VALUE + ":"
                        + java.math.BigInteger.valueOf(Long.MAX_VALUE).multiply(java.math.BigInteger.TWO).subtract(java.math.BigInteger.ONE));
    }

    @Test
    void goldReadsLabelsAndPicks() throws IOException {
        new Importer(ws).importFile(Fixtures.candidatesFile(dir, "a.jsonl", 2, 3), Importer.Options.DETECT, Progress.NONE);
        long p1 = ws.prompts().bySourceId("a.jsonl-p-1").orElseThrow().id();
        var cands = ws.candidates().forPrompt(p1);
        ws.gold().setLabel(cands.get(0).id(), Verdict.GOOD, null);
        ws.gold().setRating(cands.get(1).id(), 3, null);
        ws.gold().setPromptGold(new PromptGold(p1, cands.get(0).id(), cands.get(2).id(), null), null);
        assertThat(ws.bulk().goldLabels()).containsExactly(java.util.Map.entry(cands.get(0).id(), Verdict.GOOD));
        assertThat(ws.bulk().goldPicks()).containsExactly(new PromptGold(p1, cands.get(0).id(), cands.get(2).id(), null));
    }
}
