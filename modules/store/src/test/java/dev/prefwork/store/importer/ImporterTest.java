package dev.prefwork.store.importer;

import dev.prefwork.core.Candidate;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Prompt;
import dev.prefwork.core.Progress;
import dev.prefwork.store.Fixtures;
import dev.prefwork.store.Workspace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What imports do with good files (the shapes, merging, metadata, names, re-imports, cancelling). Refusals and the
 * edge cases of encodings, sizes and limits are in the bad-input corpus ({@link BadInputCorpusTest}).
 */
class ImporterTest {

    @TempDir
    Path dir;
    Workspace ws;
    Importer importer;

    @BeforeEach
    void open() {
        ws = Workspace.open(dir.resolve("ws"));
        importer = new Importer(ws);
    }

    @AfterEach
    void close() {
        ws.close();
    }

    private Importer.Result importFile(Path f) {
        return importer.importFile(f, Importer.Options.DETECT, Progress.NONE);
    }

    private void assertNothingImported() {
        assertThat(ws.jdbc().count("SELECT COUNT(*) FROM dataset")).isZero();
        assertThat(ws.jdbc().count("SELECT COUNT(*) FROM prompt")).isZero();
        assertThat(ws.jdbc().count("SELECT COUNT(*) FROM candidate")).isZero();
    }

    // ---- candidates JSONL -------------------------------------------------------------------------------------

    @Test
    void importsCandidatesKeepingModelPositionCategoryAndUnknownFields() throws IOException {
        Path f = Fixtures.write(dir, "mt.jsonl", """
                {"id":"q1","prompt":"What is DPO?","category":"ml","turns":["a","b"],"candidates":[{"text":"Direct preference optimisation.","model":"big","answer_id":"x1"},{"text":"No idea.","model":"small"}]}
                {"id":2,"prompt":"Write SQL","candidates":[{"text":"SELECT 1"},{"text":""},{"text":"```sql\\nSELECT 2\\n```","model":"big"}]}
                """);
        Importer.Result r = importFile(f);
        assertThat(r.format()).isEqualTo(ImportFormat.CANDIDATES);
        assertThat(r.prompts()).isEqualTo(2);
        assertThat(r.candidates()).isEqualTo(5);
        assertThat(r.dataset().name()).isEqualTo("mt");

        Prompt q1 = ws.prompts().bySourceId("q1").orElseThrow();
        assertThat(q1.category()).isEqualTo("ml");
        assertThat(q1.metadataJson()).isEqualTo("{\"turns\":[\"a\",\"b\"]}");
        List<Candidate> cands = ws.candidates().forPrompt(q1.id());
        assertThat(cands).extracting(Candidate::position).containsExactly(0, 1);
        assertThat(cands).extracting(Candidate::model).containsExactly("big", "small");
        assertThat(cands.get(0).metadataJson()).isEqualTo("{\"answer_id\":\"x1\"}");

        Prompt p2 = ws.prompts().bySourceId("2").orElseThrow();
        assertThat(p2.category()).isNull();
        assertThat(ws.candidates().forPrompt(p2.id())).extracting(Candidate::text).containsExactly("SELECT 1", "", "```sql\nSELECT 2\n```");
    }

    @Test
    void duplicateIdInTheWorkspaceNamesTheDatasetAndImportsNothingMore() throws IOException {
        importFile(Fixtures.write(dir, "first.jsonl", """
                {"id":"a","prompt":"P","candidates":[{"text":"x"},{"text":"y"}]}
                """));
        Path second = Fixtures.write(dir, "second.jsonl", """
                {"id":"b","prompt":"Q","candidates":[{"text":"x"},{"text":"y"}]}
                {"id":"a","prompt":"R","candidates":[{"text":"x"},{"text":"y"}]}
                """);
        assertThatThrownBy(() -> importFile(second)).isInstanceOf(InputException.class)
                .hasMessage(second + ":2: field 'id': id 'a' already exists in the workspace (dataset 'first')");
        assertThat(ws.jdbc().count("SELECT COUNT(*) FROM prompt")).isEqualTo(1);
        assertThat(ws.datasets().list()).hasSize(1);
    }

    @Test
    void reimportingTheSameFileIsRefused() throws IOException {
        Path f = Fixtures.candidatesFile(dir, "same.jsonl", 3, 2);
        importFile(f);
        assertThatThrownBy(() -> importFile(f)).isInstanceOf(InputException.class)
                .hasMessageContaining("this file was already imported on").hasMessageContaining("as dataset 'same'; nothing was imported");
        assertThat(ws.jdbc().count("SELECT COUNT(*) FROM prompt")).isEqualTo(3);
    }

    @Test
    void cancellingRollsBack() throws IOException {
        Path f = Fixtures.candidatesFile(dir, "big.jsonl", 20_000, 3);
        Progress cancelAfterFirstMegabyte = new Progress() {
            boolean started;
            @Override public void update(long done, long total, String message) { started = true; }
            @Override public boolean isCancelled() { return started; }
        };
        assertThatThrownBy(() -> importer.importFile(f, Importer.Options.DETECT, cancelAfterFirstMegabyte))
                .isInstanceOf(Progress.Cancelled.class);
        assertNothingImported();
    }

