package dev.prefwork.labeling.service;

import dev.prefwork.core.Candidate;
import dev.prefwork.core.Progress;
import dev.prefwork.core.PromptGold;
import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.lf.Condition.*;
import dev.prefwork.labeling.lf.LfJson;
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
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Comparative LFs through a real H2 workspace: the three examples of issue 13 and a length ratio, with known answers. */
class ComparativeLfTest {

    // j: asks for JSON (candidate 0 gives JSON, 1 prose, 2 JSON)
    // r: an ordinary question (0 refuses, 1 answers, 2 refuses)
    // c: asks for code (0 has a code block, 1 does not)
    static final String DATA = """
            {"id":"j","prompt":"Return the user as JSON","candidates":[{"text":"{\\"name\\": \\"Ada\\"}"},{"text":"The user is Ada."},{"text":"```json\\n[1, 2]\\n```"}]}
            {"id":"r","prompt":"How do I reset my VPN password?","candidates":[{"text":"Sorry, I am unable to help with that."},{"text":"Open the portal, choose Reset, then log in again."},{"text":"I cannot help with that request."}]}
            {"id":"c","prompt":"Write a Python function that adds two numbers","candidates":[{"text":"```python\\ndef add(a, b):\\n    return a + b\\n```"},{"text":"Just add them up with a plus sign and you are done, it is very simple really."}]}
            """;

    static final LfSpec FORMAT = LfSpec.comparative("Follows the asked format", "format", Verdict.GOOD,
            new Keywords(List.of("json"), null, null, null), new Structure(Element.JSON));
    static final LfSpec ANSWERS = LfSpec.comparative("Answers rather than refuses", "helpfulness", Verdict.BAD, null,
            new PhraseList("refusal", null));
    static final LfSpec CODE = LfSpec.comparative("Has the code asked for", "correctness", Verdict.GOOD,
            new Keywords(List.of("function", "code"), null, null, null), new Structure(Element.CODE_BLOCK));
    static final LfSpec SHORTER = LfSpec.lengthRatio("Much shorter", "tone", Verdict.GOOD, null,
            new LfSpec.Ratio(LengthUnit.WORDS, 3.0));

    @TempDir
    Path dir;
    Workspace ws;
    LabelingService service;

    @BeforeEach
    void open() throws IOException {
        ws = Workspace.open(dir.resolve("ws"));
        Path f = dir.resolve("data.jsonl");
        Files.writeString(f, DATA);
        new Importer(ws).importFile(f, Importer.Options.DETECT, Progress.NONE);
        service = new LabelingService(ws);
    }

    @AfterEach
    void close() {
        service.close();
        ws.close();
    }

    private List<Candidate> c(String sourceId) {
        return ws.candidates().forPrompt(ws.prompts().bySourceId(sourceId).orElseThrow().id());
    }

