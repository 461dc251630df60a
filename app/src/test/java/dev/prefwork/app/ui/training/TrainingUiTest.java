package dev.prefwork.app.ui.training;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.DemoWorkspace;
import dev.prefwork.app.ui.FxTestSupport;
import dev.prefwork.app.ui.Workbench;
import dev.prefwork.core.Progress;
import dev.prefwork.store.Workspace;
import dev.prefwork.training.MetricPoint;
import dev.prefwork.training.RunStatus;
import dev.prefwork.training.TrainingRun;
import javafx.scene.Node;
import javafx.scene.chart.LineChart;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Training and Runs steps headless (Monocle) with the real trainer on the tiny model, on the demo workspace:
 * the environment check finds Python with torch, the expert picks their gold picks as pairs, creates the tiny test
 * model, starts a run, watches every chart get points, cancels, resumes to the end, and finds the run in Runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainingUiTest extends FxTestSupport {

    @TempDir
    static Path tmp;

    private Workbench workbench;
    private Stage stage;

    @BeforeAll
    void start() throws Exception {
        try (Workspace ws = DemoWorkspace.openOrCreate(tmp.resolve("ws"), Progress.NONE)) {
            assertThat(ws.bulk().goldPicks()).isNotEmpty();
        }
        stage = FxToolkit.registerPrimaryStage();
        AppPaths paths = new AppPaths(tmp.resolve("home"));
        FxToolkit.setupFixture(() -> {
            workbench = new Workbench(paths, Workbench.Options.open(tmp.resolve("ws")));
            // the system python has Debian's torch; naming it keeps the check from preferring another one
            if (Files.isExecutable(Path.of("/usr/bin/python3"))) workbench.trainingSession().pythonSettingProperty().set("/usr/bin/python3");
            workbench.start(stage);
        });
        until(() -> workbench.workspaces().workspace() != null && workbench.trainingSession().service() != null);
    }

    @AfterAll
    void stop() throws Exception {
        FxToolkit.setupFixture(() -> {
            workbench.stop();
            stage.hide();
        });
    }

    private TrainingViewModel vm() {
        return workbench.trainingViewModel();
    }

    /** Waits up to {@code seconds} for {@code condition} on the FX thread. */
    private static void within(int seconds, String what, Callable<Boolean> condition) {
        try {
            WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, () -> fx(condition));
        } catch (Exception e) {
            throw new AssertionError("not within " + seconds + " s: " + what, e);
        }
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static void signal(long pid, String signal) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor()).isZero();
    }

    private int chartPoints(String id) {
        return fx(() -> {
            @SuppressWarnings("unchecked")
            LineChart<Number, Number> chart = lookup("#" + id).queryAs(LineChart.class);
            return chart.getData().stream().mapToInt(s -> s.getData().size()).sum();
        });
    }

    @Test
    void startARunOnTheTinyModelWatchTheChartsCancelResumeAndFindItInRuns() throws Exception {
        interact(() -> workbench.window().showStep(Workbench.TRAINING));
        within(120, "the environment check", () -> !vm().interpreters().isEmpty() && !vm().checkingProperty().get());
        Assumptions.assumeTrue(fx(() -> workbench.trainingSession().python()) != null,
                () -> "SKIPPED: no Python with torch here (" + fx(() -> vm().environmentTextProperty().get())
                        + "); install Debian's python3-torch");
        assertThat(fx(() -> lookup("#training-environment").queryAs(Label.class).getText())).contains("torch");

        clickOn("#training-pairs-gold");
        within(30, "the gold picks checked", () -> vm().pairsOkProperty().get());
        assertThat(fx(() -> lookup("#training-pairs-status").queryAs(Label.class).getText())).startsWith("24 pairs");

        clickOn("#training-make-tiny");
        within(120, "the tiny model", () -> vm().modelStatusProperty().get().startsWith("The tiny test model"));
        assertThat(fx(() -> vm().learningRateProperty().get())).isEqualTo(5e-3);   // the tiny model's settings
        assertThat(fx(() -> lookup("#training-memory").queryAs(Label.class).getText())).contains("tiny-dpo");
        interact(() -> {   // a shorter run: short sequences, two epochs
            vm().epochsProperty().set(2);
            vm().evalStepsProperty().set(5);
            vm().maxLengthProperty().set(64);
            vm().maxPromptLengthProperty().set(32);
        });
        within(10, "ready to launch", () -> vm().canLaunchProperty().get());

        clickOn("#training-start");
        within(60, "the run started", () -> vm().runProperty().get() != null && vm().runProperty().get().pid() != null);
        long id = fx(() -> vm().runProperty().get().id());
        within(120, "points in every train chart", () -> {
            for (String chart : new String[]{"chart-loss", "chart-rewards", "chart-accuracies", "chart-logps", "chart-lr",
                    "chart-grad-norm", "chart-throughput", "chart-memory"}) {
                @SuppressWarnings("unchecked")
                LineChart<Number, Number> c = lookup("#" + chart).queryAs(LineChart.class);
                if (c.getData().stream().mapToInt(s -> s.getData().size()).sum() == 0) return false;
            }
            return true;
        });
        assertThat(chartPoints("chart-rewards")).isGreaterThanOrEqualTo(3);   // chosen, rejected and margin
        assertThat(fx(() -> lookup("#training-note").queryAs(Label.class).getText())).contains("Falling chosen rewards are normal");

        long pid = fx(() -> vm().runProperty().get().pid());
        signal(pid, "STOP");   // the cancel cannot race the run's end
        clickOn("#training-cancel");
        signal(pid, "CONT");
        within(90, "cancelled", () -> vm().runProperty().get().status() == RunStatus.CANCELLED);
        TrainingRun cancelled = fx(() -> vm().runProperty().get());
        assertThat(cancelled.checkpointStep()).isNotNull();
        assertThat(fx(() -> lookup("#training-run-text").queryAs(Label.class).getText())).contains("cancelled at step");
        within(10, "Resume enabled", () -> !lookup("#training-resume").queryAs(Button.class).isDisabled());

        clickOn("#training-resume");
        within(180, "finished", () -> vm().runProperty().get().status() == RunStatus.FINISHED);
        int total = fx(() -> vm().runProperty().get().totalSteps());
        assertThat(fx(() -> vm().points().stream().filter(p -> !p.eval()).map(MetricPoint::step).toList()))
                .as("the charts show every step once, before and after the cancel")
                .isEqualTo(java.util.stream.IntStream.rangeClosed(1, total).boxed().toList());
        assertThat(fx(() -> lookup("#training-progress").queryAs(javafx.scene.control.ProgressBar.class).getProgress())).isEqualTo(1.0);

        interact(() -> workbench.window().showStep(Workbench.RUNS));
        @SuppressWarnings("unchecked")
        TableView<TrainingRun> runs = lookup("#runs-table").queryAs(TableView.class);
        within(20, "the run in the history", () -> runs.getItems().stream().anyMatch(r -> r.id() == id && r.status() == RunStatus.FINISHED));
        interact(() -> runs.getSelectionModel().select(0));
        within(10, "its details", () -> lookup("#runs-details").queryAs(javafx.scene.control.TextArea.class).getText().contains("launch.sh"));
        assertThat(fx(() -> lookup("#runs-details").queryAs(javafx.scene.control.TextArea.class).getText()))
                .contains("Status: finished").contains("final/model.pt").contains("eval_rewards/accuracies");
        Node resume = lookup("#runs-resume").query();
        assertThat(fx(resume::isDisabled)).as("a finished run has nothing to resume").isTrue();
    }
}
