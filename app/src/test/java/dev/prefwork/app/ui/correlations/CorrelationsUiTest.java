package dev.prefwork.app.ui.correlations;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.DemoWorkspace;
import dev.prefwork.app.ui.FxTestSupport;
import dev.prefwork.app.ui.Workbench;
import dev.prefwork.core.Progress;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.labeling.service.LfCorrelationService;
import dev.prefwork.labeling.service.LfGroups;
import dev.prefwork.store.Workspace;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
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
 * The Correlations panel in the Label model step, headless: the demo workspace plus seven planted LFs that only
 * measure length, fitted once. The warning names them and their share; one click groups them, refits in the
 * background and the warning goes; the heat map's hover tells r and the overlap.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorrelationsUiTest extends FxTestSupport {

    @TempDir
    static Path tmp;

    private Workbench workbench;
    private Stage stage;

    @BeforeAll
    void start() throws Exception {
        try (Workspace ws = DemoWorkspace.openOrCreate(tmp.resolve("ws"), Progress.NONE);
             LabelingService lfs = new LabelingService(ws)) {
            if (lfs.list().isEmpty()) lfs.importLibrary(Path.of("../assets/demo/lfs.json"));
            lfs.importLibrary(Path.of("../modules/labeling/src/test/resources/length-lfs.json"));
            new LabelModelService(ws, lfs).fit(LabelModelService.FitRequest.defaults(), Progress.NONE);
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

    private CorrelationsViewModel vm() {
        return workbench.labelModelViewModel().correlations();
    }

    @Test
    void warningThenOneActionGroupsTheLengthLfsRefitsAndTheWarningGoes() {
        interact(() -> workbench.window().showStep(Workbench.LABEL_MODEL));
        until(() -> !vm().warningProperty().get().isEmpty() && !vm().busyProperty().get());
        String warning = fx(() -> lookup("#corr-warning").queryAs(Label.class).getText());
        assertThat(warning).contains("of your 23 LFs mostly measure response length; together they decide");
        assertThat(fx(() -> lookup("#corr-warning").query().isVisible())).isTrue();
        LfCorrelationService.Cluster before = fx(() -> vm().selectedClusterProperty().get());
        assertThat(before.label()).contains("follow response length");
        assertThat(fx(() -> lookup("#corr-group").queryAs(Button.class).getText()))
                .isEqualTo("Treat these " + before.lfs().length + " LFs as one group");

        // hover: r and overlap of two planted LFs ("Long answer" and "Detailed answer")
        CorrelationChart chart = fx(() -> from(stage.getScene().getRoot()).lookup("#corr-chart").queryAs(CorrelationChart.class));
        LfCorrelationService.Report report = fx(() -> vm().reportProperty().get());
        int a = indexOf(report, "Long answer"), b = indexOf(report, "Detailed answer");
        String hover = fx(() -> {
            double[] p = chart.cellCentre(a, b);
            return chart.hoverText(p[0], p[1]);
        });
        assertThat(hover).contains("Long answer").contains("Detailed answer")
                .contains(String.format(java.util.Locale.ROOT, "r = %+.2f", report.matrix().r()[a][b]))
                .contains("both vote on " + report.matrix().overlap()[a][b] + " candidates");

        long runBefore = fx(() -> workbench.labelModelViewModel().runProperty().get().id());
        clickOn("#corr-group");
        until(() -> !vm().busyProperty().get());
        until(() -> workbench.labelModelViewModel().runProperty().get() != null
                && workbench.labelModelViewModel().runProperty().get().id() != runBefore);

        assertThat(fx(() -> vm().warningProperty().get())).isEmpty();
        assertThat(fx(() -> lookup("#corr-warning").query().isVisible())).isFalse();
        LfCorrelationService.Report after = fx(() -> vm().reportProperty().get());
        LfCorrelationService.Cluster grouped = after.clusters().get(0);
        assertThat(grouped.grouped()).isTrue();
        assertThat(grouped.share()).isLessThan(before.share() - 0.15);
        assertThat(after.groups()).singleElement().satisfies(g -> assertThat(g.mode()).isEqualTo("merge"));
        assertThat(LfGroups.read(workbench.workspaces().workspace())).hasSize(1);
        assertThat(fx(() -> lookup("#corr-ungroup").query().isVisible())).isTrue();
    }

    @Test
    void theLfStudioOpensTheSamePanelInItsOwnWindowShowingTheReport() {
        interact(() -> workbench.window().showStep(Workbench.LF_STUDIO));
        until(() -> lookup("#lf-correlations").tryQuery().isPresent() && !lookup("#lf-correlations").query().isDisabled());
        clickOn("#lf-correlations");
        until(() -> javafx.stage.Window.getWindows().stream().anyMatch(w -> w != stage && w.isShowing()
                && w.getScene() != null && w.getScene().lookup("#corr-chart") instanceof CorrelationChart c && c.getWidth() > 0));
        interact(() -> javafx.stage.Window.getWindows().stream().filter(w -> w != stage && w.isShowing()).toList()
                .forEach(javafx.stage.Window::hide));
    }

    private static int indexOf(LfCorrelationService.Report r, String name) {
        for (int i = 0; i < r.lfs().size(); i++) if (r.lfs().get(i).name().equals(name)) return i;
        throw new AssertionError("no LF " + name);
    }
}