    /** The column's votes as "preferred>other" by (prompt, index), e.g. "j1>j0"... sorted. */
    private List<String> pairs(PairVotes.Column col) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < col.votes(); k++) out.add(name(col.preferred()[k]) + ">" + name(col.other()[k]));
        out.sort(null);
        return out;
    }

    private String name(long candidateId) {
        for (String p : List.of("j", "r", "c", "l", "n")) {
            if (ws.prompts().bySourceId(p).isEmpty()) continue;
            List<Candidate> cs = c(p);
            for (int i = 0; i < cs.size(); i++) if (cs.get(i).id() == candidateId) return p + i;
        }
        return "?" + candidateId;
    }

    @Test
    void theThreeIssueExamplesPreferWhatTheySay() {
        service.create(FORMAT);
        service.create(ANSWERS);
        service.create(CODE);
        service.create(SHORTER);
        PairVotes votes = service.comparativeVotes(Progress.NONE);

        assertThat(votes.totalPairs()).isEqualTo(3 + 3 + 1);
        // only the JSON prompt is in scope; the JSON answers beat the prose one, JSON vs JSON abstains
        assertThat(pairs(votes.column("Follows the asked format"))).containsExactly("j0>j1", "j2>j1");
        // the answer beats each refusal; two refusals, or two answers, abstain
        assertThat(pairs(votes.column("Answers rather than refuses"))).containsExactly("r1>r0", "r1>r2");
        assertThat(pairs(votes.column("Has the code asked for"))).containsExactly("c0>c1");
        // no pair here is 3× as long as the other (the longest ratio is c1 against c0)
        assertThat(pairs(votes.column("Much shorter"))).isEmpty();
        assertThat(votes.column("Answers rather than refuses").coverage()).isEqualTo(2.0 / 7);
        // none of the LFs are counted as candidate-level LFs: the vote matrix has no column for them
        assertThat(service.apply(Progress.NONE).lfs()).isEmpty();
        assertThat(service.enabledVotes(Progress.NONE).columns()).isEmpty();
    }

    @Test
    void lengthRatioPrefersTheShorterOnlyBeyondTheRatio() throws IOException {
        Path f = dir.resolve("more.jsonl");
        Files.writeString(f, """
                {"id":"l","prompt":"Name a colour","candidates":[{"text":"Blue."},{"text":"Blue is a colour that many people like a lot."},{"text":"Red, maybe."}]}
                """);
        new Importer(ws).importFile(f, Importer.Options.DETECT, Progress.NONE);
        service.create(SHORTER);
        service.create(SHORTER.withName("Much longer").withVote(Verdict.BAD));
        PairVotes votes = service.comparativeVotes(Progress.NONE);
        // l0: 1 word, l1: 10 words, l2: 2 words → 10 ≥ 3·1 and 10 ≥ 3·2, but 2 < 3·1
        List<String> shorter = pairs(votes.column("Much shorter")).stream().filter(s -> s.startsWith("l")).toList();
        assertThat(shorter).containsExactly("l0>l1", "l2>l1");
        List<String> longer = pairs(votes.column("Much longer")).stream().filter(s -> s.startsWith("l")).toList();
        assertThat(longer).containsExactly("l1>l0", "l1>l2");
    }

    @Test
    void accuracyOnGoldPairsAndTargetsForTheRewardModel() {
        service.create(ANSWERS);
        service.create(FORMAT);
        List<Candidate> r = c("r");
        List<Candidate> j = c("j");
        // gold: r1 best and r0 worst → r1>r0, r1>r2, r2>r0; j: j1 GOOD, j0 BAD → j1>j0 (the format LF says the opposite)
        ws.gold().setPromptGold(new PromptGold(r.get(0).promptId(), r.get(1).id(), r.get(0).id(), null), null);
        ws.gold().setLabel(j.get(1).id(), Verdict.GOOD, null);
        ws.gold().setLabel(j.get(0).id(), Verdict.BAD, null);
        PairVotes votes = service.comparativeVotes(Progress.NONE);
        assertThat(votes.goldPairs()).isEqualTo(4);
        PairVotes.Column answers = votes.column("Answers rather than refuses");
        assertThat(answers.goldVoted()).isEqualTo(2);
        assertThat(answers.accuracy()).isEqualTo(1.0);
        PairVotes.Column format = votes.column("Follows the asked format");
        assertThat(format.goldVoted()).isEqualTo(1);
        assertThat(format.accuracy()).isEqualTo(0.0);

        // targets: one per pair, towards the side the LFs prefer, weight = net LFs
        List<PairVotes.Target> targets = votes.targets();
        assertThat(targets).hasSize(4);
        assertThat(targets).contains(new PairVotes.Target(r.get(1).id(), r.get(0).id(), 1), new PairVotes.Target(j.get(0).id(), j.get(1).id(), 1));

        // a disabled LF gives no targets
        LabelingFunction fmt = service.list().stream().filter(l -> l.name().equals("Follows the asked format")).findFirst().orElseThrow();
        service.setEnabled(fmt.id(), false);
        assertThat(service.comparativeVotes(Progress.NONE).targets()).hasSize(2);
    }

    @Test
    void votesAreStoredWholeAndReadBackUntilTheyGoStale() throws IOException {
        LabelingFunction lf = service.create(ANSWERS);
        PairVotes first = service.comparativeVotes(Progress.NONE);
        assertThat(first.column(ANSWERS.name()).source()).isEqualTo(PairVotes.Source.COMPUTED);
        service.close();
        service = new LabelingService(ws);
        PairVotes again = service.comparativeVotes(Progress.NONE);
        assertThat(again.column(ANSWERS.name()).source()).isEqualTo(PairVotes.Source.STORED);
        assertThat(pairs(again.column(ANSWERS.name()))).containsExactly("r1>r0", "r1>r2");

        // an edited refusal list makes them stale: "Sorry" no longer refuses, so r0 is an answer like r1
        service.setPhraseList("refusal", List.of("I cannot help"));
        PairVotes edited = service.comparativeVotes(Progress.NONE);
        assertThat(edited.column(ANSWERS.name()).source()).isEqualTo(PairVotes.Source.COMPUTED);
        assertThat(pairs(edited.column(ANSWERS.name()))).containsExactly("r0>r2", "r1>r2");

        // new candidates: stale again
        Path f = dir.resolve("more.jsonl");
        Files.writeString(f, """
                {"id":"n","prompt":"Hi","candidates":[{"text":"I cannot help with greetings."},{"text":"Hello!"}]}
                """);
        new Importer(ws).importFile(f, Importer.Options.DETECT, Progress.NONE);
        PairVotes grown = service.comparativeVotes(Progress.NONE);
        assertThat(grown.column(ANSWERS.name()).source()).isEqualTo(PairVotes.Source.COMPUTED);
        assertThat(grown.column(ANSWERS.name()).votes()).isEqualTo(3);
        assertThat(lf.spec().pairLevel()).isTrue();
    }

    @Test
    void specsRoundTripAsJsonAndInvalidOnesAreNamed() {
        String json = LfJson.write(FORMAT);
        assertThat(json).contains("\"kind\":\"comparative\"");
        assertThat(LfJson.parseSpec(json).value()).isEqualTo(FORMAT);
        assertThat(LfJson.parseSpec(LfJson.write(SHORTER)).value()).isEqualTo(SHORTER);
        // an ordinary LF writes no kind (old specs keep their JSON, and so their stored votes)
        assertThat(LfJson.write(new LfSpec("a", "tone", Verdict.GOOD, null, null, new Structure(Element.TABLE)))).doesNotContain("kind");

        LfSpec both = new LfSpec("x", "tone", Verdict.GOOD, null, null, new Structure(Element.TABLE), LfSpec.Kind.COMPARATIVE,
                new LfSpec.Ratio(LengthUnit.WORDS, 2.0), null);
        assertThat(service.validate(both)).extracting(e -> e.path()).containsExactly("ratio");
        LfSpec lowRatio = LfSpec.lengthRatio("y", "tone", Verdict.GOOD, null, new LfSpec.Ratio(LengthUnit.WORDS, 0.5));
        assertThat(service.validate(lowRatio)).extracting(e -> e.path()).containsExactly("ratio.min");
        assertThatThrownBy(() -> service.create(LfSpec.comparative("z", "tone", Verdict.GOOD, null, null)))
                .isInstanceOf(InvalidLfException.class);
    }

    @Test
    void previewOfAnUnsavedComparativeLf() {
        PairVotes.Column col = service.previewPairs(ANSWERS, Progress.NONE);
        assertThat(pairs(col)).containsExactly("r1>r0", "r1>r2");
        assertThat(service.comparativeVotes(Progress.NONE).columns()).isEmpty();
    }
}
