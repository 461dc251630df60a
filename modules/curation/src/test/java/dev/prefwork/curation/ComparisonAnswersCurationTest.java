package dev.prefwork.curation;

import dev.prefwork.core.Progress;
import dev.prefwork.core.PromptFilter;
import dev.prefwork.core.PromptGold;
import dev.prefwork.curation.export.ExportFormat;
import dev.prefwork.curation.export.Exporter;
import dev.prefwork.curation.pairs.CurationData;
import dev.prefwork.curation.pairs.CurationRequest;
import dev.prefwork.curation.pairs.CurationResult;
import dev.prefwork.curation.pairs.FunnelStep;
import dev.prefwork.curation.pairs.Strategy;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.store.ComparisonRepository;
import dev.prefwork.store.PairSetRepository.StoredPairSet;
import dev.prefwork.store.importer.Importer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A before/after comparison's answers are candidates of their prompts (ComparisonRepository.addResult, tagged
 * run-&lt;id&gt;:base / :tuned): curation leaves them out unless asked, says so in the funnel and records it.
 * On the demo workspace with a real label model refitted over them.
 */
class ComparisonAnswersCurationTest {

    static final String REFUSAL = "Sorry, I can't help with that.";

    @TempDir
    static Path dir;
    static Demo demo;
    static final Set<Long> answers = new HashSet<>();
    static long pickedPrompt;
    static long pickedTuned;
    static long onlyAnswersPrompt;

    @BeforeAll
    static void open() throws Exception {
        demo = Demo.fitted(dir.resolve("demo"));
        // a held-out prompt the workspace has no candidates for: its only candidates will be the comparison's
        Path extra = dir.resolve("held-out.jsonl");
        Files.writeString(extra, "{\"id\": \"held-out-1\", \"prompt\": \"How do I book a meeting room at the Leeds office?\", "
                + "\"category\": \"policy-qa\"}\n");
        new Importer(demo.ws).importFile(extra, Importer.Options.DETECT, Progress.NONE);
        onlyAnswersPrompt = demo.ws.prompts().bySourceId("held-out-1").orElseThrow().id();

        long run = demo.ws.trainingRuns().create("r", "{}", "pairs", 10, "/m", i -> "/ws/runs/run-" + i);
        ComparisonRepository repo = demo.ws.comparisons();
        long comparison = repo.create(run, 6, "{}");
        long[] prompts = demo.ws.prompts().ids(PromptFilter.ALL);
        Set<Long> goldPrompts = new HashSet<>();
        for (PromptGold g : demo.ws.bulk().goldPicks()) goldPrompts.add(g.promptId());
        int ordinal = 0;
        for (long p : prompts) {
            if (ordinal == 5) break;
            if (goldPrompts.contains(p) || p == onlyAnswersPrompt) continue;
            // the tuned side a well-formed answer, the base side a refusal the BAD LFs all but guarantee is the worst
            long[] ids = repo.addResult(comparison, ordinal++, p, "run-" + run + ":base", REFUSAL, "run-" + run + ":tuned",
                    "**Short answer:** yes.\n\n- Open **HaldenHub** and pick *Rooms > Book*.\n- Choose the office and time.\n"
                            + "- The booking shows in your calendar within a minute; cancel it there if plans change.",
                    meta(comparison, "base"), meta(comparison, "tuned"));
            answers.add(ids[0]);
            answers.add(ids[1]);
            if (ordinal == 1) {
                pickedPrompt = p;
                pickedTuned = ids[1];
            }
        }
        long[] ids = repo.addResult(comparison, ordinal, onlyAnswersPrompt, "run-" + run + ":base", REFUSAL, "run-" + run + ":tuned",
                "To book a meeting room at the Leeds office, open HaldenHub, pick Rooms and then Book, choose the Leeds office, "
                        + "the room size and a time, and confirm the booking; it shows in your calendar within a minute.",
                meta(comparison, "base"), meta(comparison, "tuned"));
        answers.add(ids[0]);
        answers.add(ids[1]);
        // the expert read one comparison in Compare and picked the tuned answer as the best
        demo.ws.gold().setPromptGold(new PromptGold(pickedPrompt, pickedTuned, null, null), null);
        // the label model now covers the new candidates too, so nothing but the option keeps them out
        demo.labelModel.fit(LabelModelService.FitRequest.defaults(), Progress.NONE);
    }

    static String meta(long comparison, String side) {
        return "{\"comparison\":" + comparison + ",\"side\":\"" + side + "\"}";
    }

    @AfterAll
    static void close() {
        demo.close();
    }

    @Test
    void theRepositoryKnowsTheAnswersByTheirRowsAndByTheirTag() {
        ComparisonRepository.Answers a = demo.ws.comparisons().answers();
        assertThat(a.size()).isEqualTo(12);
        assertThat(a.comparisons()).isEqualTo(1);
        for (long id : answers) assertThat(a.contains(id)).isTrue();
        CurationData data = demo.curation.data(demo.ranking, Progress.NONE);
        assertThat(data.candidates()).isEqualTo(342);
        assertThat(data.prompts()).isEqualTo(67);
        assertThat(data.comparisonAnswers()).isEqualTo(12);
        for (int i = 0; i < data.candidates(); i++) {
            assertThat(data.comparisonAnswer()[i]).isEqualTo(answers.contains(data.candidateIds()[i]));
            assertThat(data.score()[i]).as("the refitted label model scores every candidate").isNotNaN();
        }
    }

