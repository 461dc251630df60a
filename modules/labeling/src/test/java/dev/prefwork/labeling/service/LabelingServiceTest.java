package dev.prefwork.labeling.service;

import dev.prefwork.core.Candidate;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.core.PromptGold;
import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.engine.LfPreview;
import dev.prefwork.labeling.engine.Span;
import dev.prefwork.labeling.lf.Condition.*;
import dev.prefwork.labeling.lf.LfSpec;
import dev.prefwork.store.Workspace;
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
import static org.assertj.core.api.Assertions.within;

/** Through a real H2 workspace: import, add LFs, apply, reopen, edit, new candidates, library files. */
class LabelingServiceTest {

    static final String DATA = """
            {"id":"q1","prompt":"How do I reset my VPN password?","candidates":[{"text":"Sorry, I am unable to help with that."},{"text":"Open the portal, choose Reset, then log in again with the new password."},{"text":"Call IT."}]}
            {"id":"q2","prompt":"Can I book business class to Leeds?","candidates":[{"text":"As an AI language model, I cannot give travel advice."},{"text":"No: flights under six hours are economy. Book through the Travel Desk."},{"text":"Yes, any flight."}]}
            """;
    static final String MORE = """
            {"id":"q3","prompt":"Write SQL for late shipments","candidates":[{"text":"```sql\\nSELECT id FROM shipments WHERE late;\\n```"},{"text":"Sorry, I can't help with SQL."}]}
            """;

    static final LfSpec REFUSAL = new LfSpec("Refusal", "helpfulness", Verdict.BAD, "declines the task", null, new PhraseList("refusal", null));
    static final LfSpec TERSE = new LfSpec("Terse", "helpfulness", Verdict.BAD, null, null, new Length(LengthUnit.WORDS, null, 3.0, null));
    static final LfSpec STEPS = new LfSpec("Gives steps", "helpfulness", Verdict.GOOD, null, null,
            new Keywords(List.of("then", "choose", "book through"), null, null, null));

    @TempDir
    Path dir;
    Workspace ws;
    LabelingService service;

    @BeforeEach
    void open() throws IOException {
        ws = Workspace.open(dir.resolve("ws"));
        new Importer(ws).importFile(write("data.jsonl", DATA), Importer.Options.DETECT, Progress.NONE);
        service = new LabelingService(ws);
    }

    @AfterEach
    void close() {
        service.close();
        ws.close();
    }

