package dev.prefwork.app.ui.labelmodel;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.DemoWorkspace;
import dev.prefwork.app.ui.FxTestSupport;
import dev.prefwork.app.ui.Workbench;
import dev.prefwork.app.ui.labelmodel.LabelModelViewModel.ViewState;
import dev.prefwork.core.Progress;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.store.Workspace;
import javafx.scene.Node;
import javafx.scene.chart.BarChart;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Label model step headless (Monocle), on the demo workspace with its starter LFs: fit through the button,
 * the LF table, histogram, fallback reasons and queue fill; disabling an LF shows the stale banner, Refit clears
 * it; double-clicking a least-certain candidate publishes its prompt.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LabelModelUiTest extends FxTestSupport {

    @TempDir
    static Path tmp;

    private Workbench workbench;
    private Stage stage;

    @BeforeAll
    void start() throws Exception {
        try (Workspace ws = DemoWorkspace.openOrCreate(tmp.resolve("ws"), Progress.NONE);
             LabelingService lfs = new LabelingService(ws)) {
            if (lfs.list().isEmpty()) lfs.importLibrary(Path.of("../assets/demo/lfs.json"));
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

    private LabelModelViewModel vm() {
        return workbench.labelModelViewModel();
    }

    private boolean cellShows(String text) {
        return lookup((Node n) -> n instanceof TableCell<?, ?> c && text.equals(c.getText()) && n.isVisible()).tryQuery().isPresent();
    }

    @Test
    void fitShowsTheWholePictureThenStaleBannerAndRefitThenOpenAQueuedCandidate() {
        interact(() -> workbench.window().showStep(Workbench.LABEL_MODEL));
        try {
            until(() -> vm().stateProperty().get() == ViewState.NOT_FITTED);
        } catch (AssertionError e) {
            throw new AssertionError("state " + fx(() -> vm().stateProperty().get()) + ", tasks "
                    + fx(() -> workbench.monitor().toString()), e);
        }
        assertThat(fx(() -> lookup("#lm-empty").queryAs(Label.class).getText())).contains("No label model fitted yet");
        assertThat(fx(() -> lookup("#lm-stale-banner").query().isVisible())).isFalse();
        assertThat(fx(() -> lookup("#lm-weights").queryAll().size())).isEqualTo(1);
        assertThat(lookup(".slider").queryAll()).as("one weight slider per aspect").hasSize(5);

        interact(() -> vm().fit());
        try {
            until(() -> vm().stateProperty().get() == ViewState.READY && !vm().fittingProperty().get());
        } catch (AssertionError e) {
            throw new AssertionError("state " + fx(() -> vm().stateProperty().get()) + ", fitting " + fx(() -> vm().fittingProperty().get())
                    + ", fit disabled " + fx(() -> lookup("#lm-fit").query().isDisabled())
                    + ", fit bounds " + fx(() -> lookup("#lm-fit").query().localToScreen(lookup("#lm-fit").query().getBoundsInLocal()))
                    + ", windows " + fx(() -> javafx.stage.Window.getWindows().stream().map(w -> w instanceof Stage st ? st.getTitle() + " " + st.getScene().getRoot().lookupAll(".label").stream().map(n -> ((Label) n).getText()).toList() : "?").toList()), e);
        }
        TableView<?> lfs = lookup("#lm-lf-table").queryAs(TableView.class);
        assertThat(fx(() -> lfs.getItems().size())).isEqualTo(16);
        until(() -> cellShows("Refusal or deflection"));
        @SuppressWarnings("unchecked")
        BarChart<String, Number> chart = lookup("#lm-histogram").queryAs(BarChart.class);
        assertThat(fx(() -> chart.getData().get(0).getData().stream().mapToInt(d -> d.getYValue().intValue()).sum())).isEqualTo(330);
        assertThat(fx(() -> lookup("#lm-aspects").queryAs(Node.class).lookupAll(".label").stream()
                .anyMatch(n -> ((Label) n).getText().contains("only 1 LF")))).as("tone's fallback reason is shown").isTrue();
        assertThat(fx(() -> lookup("#lm-run-text").queryAs(Label.class).getText())).contains("snorkel");
        assertThat(fx(() -> lookup("#lm-least-certain").queryAs(TableView.class).getItems().size())).isEqualTo(LabelModelViewModel.QUEUE_SIZE);

        // an LF disabled elsewhere (the LF studio): the banner shows, Refit clears it
        try (LabelingService s = new LabelingService(workbench.workspaces().workspace())) {
            s.setEnabled(s.list().get(0).id(), false);
        }
        interact(() -> vm().refresh());
        until(() -> lookup("#lm-stale-banner").query().isVisible());
        clickOn("#lm-refit");
        until(() -> !vm().fittingProperty().get() && !lookup("#lm-stale-banner").query().isVisible());
        assertThat(fx(() -> lfs.getItems().size())).isEqualTo(15);

        // double-click a least-certain candidate: its prompt is published as opened
        long expected = fx(() -> vm().leastCertain().get(0).promptId());
        interact(() -> lookup(".label-model-view .scroll-pane").queryAll().forEach(n -> ((javafx.scene.control.ScrollPane) n).setVvalue(1)));
        Node firstRow = lookup("#lm-least-certain").lookup((Node n) -> n instanceof TableRow<?> r && r.getIndex() == 0 && !r.isEmpty()).query();
        // a synthetic double-click on the row (the robot's two clicks can fall outside the double-click interval
        // on a loaded 2-core build machine)
        interact(() -> javafx.event.Event.fireEvent(firstRow, new javafx.scene.input.MouseEvent(javafx.scene.input.MouseEvent.MOUSE_CLICKED,
                0, 0, 0, 0, javafx.scene.input.MouseButton.PRIMARY, 2, false, false, false, false, true, false, false, true, false, true, null)));
        until(() -> Long.valueOf(expected).equals(workbench.mainViewModel().openedPromptProperty().get()));
    }
}
