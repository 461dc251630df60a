package dev.prefwork.app.ui.rankings;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.DemoWorkspace;
import dev.prefwork.app.ui.FxTestSupport;
import dev.prefwork.app.ui.Workbench;
import dev.prefwork.app.ui.compare.CompareViewModel;
import dev.prefwork.app.ui.rankings.RankingsViewModel.CandidateRow;
import dev.prefwork.app.ui.rankings.RankingsViewModel.Figure;
import dev.prefwork.app.ui.rankings.RankingsViewModel.ReviewRow;
import dev.prefwork.app.ui.rankings.RankingsViewModel.ViewState;
import dev.prefwork.core.LabelQueue;
import dev.prefwork.core.Progress;
import dev.prefwork.store.Workspace;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import dev.prefwork.reward.LengthControl;
import dev.prefwork.reward.RewardMetrics;
import javafx.scene.control.ComboBox;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Rankings step headless (Monocle) on the demo workspace with its starter LFs and the tiny test embedder: Fit
 * through the button; the held-out accuracy above both baselines; every prompt ranked with bars and "why"; an aspect
 * slider re-ranks live; a least-sure prompt of the needs-review queue opens in Compare & label, where the expert's
 * best and worst picks are saved as gold; back in Rankings the model is stale, Refit learns from the correction and
 * ranks the expert's best first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class RankingsUiTest extends FxTestSupport {

    @TempDir
    static Path tmp;

    private Workbench workbench;
    private Stage stage;

    @BeforeAll
    void start() throws Exception {
        try (Workspace ws = DemoWorkspace.openOrCreate(tmp.resolve("ws"), Progress.NONE)) {
            assertThat(ws.candidates().count()).isEqualTo(330);
        }
        stage = FxToolkit.registerPrimaryStage();
        AppPaths paths = new AppPaths(tmp.resolve("home"));
        FxToolkit.setupFixture(() -> {
            workbench = new Workbench(paths, Workbench.Options.open(tmp.resolve("ws")));
            workbench.start(stage);
        });
        until(() -> workbench.workspaces().workspace() != null);
    }

    @AfterAll
    void stop() throws Exception {
        FxToolkit.setupFixture(() -> {
            workbench.stop();
            stage.hide();
        });
    }

    private RankingsViewModel vm() {
        return workbench.rankingsViewModel();
    }

    private double modelAccuracy() {
        return fx(() -> vm().figures().stream().filter(Figure::model).findFirst().orElseThrow().accuracy());
    }

    private void waitFitted() {
        try {
            // a fit cross-validates six gold weights: allow for a busy machine
            try {
                org.testfx.util.WaitForAsyncUtils.waitFor(120, java.util.concurrent.TimeUnit.SECONDS, () -> fx(() -> !vm().fittingProperty().get()));
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("the fit did not end in 120 s", e);
            }
            until(() -> vm().stateProperty().get() == ViewState.READY && !vm().fittingProperty().get() && vm().detailProperty().get() != null);
        } catch (AssertionError e) {
            throw new AssertionError("state " + fx(() -> vm().stateProperty().get()) + ", fitting " + fx(() -> vm().fittingProperty().get())
                    + ", tasks " + fx(() -> workbench.monitor().toString()), e);
        }
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void fitRankExplainReweighThenFixARankingInTheReviewQueueAndRefit() {
        interact(() -> workbench.window().showStep(Workbench.RANKINGS));
        until(() -> vm().stateProperty().get() == ViewState.NOT_FITTED);
        assertThat(fx(() -> lookup("#rk-empty").queryAs(Label.class).getText())).contains("No reward model fitted yet");
        interact(() -> vm().embeddingModelProperty().set(Path.of("../modules/inference/src/test/resources/tiny-models/embedder")
                .toAbsolutePath().toString()));

        clickOn("#rk-fit");
        waitFitted();
        // the held-out accuracy, beside the baselines on the same pairs
        List<Figure> figures = fx(() -> List.copyOf(vm().figures()));
        assertThat(figures).extracting(Figure::key).containsExactly("reward-model", "label-model", "lf-majority", "length");
        double model = modelAccuracy();
        assertThat(model).isGreaterThan(figures.get(2).accuracy()).isGreaterThan(figures.get(3).accuracy());
        assertThat(fx(() -> lookup("#rk-model-accuracy").queryAs(Label.class).getText())).endsWith("%");
        assertThat(fx(() -> lookup("#rk-model-text").queryAs(Label.class).getText())).contains("linear").contains("330 candidates");

        // every prompt ranked; the selected one's candidates in score order, with bars and reasons
        assertThat(fx(() -> lookup("#rk-prompts").queryAs(TableView.class).getItems().size())).isEqualTo(66);
        List<CandidateRow> rows = fx(() -> vm().detailProperty().get().candidates());
        assertThat(rows).hasSize(5);
        assertThat(rows).extracting(CandidateRow::rank).containsExactly(1, 2, 3, 4, 5);
        for (int i = 1; i < rows.size(); i++) assertThat(rows.get(i).score()).isLessThanOrEqualTo(rows.get(i - 1).score());
        assertThat(rows.get(0).bar()).isEqualTo(1.0);
        assertThat(rows.get(4).bar()).isEqualTo(0.0);
        assertThat(rows).allMatch(r -> !r.why().isEmpty());
        assertThat(fx(() -> lookup(".rk-candidate").queryAll().size())).isEqualTo(5);
        assertThat(fx(() -> lookup(".rk-chip").queryAll().size())).isGreaterThan(5);
        assertThat(fx(() -> lookup("#rk-margin").queryAs(Label.class).getText())).contains("First vs last");

        // an aspect slider re-ranks live (no refit): the held-out accuracy follows the weights
        long id = fx(() -> vm().modelProperty().get().id());
        interact(() -> lookup("#rk-weight-format").queryAs(Slider.class).setValue(0));
        until(() -> lookup("#rk-held-out-text").queryAs(Label.class).getText().contains("with your aspect weights"));
        assertThat(fx(() -> vm().modelProperty().get().id())).isEqualTo(id);
        interact(() -> lookup("#rk-equal-weights").queryAs(javafx.scene.control.Button.class).fire());
        until(() -> !lookup("#rk-held-out-text").queryAs(Label.class).getText().contains("with your aspect weights"));
        assertThat(modelAccuracy()).isEqualTo(model);

        // the margin histogram counts every prompt
        interact(() -> lookup("#rk-tabs").queryAs(TabPane.class).getSelectionModel().select(1));
        assertThat(fx(() -> vm().histogram().stream().mapToInt(RankingsViewModel.Bin::count).sum())).isEqualTo(66);

        // the needs-review queue: a least-sure prompt opens in Compare & label, in the review queue
        interact(() -> lookup("#rk-tabs").queryAs(TabPane.class).getSelectionModel().select(2));
        @SuppressWarnings("unchecked")
        TableView<ReviewRow> review = lookup("#rk-review").queryAs(TableView.class);
        assertThat(fx(() -> review.getItems().size())).isGreaterThanOrEqualTo(10);
        ReviewRow unsure = fx(() -> review.getItems().stream().filter(r -> r.reason().startsWith("least sure")).findFirst().orElseThrow());
        interact(() -> vm().select(unsure.promptId()));
        until(() -> vm().detailProperty().get() != null && vm().detailProperty().get().promptId() == unsure.promptId());
        List<CandidateRow> before = fx(() -> vm().detailProperty().get().candidates());
        CandidateRow second = before.get(1), last = before.get(before.size() - 1);
        interact(() -> review.getSelectionModel().select(unsure));
        clickOn("#rk-review-start");
        CompareViewModel compare = workbench.compareViewModel();
        until(() -> compare.currentProperty().get() != null && compare.currentProperty().get().id() == unsure.promptId());
        assertThat(fx(() -> compare.queueProperty().get())).isInstanceOf(LabelQueue.NeedsReview.class);
        assertThat(fx(() -> compare.currentProperty().get().reviewReason())).startsWith("least sure");

        // the expert settles it: the model's second is the best, its last the worst
        interact(() -> {
            compare.toggleBest(second.position() - 1);
            compare.toggleWorst(last.position() - 1);
        });
        until(() -> compare.saveStateProperty().get() == CompareViewModel.SaveState.SAVED
                && compare.judgmentsProperty().get().isBest(second.candidateId()));

        // back in Rankings: stale (new gold); Refit learns from it
        interact(() -> workbench.window().showStep(Workbench.RANKINGS));
        until(() -> lookup("#rk-stale-banner").query().isVisible());
        assertThat(fx(() -> vm().staleReasonProperty().get())).contains("your gold changed");
        assertThat(fx(() -> review.getItems().stream().filter(r -> r.promptId() == unsure.promptId()).findFirst().orElseThrow().reviewed()))
                .isTrue();
        clickOn("#rk-refit");
        waitFitted();
        until(() -> vm().modelProperty().get() != null && vm().modelProperty().get().id() != id);
        assertThat(fx(() -> lookup("#rk-stale-banner").query().isVisible())).isFalse();
        interact(() -> vm().select(unsure.promptId()));
        until(() -> vm().detailProperty().get().promptId() == unsure.promptId()
                && vm().detailProperty().get().candidates().get(0).candidateId() == second.candidateId());
        List<CandidateRow> after = fx(() -> vm().detailProperty().get().candidates());
        assertThat(after.get(0).gold()).contains("best");
        assertThat(after.get(after.size() - 1).candidateId()).isEqualTo(last.candidateId());
        assertThat(fx(() -> vm().modelProperty().get().metrics().labelledPrompts())).isEqualTo(25);
        Node detail = lookup("#rk-detail").query();
        assertThat(fx(() -> detail.lookupAll(".candidate-badge").stream().anyMatch(n -> "best".equals(((Label) n).getText())))).isTrue();
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void lengthControlShowsBothRankingsSideBySideAndTheGoldWeightCurve() {
        interact(() -> workbench.window().showStep(Workbench.RANKINGS));
        interact(() -> vm().embeddingModelProperty().set(Path.of("../modules/inference/src/test/resources/tiny-models/embedder")
                .toAbsolutePath().toString()));
        until(() -> vm().stateProperty().get() != ViewState.LOADING && vm().stateProperty().get() != ViewState.NO_WORKSPACE);
        long before = fx(() -> vm().modelProperty().get() == null ? -1L : vm().modelProperty().get().id());
        @SuppressWarnings("unchecked")
        ComboBox<LengthControl> mode = lookup("#rk-length-control").queryAs(ComboBox.class);
        assertThat(fx(mode::getValue)).isEqualTo(LengthControl.AUTO);
        interact(() -> mode.setValue(LengthControl.ON));
        assertThat(fx(() -> vm().request().lengthControl())).isEqualTo(LengthControl.ON);
        interact(() -> lookup("#rk-tabs").queryAs(TabPane.class).getSelectionModel().select(0));
        clickOn("#rk-fit");
        waitFitted();
        until(() -> vm().modelProperty().get() != null && vm().modelProperty().get().id() != before);

        RewardMetrics.Length length = fx(() -> vm().modelProperty().get().metrics().length());
        assertThat(length.applied()).isTrue();
        assertThat(fx(() -> lookup("#rk-length-control-text").queryAs(Label.class).getText())).startsWith("Length control ON")
                .contains(String.format(java.util.Locale.ROOT, "plain %.2f", length.plainSpearmanWithinPrompt()))
                .contains(String.format(java.util.Locale.ROOT, "length-controlled %.2f", length.controlledSpearmanWithinPrompt()));
        // the model's own order is the controlled one; the side-by-side lists the plain order beside it
        List<RankingsViewModel.LengthRow> side = fx(() -> vm().detailProperty().get().lengthRows());
        List<CandidateRow> rows = fx(() -> vm().detailProperty().get().candidates());
        assertThat(side).hasSize(5).extracting(RankingsViewModel.LengthRow::plainRank).containsExactly(1, 2, 3, 4, 5);
        for (CandidateRow c : rows) {
            assertThat(side).filteredOn(l -> l.candidateId() == c.candidateId()).singleElement()
                    .extracting(RankingsViewModel.LengthRow::controlledRank).isEqualTo(c.rank());
        }
        assertThat(fx(() -> lookup("#rk-length-side-by-side").queryAs(javafx.scene.layout.GridPane.class).getChildren().size()))
                .isEqualTo(3 * 6);
        // the gold weight, chosen by cross-validation, as a curve
        assertThat(fx(() -> vm().goldWeightCurve().size())).isEqualTo(6);
        assertThat(fx(() -> lookup("#rk-gold-weight-text").queryAs(Label.class).getText())).contains("chosen by cross-validation");
        @SuppressWarnings("unchecked")
        javafx.scene.chart.LineChart<String, Number> chart = lookup("#rk-gold-weight-curve").queryAs(javafx.scene.chart.LineChart.class);
        assertThat(fx(() -> chart.getData().get(0).getData().size())).isEqualTo(6);
        // the gold nearest-neighbour feature is among the reasons
        assertThat(fx(() -> vm().modelProperty().get().columns()).stream().map(c -> c.key())).contains("gold_knn");
        interact(() -> mode.setValue(LengthControl.AUTO));
    }
}