    @Test
    void datasetNamesStayUnique() throws IOException {
        Path sub = dir.resolve("other");
        java.nio.file.Files.createDirectories(sub);
        importFile(Fixtures.candidatesFile(dir, "data.jsonl", 1, 2));
        Path again = Fixtures.write(sub, "data.jsonl", "{\"id\":\"z\",\"prompt\":\"P\",\"candidates\":[{\"text\":\"x\"},{\"text\":\"y\"}]}\n");
        assertThat(importFile(again).dataset().name()).isEqualTo("data (2)");
    }

    // ---- prompt-only ------------------------------------------------------------------------------------------

    @Test
    void promptOnlyFilesImportPromptsWithoutCandidates() throws IOException {
        Importer.Result r = importFile(Fixtures.write(dir, "prompts.jsonl", """
                {"id":"p1","prompt":"Summarise this.","category":"summary"}
                {"prompt":"No id here","source":"wiki"}
                """));
        assertThat(r.format()).isEqualTo(ImportFormat.PROMPTS);
        assertThat(r.prompts()).isEqualTo(2);
        assertThat(r.candidates()).isZero();
        Prompt generated = ws.prompts().bySourceId("prompts:2").orElseThrow();
        assertThat(generated.metadataJson()).isEqualTo("{\"source\":\"wiki\"}");
    }

    // ---- TRL pairs --------------------------------------------------------------------------------------------

    @Test
    void trlStandardPairsMergeByPromptAndKeepThePairs() throws IOException {
        Importer.Result r = importFile(Fixtures.write(dir, "pairs.jsonl", """
                {"prompt":"Capital of France?","chosen":"Paris.","rejected":"Lyon.","score":0.9}
                {"prompt":"Capital of France?","chosen":"Paris.","rejected":"I cannot answer."}
                {"prompt":"2+2?","chosen":"4","rejected":"5"}
                """));
        assertThat(r.format()).isEqualTo(ImportFormat.TRL);
        assertThat(r.prompts()).isEqualTo(2);
        assertThat(r.candidates()).isEqualTo(5);
        assertThat(r.pairs()).isEqualTo(3);
        Prompt france = ws.prompts().bySourceId("pairs:p1").orElseThrow();
        assertThat(ws.candidates().forPrompt(france.id())).extracting(Candidate::text).containsExactly("Paris.", "Lyon.", "I cannot answer.");
        assertThat(ws.jdbc().count("""
                SELECT COUNT(*) FROM imported_preference ip JOIN candidate ch ON ch.id = ip.chosen_id
                WHERE ch.text = 'Paris.' AND ip.prompt_id = ?""", france.id())).isEqualTo(2);
        assertThat(ws.jdbc().one("SELECT metadata FROM imported_preference WHERE line = 1", rs -> rs.getString(1)).orElseThrow())
                .isEqualTo("{\"score\":0.9}");
    }

    @Test
    void trlConversationalWithExplicitAndImplicitPrompts() throws IOException {
        Importer.Result r = importFile(Fixtures.write(dir, "conv.jsonl", """
                {"prompt":[{"role":"user","content":"Hi?"}],"chosen":[{"role":"assistant","content":"Hello!"}],"rejected":[{"role":"assistant","content":"Go away."}]}
                {"chosen":[{"role":"system","content":"Be brief."},{"role":"user","content":"Sky colour?"},{"role":"assistant","content":"Blue."}],"rejected":[{"role":"system","content":"Be brief."},{"role":"user","content":"Sky colour?"},{"role":"assistant","content":"Green."}]}
                """));
        assertThat(r.prompts()).isEqualTo(2);
        Prompt hi = ws.prompts().bySourceId("conv:p1").orElseThrow();
        assertThat(hi.text()).isEqualTo("Hi?");
        Prompt sky = ws.prompts().bySourceId("conv:p2").orElseThrow();
        assertThat(sky.text()).isEqualTo("**system:** Be brief.\n\n**user:** Sky colour?");
        assertThat(sky.metadataJson()).contains("\"messages\"");
        assertThat(ws.candidates().forPrompt(sky.id())).extracting(Candidate::text).containsExactly("Blue.", "Green.");
    }

    // ---- CSV --------------------------------------------------------------------------------------------------

    @Test
    void csvRowsGroupByPromptIdWithQuotedNewlinesAndExtraColumns() throws IOException {
        Importer.Result r = importFile(Fixtures.write(dir, "rows.csv", """
                prompt_id,prompt,category,response,model,temperature
                a,"Explain
                joins",sql,"A join combines rows.
                
                Example: ...",big,0.7
                b,Say hi,chat,Hi!,small,
                a,"Explain
                joins",sql,No.,small,1.0
                b,Say hi,chat,Hello there.,big,
                """));
        assertThat(r.format()).isEqualTo(ImportFormat.CSV);
        assertThat(r.prompts()).isEqualTo(2);
        assertThat(r.candidates()).isEqualTo(4);
        Prompt a = ws.prompts().bySourceId("a").orElseThrow();
        assertThat(a.text()).isEqualTo("Explain\njoins");
        List<Candidate> ca = ws.candidates().forPrompt(a.id());
        assertThat(ca).extracting(Candidate::text).containsExactly("A join combines rows.\n\nExample: ...", "No.");
        assertThat(ca.get(0).metadataJson()).isEqualTo("{\"temperature\":\"0.7\"}");
    }
}
