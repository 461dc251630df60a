package dev.prefwork.training;

import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.core.Prompt;
import dev.prefwork.generation.OpenAiConfig;
import dev.prefwork.generation.ServerPreset;
import dev.prefwork.store.ComparisonRepository;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.importer.ImportFormat;
import dev.prefwork.store.importer.ImportSource;
import dev.prefwork.store.importer.Importer;
import dev.prefwork.testkit.OpenAiTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Before/after on a real workspace (the demo) with a real tiny run trained on the demo's gold pairs: the trainer's
 * generate mode answers as a child process (progress, cancel), the prompt set leaves out what the run trained on,
 * the answers become tagged candidates, and the win rates are what the stored scores and the judge's scripted
 * answers imply. The scorer is a plain deterministic one (letters in the text); the app's test uses the real reward
 * model.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComparisonServiceTest {

    @TempDir
    static Path tmp;

    private Path python;
    private Workspace ws;
    private TrainingRun run;
    private TrainerGenerate trainer;

    /** The number of letters in the text: a scorer whose answers the test can recompute. */
    private ComparisonService.Scorer letters() {
        return (ids, progress) -> {
            Map<Long, String> texts = ws.candidates().texts(java.util.Arrays.stream(ids).boxed().toList());
            Map<Long, Double> s = new HashMap<>();
            texts.forEach((id, t) -> s.put(id, (double) t.chars().filter(Character::isLetter).count()));
            return new ComparisonService.Scorer.Scores(null, s);
        };
    }

    @BeforeAll
    void setUp() throws Exception {
        python = TestPython.withTorch();
        ws = Workspace.open(tmp.resolve("ws"));
        new Importer(ws).importSource(ImportSource.of(TestPython.assets().resolve("demo").resolve("prompts.jsonl")),
                new Importer.Options(ImportFormat.CANDIDATES, "demo"), Progress.NONE);
        Path tools = tmp.resolve("tools");
        Path model = TinyModel.create(python, tools, ws.dir().resolve("models").resolve(TinyModel.FOLDER));
        Path pairs = DemoPairs.write(tmp.resolve("demo-pairs.jsonl"));
        TrainingConfig.Builder b = TrainingConfig.tinyDemo().toBuilder();
        b.maxSteps = 3;
        b.maxLength = 64;
        b.maxPromptLength = 32;
        try (TrainingService training = new TrainingService(ws, Duration.ofMillis(50))) {
            TrainingRun r = training.launch(new TrainingService.RunSetup("tiny", new TrlPairFile(pairs), model, b.build()), python);
            assertThat(training.await(r.id(), Duration.ofSeconds(120))).isTrue();
            run = training.run(r.id()).orElseThrow();
        }
        assertThat(run.status()).as(run.error()).isEqualTo(RunStatus.FINISHED);
        trainer = new TrainerGenerate(python, tools);
    }

    @AfterAll
    void tearDown() {
        if (ws != null) ws.close();
    }

    @Test
    void heldOutPromptsAreThoseTheRunDidNotTrainOn() throws Exception {
        ComparisonService service = new ComparisonService(ws, trainer, letters());
        Set<String> trained = ComparisonService.trainedOn(run);
        List<Prompt> all = service.heldOut(run, 1000, 0);
        assertThat(all).isNotEmpty();
        assertThat(all.size() + run.pairCount()).isEqualTo(66);   // every demo prompt is either trained on or held out
        for (Prompt p : all) assertThat(trained).doesNotContain("id:" + p.sourceId());
        List<Prompt> five = service.heldOut(run, 5, 3);
        assertThat(five).hasSize(5).isSubsetOf(all);
        assertThat(service.heldOut(run, 5, 3)).isEqualTo(five);     // seeded
        assertThat(service.heldOut(run, 5, 4)).isNotEqualTo(five);
    }

    @Test
    void comparesTrainerAnswersAndRecordsThemAsTaggedCandidates() throws Exception {
        ComparisonService service = new ComparisonService(ws, trainer, letters());
        AtomicInteger updates = new AtomicInteger();
        Progress p = new Progress() {
            @Override public void update(long done, long total, String message) { updates.incrementAndGet(); }
            @Override public boolean isCancelled() { return false; }
        };
        ComparisonService.Report r = service.compare(ComparisonService.Request.of(run.id()).withPrompts(6)
                .withSampling(TrainerGenerate.Settings.defaults().withMaxNewTokens(24)), p);
        assertThat(r.status()).isEqualTo(ComparisonRepository.COMPLETE);
        assertThat(r.rows()).hasSize(6);
        assertThat(updates.get()).isGreaterThan(12);   // per prompt, per side
        int w = 0, t = 0, l = 0;
        for (ComparisonService.Row row : r.rows()) {
            long bl = row.baseText().chars().filter(Character::isLetter).count(), tl = row.tunedText().chars().filter(Character::isLetter).count();
            assertThat(row.baseScore()).isEqualTo((double) bl);
            if (tl > bl) w++; else if (tl < bl) l++; else t++;
        }
        assertThat(r.winRate().wins()).isEqualTo(w);
        assertThat(r.winRate().ties()).isEqualTo(t);
        assertThat(r.winRate().losses()).isEqualTo(l);
        assertThat(r.winRate().rate()).isCloseTo((w + 0.5 * t) / 6, within(1e-12));
        assertThat(r.categories().stream().mapToInt(c -> c.winRate().n()).sum()).isEqualTo(6);
        // the answers are the prompt's newest candidates, tagged with the run and the side
        ComparisonService.Row first = r.rows().get(0);
        var cands = ws.candidates().forPrompt(first.promptId());
        assertThat(cands.get(cands.size() - 2).model()).isEqualTo("run-" + run.id() + ":base");
        assertThat(cands.get(cands.size() - 1).model()).isEqualTo("run-" + run.id() + ":tuned");
        assertThat(cands.get(cands.size() - 1).text()).isEqualTo(first.tunedText());
        // stored, and read back the same
        ComparisonService.Report again = service.report(r.id()).orElseThrow();
        assertThat(again.winRate()).isEqualTo(r.winRate());
        assertThat(ComparisonService.summary(again).path("reward_win_rate").path("n").asInt()).isEqualTo(6);
    }

    @Test
    void serversAndAJudge() throws Exception {
        try (OpenAiTestServer server = OpenAiTestServer.start("base-m", "tuned-m", "judge-m")) {
            server.answerWith(req -> switch (req.body().path("model").asText()) {
                case "base-m" -> "short";
                case "tuned-m" -> "a much longer and better answer";
                // the judge prefers the longer output in either order, but refuses on prompts about hotels
                default -> req.prompt().toLowerCase().contains("hotel") ? "I'm sorry, I cannot judge this."
                        : req.prompt().indexOf("a much longer") < req.prompt().indexOf("## Output (b)") ? "Output (a)" : "Output (b)";
            });
            java.util.function.Function<String, OpenAiConfig> cfg = m -> OpenAiConfig.of(ServerPreset.VLLM, m)
                    .withBaseUrl(server.baseUrl()).withTimeout(Duration.ofSeconds(5));
            ComparisonService service = new ComparisonService(ws, null, letters());
            ComparisonService.Report r = service.compare(ComparisonService.Request.of(run.id()).withPrompts(8)
                    .withSources(new ComparisonService.Source(cfg.apply("base-m"), null), new ComparisonService.Source(cfg.apply("tuned-m"), null))
                    .withJudge(new ComparisonService.Judge(cfg.apply("judge-m"), null)), Progress.NONE);
            assertThat(r.winRate().wins()).isEqualTo(8);
            assertThat(r.winRate().low()).isCloseTo(0.6756, within(1e-4));   // Wilson 95 % of 8 of 8
            long hotels = r.rows().stream().filter(x -> x.prompt().toLowerCase().contains("hotel")).count();
            assertThat(r.judge().noVote()).isEqualTo((int) hotels);
            assertThat(r.judge().tuned()).isEqualTo(8 - (int) hotels);
            assertThat(r.judge().base()).isZero();
            assertThat(r.judgeModel()).isEqualTo("judge-m");
            assertThat(service.report(r.id()).orElseThrow().judge().tuned()).isEqualTo(8 - (int) hotels);
        }
    }

    @Test
    void cancellingStopsTheTrainerAndRecordsTheComparisonAsCancelled() throws Exception {
        ComparisonService service = new ComparisonService(ws, trainer, letters());
        AtomicBoolean cancel = new AtomicBoolean();
        Progress p = new Progress() {
            @Override public void update(long done, long total, String message) { if (done > 0) cancel.set(true); }
            @Override public boolean isCancelled() { return cancel.get(); }
        };
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> service.compare(ComparisonService.Request.of(run.id()).withPrompts(40)
                .withSampling(TrainerGenerate.Settings.defaults().withMaxNewTokens(200)), p)).isInstanceOf(Progress.Cancelled.class);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
        ComparisonRepository.Stored s = service.comparisons(run.id()).get(0);
        assertThat(s.status()).isEqualTo(ComparisonRepository.CANCELLED);
        assertThat(ws.comparisons().results(s.id())).isEmpty();
    }

    @Test
    void onlyAFinishedRunCanBeCompared() {
        long prepared = ws.trainingRuns().create("p", run.configJson(), "x", 1, run.model(), i -> tmp.resolve("none-" + i).toString());
        ComparisonService service = new ComparisonService(ws, trainer, letters());
        assertThatThrownBy(() -> service.compare(ComparisonService.Request.of(prepared), Progress.NONE))
                .isInstanceOf(InputException.class).hasMessageContaining("only a finished run");
    }
}
