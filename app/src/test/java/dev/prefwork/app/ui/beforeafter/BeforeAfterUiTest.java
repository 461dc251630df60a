package dev.prefwork.app.ui.beforeafter;

import dev.prefwork.app.AppLabeling;
import dev.prefwork.app.AppPaths;
import dev.prefwork.app.AppReward;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.reward.FitRequest;
import dev.prefwork.reward.features.FeatureGroup;
import dev.prefwork.reward.features.FeatureSpec;
import dev.prefwork.app.DemoWorkspace;
import dev.prefwork.app.ui.FxTestSupport;
import dev.prefwork.app.ui.Workbench;
import dev.prefwork.core.Progress;
import dev.prefwork.store.ComparisonRepository;
import dev.prefwork.store.Workspace;
import dev.prefwork.training.RunStatus;
import dev.prefwork.training.TinyModel;
import dev.prefwork.training.TrainingConfig;
import dev.prefwork.training.TrainingRun;
import dev.prefwork.training.TrainingService;
import dev.prefwork.training.GoldPicksPairs;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Before/after step headless on the demo workspace with a real tiny run (trained here on the gold picks): the
 * expert picks the run, asks for 5 prompts, presses Compare, and sees the overall win rate, the per-category table
 * and each prompt's two answers with their scores; a click shows both answers in full. The numbers are checked
 * against what the workspace stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BeforeAfterUiTest extends FxTestSupport {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    static Path tmp;

    private Workbench workbench;
    private Stage stage;
    private long runId;

    @BeforeAll
    void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), "SKIPPED: no /usr/bin/python3 (install python3-torch)");
        AppPaths paths = new AppPaths(tmp.resolve("home"));
        try (Workspace ws = DemoWorkspace.openOrCreate(tmp.resolve("ws"), Progress.NONE);
             TrainingService training = new TrainingService(ws, Duration.ofMillis(50))) {
            Path model = TinyModel.create(PYTHON, paths.trainerTools(), ws.dir().resolve("models").resolve(TinyModel.FOLDER));
            TrainingConfig.Builder b = TrainingConfig.tinyDemo().toBuilder();
            b.maxSteps = 3;
            b.maxLength = 64;
            b.maxPromptLength = 32;
            TrainingRun r = training.launch(new TrainingService.RunSetup("tiny before/after", new GoldPicksPairs(ws), model, b.build()), PYTHON);
            assertThat(training.await(r.id(), Duration.ofSeconds(120))).isTrue();
            TrainingRun done = training.run(r.id()).orElseThrow();
            Assumptions.assumeTrue(done.status() == RunStatus.FINISHED, () -> "SKIPPED: the tiny run did not finish: " + done.error());
            runId = r.id();
            // a reward model without the embedding features: the comparison refits it with the same settings, so
            // the test does not wait for 400 texts to be embedded on a busy machine
            LabelingService labeling = AppLabeling.service(ws, paths);
            FitRequest fit = FitRequest.defaults().withFeatures(FeatureSpec.defaults().without(FeatureGroup.EMBEDDING)
                    .without(FeatureGroup.PROMPT_SIMILARITY));
            AppReward.service(ws, labeling, new LabelModelService(ws, labeling), paths).fit(fit, Progress.NONE);
        }
        stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupFixture(() -> {
            workbench = new Workbench(paths, Workbench.Options.open(tmp.resolve("ws")));
            workbench.trainingSession().pythonSettingProperty().set(PYTHON.toString());
            workbench.start(stage);
        });
        until(() -> workbench.workspaces().workspace() != null && workbench.trainingSession().service() != null);
    }

    @AfterAll
    void stop() throws Exception {
        if (workbench == null) return;
        FxToolkit.setupFixture(() -> {
            workbench.stop();
            stage.hide();
        });
    }

    private BeforeAfterViewModel vm() {
        return workbench.beforeAfterViewModel();
    }

    private static void within(int seconds, String what, Callable<Boolean> condition) {
        try {
            WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, () -> fx(condition));
        } catch (Exception e) {
            throw new AssertionError("not within " + seconds + " s: " + what, e);
        }
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static String printable(String s) {
        return s.replaceAll("\\p{Cntrl}", "");
    }

    @Test
    void compareATinyRunAndReadTheAnswersSideBySide() throws Exception {
        clickOn("Before / after");
        within(30, "the finished run offered", () -> vm().runProperty().get() != null && vm().runProperty().get().id() == runId);

        // a judge half filled in is refused before anything runs
        clickOn("#ba-judge-url").write("http://127.0.0.1:9/v1");
        clickOn("#ba-compare");
        within(5, "the judge error", () -> vm().messageIsErrorProperty().get());
        assertThat(fx(() -> lookup("#ba-message").queryAs(Label.class).getText())).contains("both a server URL and a model name");
        interact(() -> {
            vm().judgeUrlProperty().set("");
            vm().promptsProperty().set(5);
            vm().maxNewTokensProperty().set(16);
        });

        clickOn("#ba-compare");
        within(5, "running", () -> vm().runningProperty().get());
        within(90, "the comparison", () -> !vm().runningProperty().get() && vm().reportProperty().get() != null);
        assertThat(fx(() -> vm().messageIsErrorProperty().get())).as(fx(() -> vm().messageProperty().get())).isFalse();

        var report = fx(() -> vm().reportProperty().get());
        assertThat(report.status()).isEqualTo(ComparisonRepository.COMPLETE);
        assertThat(report.rows()).hasSize(5);
        String overall = fx(() -> lookup("#ba-overall").queryAs(Label.class).getText());
        assertThat(overall).isEqualTo("Tuned wins " + BeforeAfterViewModel.pct(report.winRate().rate()) + " of 5 prompts");
        @SuppressWarnings("unchecked")
        TableView<BeforeAfterViewModel.CategoryRow> cats = lookup("#ba-categories").queryAs(TableView.class);
        assertThat(fx(() -> cats.getItems().stream().mapToInt(BeforeAfterViewModel.CategoryRow::n).sum())).isEqualTo(5);
        @SuppressWarnings("unchecked")
        TableView<BeforeAfterViewModel.PairRow> pairs = lookup("#ba-pairs").queryAs(TableView.class);
        assertThat(fx(() -> pairs.getItems().size())).isEqualTo(5);

        // the stored comparison says the same, and its answers are the prompts' newest candidates
        {
            Workspace ws = workbench.workspaces().workspace();
            List<ComparisonRepository.Result> results = ws.comparisons().results(report.id());
            int wins = 0;
            for (ComparisonRepository.Result r : results) if (r.tunedScore() > r.baseScore()) wins++;
            assertThat(report.winRate().wins()).isEqualTo(wins);
            String lastBase = ws.candidates().texts(List.of(results.get(2).baseCandidateId())).get(results.get(2).baseCandidateId());

            // clicking the third pair shows both answers in full
            interact(() -> pairs.getSelectionModel().select(2));
            WaitForAsyncUtils.waitForFxEvents();
            assertThat(fx(() -> vm().selectedPairProperty().get().baseText())).isEqualTo(lastBase);
            // (the text area shows control characters, which the tiny model's noise has, its own way)
            assertThat(printable(fx(() -> lookup("#ba-base-text").queryAs(TextArea.class).getText()))).isEqualTo(printable(lastBase));
            assertThat(printable(fx(() -> lookup("#ba-tuned-text").queryAs(TextArea.class).getText())))
                    .isEqualTo(printable(report.rows().get(2).tunedText()));
        }
        assertThat(fx(() -> vm().history().size())).isEqualTo(1);
    }
}