    private Path write(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    private void reopen() {
        service.close();
        ws.close();
        ws = Workspace.open(dir.resolve("ws"));
        service = new LabelingService(ws);
    }

    private List<Candidate> candidates(String sourceId) {
        return ws.candidates().forPrompt(ws.prompts().bySourceId(sourceId).orElseThrow().id());
    }

    @Test
    void appliesStoresAndReadsVotesBackAfterReopeningWithoutRecomputing() {
        LabelingFunction refusal = service.create(REFUSAL);
        service.create(TERSE);
        service.create(STEPS);
        // gold: q1's refusal is BAD (label), q2's answer 1 is best (GOOD), q2's answer 2 worst (BAD)
        List<Candidate> q1 = candidates("q1");
        List<Candidate> q2 = candidates("q2");
        ws.gold().setLabel(q1.get(0).id(), Verdict.BAD, null);
        ws.gold().setPromptGold(new PromptGold(q2.get(0).promptId(), q2.get(1).id(), q2.get(2).id(), null), null);

        LfApplyReport first = service.apply(Progress.NONE);
        assertThat(first.candidates()).isEqualTo(6);
        assertThat(first.recomputed()).isEqualTo(3);
        assertThat(first.lfs()).extracting(LfApplyReport.Row::source).containsOnly(LfApplyReport.Source.COMPUTED);
        LfApplyReport.Row r = first.row("Refusal");
        assertThat(r.stats().hits()).isEqualTo(2);
        assertThat(r.stats().correct()).isEqualTo(1);
        assertThat(r.stats().incorrect()).isZero();
        LfApplyReport.Row terse = first.row("terse");
        assertThat(terse.stats().hits()).isEqualTo(2); // "Call IT." and "Yes, any flight."
        assertThat(terse.stats().empiricalAccuracy()).isEqualTo(1.0);
        assertThat(first.row("Gives steps").stats().hits()).isEqualTo(2);
        assertThat(first.matrix().coveredRows()).isEqualTo(6);
        assertThat(first.matrix().conflictRows()).isZero();
        assertThat(first.matrix().goldRows()).isEqualTo(3);
        assertThat(ws.lfVotes().load(refusal.versionId()).orElseThrow().votes()).containsExactly(-1, 0, 0, -1, 0, 0);

        reopen();
        LfApplyReport again = service.apply(Progress.NONE);
        assertThat(again.recomputed()).isZero();
        assertThat(again.lfs()).extracting(LfApplyReport.Row::source).containsOnly(LfApplyReport.Source.STORED);
        assertThat(again.lfs()).extracting(LfApplyReport.Row::stats).isEqualTo(first.lfs().stream().map(LfApplyReport.Row::stats).toList());
        assertThat(again.matrix()).isEqualTo(first.matrix());
        assertThat(service.apply(Progress.NONE).lfs()).extracting(LfApplyReport.Row::source).containsOnly(LfApplyReport.Source.MEMORY);
    }

    @Test
    void editingMakesANewVersionAndRecomputesOnlyIt() {
        LabelingFunction terse = service.create(TERSE);
        service.create(REFUSAL);
        service.apply(Progress.NONE);
        LabelingFunction edited = service.update(terse.id(), TERSE.withWhen(new Length(LengthUnit.WORDS, null, 2.0, null)));
        assertThat(edited.version()).isEqualTo(2);
        assertThat(edited.versionId()).isNotEqualTo(terse.versionId());
        assertThat(service.update(terse.id(), edited.spec()).versionId()).as("unchanged: no new version").isEqualTo(edited.versionId());

        LfApplyReport r = service.apply(Progress.NONE);
        assertThat(r.recomputed()).isEqualTo(1);
        assertThat(r.row("Terse").source()).isEqualTo(LfApplyReport.Source.COMPUTED);
        assertThat(r.row("Terse").stats().hits()).isEqualTo(1);
        assertThat(r.row("Refusal").source()).isEqualTo(LfApplyReport.Source.MEMORY);
        // the old version and its votes stay attributable
        assertThat(service.history(terse.id())).extracting(LabelingFunction::version).containsExactly(1, 2);
        assertThat(ws.lfVotes().load(terse.versionId()).orElseThrow().votes()).containsExactly(0, 0, -1, 0, 0, -1);
        assertThat(ws.lfVotes().load(edited.versionId()).orElseThrow().votes()).containsExactly(0, 0, -1, 0, 0, 0);
    }

    @Test
    void newCandidatesMakeStoredVotesStale() throws IOException {
        service.create(REFUSAL);
        service.apply(Progress.NONE);
        new Importer(ws).importFile(write("more.jsonl", MORE), Importer.Options.DETECT, Progress.NONE);
        LfApplyReport r = service.apply(Progress.NONE);
        assertThat(r.candidates()).isEqualTo(8);
        assertThat(r.recomputed()).isEqualTo(1);
        assertThat(r.row("Refusal").stats().hits()).isEqualTo(3);
        reopen();
        assertThat(service.apply(Progress.NONE).recomputed()).isZero();
    }

    @Test
    void editingAPhraseListRecomputesTheLfsThatUseItAndPersists() {
        service.create(REFUSAL);
        service.create(TERSE);
        service.apply(Progress.NONE);
        service.setPhraseList("refusal", List.of("call it", "# a comment", " "));
        LfApplyReport r = service.apply(Progress.NONE);
        assertThat(r.recomputed()).isEqualTo(1);
        assertThat(r.row("Refusal").stats().hits()).isEqualTo(1);
        assertThat(service.phraseLists().get("refusal")).containsExactly("call it");
        reopen();
        LfApplyReport after = service.apply(Progress.NONE);
        assertThat(after.recomputed()).isZero();
        assertThat(after.row("Refusal").stats().hits()).isEqualTo(1);
        service.resetPhraseList("refusal");
        assertThat(service.apply(Progress.NONE).row("Refusal").stats().hits()).isEqualTo(2);
        assertThatThrownBy(() -> service.setPhraseList("Bad Name", List.of())).isInstanceOf(InvalidLfException.class);
    }

    @Test
    void refusesInvalidSpecsWithFieldErrorsAndDuplicateNames() {
        assertThatThrownBy(() -> service.create(TERSE.withWhen(new Keywords(List.of(), null, null, null))))
                .isInstanceOf(InvalidLfException.class)
                .satisfies(e -> assertThat(((InvalidLfException) e).errors()).extracting(x -> x.path()).containsExactly("when.terms"));
        service.create(TERSE);
        assertThatThrownBy(() -> service.create(TERSE.withName("TERSE"))).isInstanceOf(InputException.class).hasMessageContaining("already exists");
        assertThat(service.validate(TERSE.withWhen(new ModelScore("embedding_similarity", null, 0.5, null))))
                .extracting(x -> x.message()).containsExactly("no model score provider named \"embedding_similarity\" (none is installed)");
    }

    @Test
    void previewComparesWithTheOtherEnabledLfsExceptTheOneBeingEdited() {
        LabelingFunction steps = service.create(STEPS);
        LabelingFunction terse = service.create(TERSE);
        service.setEnabled(terse.id(), false);
        // an LF voting BAD on long answers conflicts with "Gives steps" (GOOD) on its two hits
        LfSpec longBad = new LfSpec("Long", "format", Verdict.BAD, null, null, new Length(LengthUnit.WORDS, 11.0, null, null));
        LfPreview p = service.preview(longBad, null, Progress.NONE);
        assertThat(p.ok()).isTrue();
        assertThat(p.stats().hits()).isEqualTo(2);
        assertThat(p.stats().conflictRows()).isEqualTo(2);
        // editing "Gives steps" itself: it does not conflict with its own old version
        assertThat(service.preview(longBad, steps.id(), Progress.NONE).stats().conflictRows()).isZero();
        assertThat(service.preview(longBad.withWhen(new Length(LengthUnit.WORDS, 15.0, 1.0, null)), null, Progress.NONE).errors())
                .extracting(x -> x.path()).containsExactly("when.min");
    }

    @Test
    void votesForACandidateSpansAndTheMatrixForLabelModels() {
        LabelingFunction refusal = service.create(REFUSAL);
        LabelingFunction terse = service.create(TERSE);
        service.create(STEPS);
        service.setEnabled(terse.id(), false);
        long q1a = candidates("q1").get(0).id();
        assertThat(service.votesFor(q1a, Progress.NONE)).containsExactly(
                new CandidateVote(refusal.id(), refusal.versionId(), "Refusal", "helpfulness", Verdict.BAD));
        assertThat(service.spans(refusal.id(), q1a, Progress.NONE)).containsExactly(new Span(7, 21));
        LfVotes votes = service.enabledVotes(Progress.NONE);
        assertThat(votes.columns()).extracting(LfVotes.Column::name).containsExactly("Refusal", "Gives steps");
        assertThat(votes.candidateIds()).hasSize(6).isSorted();
        assertThat(votes.matrix().column(0)).containsExactly(-1, 0, 0, -1, 0, 0);
        assertThat(votes.aspect("helpfulness").matrix().lfs()).isEqualTo(2);
        assertThat(votes.aspect("tone").matrix().lfs()).isZero();
    }

    @Test
    void aFreshServiceReadsStoredVotesWithoutTheTextsUntilTheyGoStale() throws IOException {
        service.create(REFUSAL);
        LabelingFunction steps = service.create(STEPS);
        LabelingFunction terse = service.create(TERSE);
        service.setEnabled(terse.id(), false);
        LfVotes applied = service.enabledVotes(Progress.NONE);
        long q1a = candidates("q1").get(0).id();
        List<CandidateVote> votes = service.votesFor(q1a, Progress.NONE);
        assertThat(votes).extracting(CandidateVote::name).containsExactly("Refusal");
        reopen();

        // the Compare view's badges and the label models: stored votes, no texts read
        assertThat(service.votesFor(q1a, Progress.NONE)).isEqualTo(votes);
        LfVotes stored = service.enabledVotes(Progress.NONE);
        assertThat(service.engineBuilt()).isFalse();
        assertThat(stored.candidateIds()).isEqualTo(applied.candidateIds());
        assertThat(stored.candidateSet()).isEqualTo(applied.candidateSet());
        assertThat(stored.columns()).isEqualTo(applied.columns());
        for (int i = 0; i < stored.columns().size(); i++) assertThat(stored.matrix().column(i)).isEqualTo(applied.matrix().column(i));

        // a version without stored votes: applied (texts read)
        LabelingFunction edited = service.update(steps.id(), new LfSpec("Gives steps", "helpfulness", Verdict.GOOD, null, null,
                new Keywords(List.of("portal"), null, null, null)));
        assertThat(service.enabledVotes(Progress.NONE).columns()).extracting(LfVotes.Column::versionId).contains(edited.versionId());
        assertThat(service.engineBuilt()).isTrue();

        // new candidates make every stored column stale: a fresh service applies rather than answer from the store
        new Importer(ws).importFile(write("more.jsonl", MORE), Importer.Options.DETECT, Progress.NONE);
        reopen();
        assertThat(service.enabledVotes(Progress.NONE).candidateIds()).hasSize(8);
        assertThat(service.engineBuilt()).isTrue();
        long q3b = candidates("q3").get(1).id();
        List<CandidateVote> q3bVotes = service.votesFor(q3b, Progress.NONE);
        assertThat(q3bVotes).extracting(CandidateVote::name).contains("Refusal");
        reopen();
        assertThat(service.votesFor(q3b, Progress.NONE)).isEqualTo(q3bVotes);
        assertThat(service.engineBuilt()).isFalse();

        // an edited phrase list changes the refusal column's context: the stored column is stale, so it is recomputed
        service.setPhraseList("refusal", List.of("nothing in the data says this"));
        assertThat(service.votesFor(q3b, Progress.NONE)).extracting(CandidateVote::name).doesNotContain("Refusal");
    }

    @Test
    void libraryExportImportsIntoAnotherWorkspaceAndClashesBecomeVersions() throws IOException {
        service.create(REFUSAL);
        LabelingFunction terse = service.create(TERSE);
        service.setEnabled(terse.id(), false);
        Path file = dir.resolve("lfs.json");
        service.exportLibrary(file);
        String json = Files.readString(file);
        assertThat(json).contains("\"format\" : \"prefwork-lfs\"", "\"enabled\" : false", "\"type\" : \"phrase_list\"");

        try (Workspace other = Workspace.open(dir.resolve("other")); LabelingService s2 = new LabelingService(other)) {
            LibraryImport imp = s2.importLibrary(file);
            assertThat(imp.created()).isEqualTo(2);
            assertThat(s2.list()).extracting(LabelingFunction::name).containsExactly("Refusal", "Terse");
            assertThat(s2.list()).extracting(LabelingFunction::enabled).containsExactly(true, false);
            assertThat(s2.list().get(0).spec()).isEqualTo(REFUSAL);
            // importing the same file again changes nothing; a changed spec under a known name is a new version
            assertThat(s2.importLibrary(file).unchanged()).isEqualTo(2);
            LibraryImport clash = s2.importLibrary(json.replace("\"max\" : 3.0", "\"max\" : 4.0").replace("\"Terse\"", "\"terse\""), "edited.json");
            assertThat(clash.newVersions()).isEqualTo(1);
            assertThat(clash.unchanged()).isEqualTo(1);
            assertThat(s2.list().get(1).version()).isEqualTo(2);
            assertThat(s2.list().get(1).name()).isEqualTo("terse");
        }
    }

    @Test
    void anInvalidLibraryImportsNothingAndNamesEveryProblem() {
        String bad = """
                {"format": "prefwork-lfs", "version": 1, "lfs": [
                  {"name": "ok", "aspect": "tone", "vote": "GOOD", "when": {"type": "keywords", "terms": ["thanks"]}},
                  {"name": "broken regex", "aspect": "tone", "vote": "BAD", "when": {"type": "regex", "pattern": "(["}},
                  {"name": "OK", "aspect": "tone", "vote": "BAD", "when": {"type": "length", "min": 9, "max": 1}}
                ]}""";
        assertThatThrownBy(() -> service.importLibrary(bad, "bad.json"))
                .isInstanceOf(InvalidLfException.class)
                .hasMessageStartingWith("bad.json: the LF library has errors; nothing was imported")
                .satisfies(e -> assertThat(((InvalidLfException) e).errors()).extracting(x -> x.path())
                        .containsExactly("lfs[1].when.pattern", "lfs[2].when.min", "lfs[2].name"));
        assertThat(service.list()).isEmpty();
        assertThatThrownBy(() -> service.importLibrary("{\"lfs\": [{\"name\": \"x\", \"when\": {\"type\": \"vibes\"}}]}", "x.json"))
                .isInstanceOf(InvalidLfException.class).hasMessageContaining("lfs[0].when: unknown template \"vibes\"");
    }

    @Test
    void aCancelledApplyStoresNothing() {
        LabelingFunction lf = service.create(REFUSAL);
        Progress cancelled = new Progress() {
            @Override public void update(long done, long total, String message) { }
            @Override public boolean isCancelled() { return true; }
        };
        assertThatThrownBy(() -> service.apply(cancelled)).isInstanceOf(Progress.Cancelled.class);
        assertThat(ws.lfVotes().load(lf.versionId())).isEmpty();
        assertThat(service.apply(Progress.NONE).recomputed()).isEqualTo(1);
    }

    @Test
    void aDamagedStoredSpecAbstainsAndSaysWhy() {
        LabelingFunction lf = service.create(TERSE);
        ws.jdbc().update("UPDATE lf_version SET spec = ? WHERE id = ?", "{\"name\":\"Terse\",\"when\":{\"type\":\"future_template\"}}", lf.versionId());
        LfApplyReport r = service.apply(Progress.NONE);
        assertThat(r.row("Terse").source()).isEqualTo(LfApplyReport.Source.INVALID);
        assertThat(r.row("Terse").error()).contains("unknown template \"future_template\"");
        assertThat(r.row("Terse").stats().hits()).isZero();
        assertThat(service.exportLibrary()).doesNotContain("Terse");
        assertThat(r.row("Terse").stats().coverage()).isCloseTo(0, within(1e-9));
    }
}