    @Test
    void pairsLeaveTheAnswersOutByDefaultWithTheirOwnFunnelStep() {
        CurationRequest request = CurationRequest.defaults();
        assertThat(request.includeComparisonAnswers()).isFalse();
        CurationResult r = demo.curation.build(demo.ranking, request, Progress.NONE);
        for (int i = 0; i < r.size(); i++) {
            assertThat(answers).doesNotContain(r.chosenId(i), r.rejectedId(i));
        }
        FunnelStep first = r.funnel().get(0);
        assertThat(first.label()).isEqualTo("Before/after answers left out");
        assertThat(first.prompts()).isEqualTo(66);   // the held-out prompt had nothing but the comparison's answers
        assertThat(first.removed()).isEqualTo(1);
        assertThat(first.note()).startsWith("12 answers of 1 before/after comparison")
                .contains("your pick on 1 prompt was one of them and is ignored");
        FunnelStep ranked = r.funnel().get(1);
        assertThat(ranked.label()).isEqualTo("Prompts with ≥ 2 scored candidates");
        assertThat(ranked.prompts()).isEqualTo(66);
        assertThat(ranked.removed()).isZero();
        // best vs worst: one pair per prompt, as on the demo without a comparison
        assertThat(r.funnel().get(2).pairs()).isEqualTo(66);
        // the expert's pick was an answer, so that prompt's pair is the ranking's, not the pick's
        int at = indexOfPrompt(r, pickedPrompt);
        assertThat(at).isGreaterThanOrEqualTo(0);
        assertThat(r.pairs().gold(at)).isFalse();
        assertThat(r.chosenId(at)).isNotEqualTo(pickedTuned);
    }

    @Test
    void askedForTheyAreDrawnFromAndTheFunnelSaysSo() {
        CurationResult r = demo.curation.build(demo.ranking, CurationRequest.defaults().withIncludeComparisonAnswers(true), Progress.NONE);
        FunnelStep first = r.funnel().get(0);
        assertThat(first.label()).isEqualTo("Before/after answers included");
        assertThat(first.prompts()).isEqualTo(67);
        assertThat(first.removed()).isZero();
        assertThat(first.note()).startsWith("12 answers of 1 before/after comparison");
        assertThat(r.funnel().get(1).prompts()).isEqualTo(67);
        assertThat(r.funnel().get(2).pairs()).isEqualTo(67);
        // the expert's pick decides its prompt
        int at = indexOfPrompt(r, pickedPrompt);
        assertThat(r.chosenId(at)).isEqualTo(pickedTuned);
        assertThat(r.pairs().gold(at)).isTrue();
        // the held-out prompt's only pair is the comparison's own two answers
        int held = indexOfPrompt(r, onlyAnswersPrompt);
        assertThat(answers).contains(r.chosenId(held), r.rejectedId(held));
        int withAnswers = 0;
        for (int i = 0; i < r.size(); i++) if (answers.contains(r.chosenId(i)) || answers.contains(r.rejectedId(i))) withAnswers++;
        assertThat(withAnswers).as("pairs touching an answer").isGreaterThanOrEqualTo(3);
    }

    @Test
    void sftPicksLeaveThemOutToo() {
        CurationRequest sft = CurationRequest.defaults().withStrategy(Strategy.SFT_TOP_K).withTopPercent(100);
        CurationResult out = demo.curation.build(demo.ranking, sft, Progress.NONE);
        for (int i = 0; i < out.size(); i++) assertThat(answers).doesNotContain(out.chosenId(i));
        CurationResult in = demo.curation.build(demo.ranking, sft.withIncludeComparisonAnswers(true), Progress.NONE);
        boolean any = false;
        for (int i = 0; i < in.size(); i++) any |= answers.contains(in.chosenId(i));
        assertThat(any).isTrue();
    }

    @Test
    void theOptionIsRecordedWithTheSetAndInTheDatasetCard() throws Exception {
        StoredPairSet left = demo.curation.save(demo.curation.build(demo.ranking, CurationRequest.defaults(), Progress.NONE), "without");
        assertThat(Json.read(left.parametersJson()).get("includeComparisonAnswers").asBoolean(true)).isFalse();
        assertThat(CurationService.request(Json.read(left.parametersJson())).includeComparisonAnswers()).isFalse();
        assertThat(CurationService.funnel(left).get(0).label()).isEqualTo("Before/after answers left out");
        StoredPairSet in = demo.curation.save(demo.curation.build(demo.ranking,
                CurationRequest.defaults().withIncludeComparisonAnswers(true), Progress.NONE), "with");
        assertThat(CurationService.request(Json.read(in.parametersJson())).includeComparisonAnswers()).isTrue();
        // a set saved before the option existed drew from every candidate
        assertThat(CurationService.request(Json.read("{\"strategy\":\"best-worst\"}")).includeComparisonAnswers()).isTrue();

        Exporter exporter = new Exporter(demo.ws, demo.curation);
        Path a = dir.resolve("hf-without"), b = dir.resolve("hf-with");
        exporter.export(left, ExportFormat.HF, a, Exporter.Options.defaults(), Progress.NONE);
        exporter.export(in, ExportFormat.HF, b, Exporter.Options.defaults(), Progress.NONE);
        String cardA = Files.readString(a.resolve("README.md"));
        String cardB = Files.readString(b.resolve("README.md"));
        assertThat(cardA).contains("`includeComparisonAnswers = false`")
                .contains("| Before/after answers left out |")
                .contains("Answers of before/after comparisons (a tuned model's and its base's own outputs) were left out.");
        assertThat(cardB).contains("`includeComparisonAnswers = true`").contains("| Before/after answers included |")
                .contains("could be drawn from, as the curator asked");
        for (String line : Files.readAllLines(a.resolve("data/train.jsonl"))) assertThat(line).doesNotContain(REFUSAL);
    }

    static int indexOfPrompt(CurationResult r, long promptId) {
        for (int i = 0; i < r.size(); i++) if (r.promptId(i) == promptId) return i;
        return -1;
    }
}
