package dev.prefwork.app.ui.curate;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.DemoWorkspace;
import dev.prefwork.app.ui.FxTestSupport;
import dev.prefwork.app.ui.Workbench;
import dev.prefwork.app.ui.curate.CurateViewModel.ViewState;
import dev.prefwork.core.Progress;
import dev.prefwork.curation.export.ExportFormat;
import dev.prefwork.curation.export.Exporter;
import dev.prefwork.curation.pairs.FunnelStep;
import dev.prefwork.curation.pairs.Strategy;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.store.Workspace;
import javafx.scene.chart.BarChart;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Curate & export step headless (Monocle) on the demo workspace with a fitted label model: the preview's
 * funnel, charts and side-by-side sample; switching the strategy and a filter re-previews; saving a set, exporting
 * it; and importing a bundle through {@link Workbench#importBundle} with its confirmation and summary dialogs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CurateUiTest extends FxTestSupport {

    @TempDir
    static Path tmp;

    private Workbench workbench;
    private Stage stage;

    @BeforeAll
    void start() throws Exception {
        try (Workspace ws = DemoWorkspace.openOrCreate(tmp.resolve("ws"), Progress.NONE);
             LabelingService lfs = new LabelingService(ws)) {
            if (lfs.list().isEmpty()) lfs.importLibrary(Path.of("../assets/demo/lfs.json"));
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

    private CurateViewModel vm() {
        return workbench.curateViewModel();
    }

    private int lastFunnelPairs() {
        return fx(() -> {
            var f = vm().funnel();
            return f.get(f.size() - 1).pairs();
        });
    }

    @Test
    void previewStrategiesSaveExportAndImportABundle() throws Exception {
        // nothing is read for curation until the step is shown (a workspace opens without paying for it)
        assertThat(fx(() -> vm().stateProperty().get())).isEqualTo(ViewState.NO_WORKSPACE);
        interact(() -> workbench.window().showStep(Workbench.CURATE));
        until(() -> vm().stateProperty().get() == ViewState.READY && !vm().busyProperty().get());
        TableView<?> funnel = lookup("#cur-funnel").queryAs(TableView.class);
        assertThat(fx(() -> ((FunnelStep) funnel.getItems().get(0)).prompts())).isEqualTo(66);
        assertThat(fx(() -> ((FunnelStep) funnel.getItems().get(1)).label())).isEqualTo("Best vs worst");
        assertThat(fx(() -> lookup("#cur-ranking").queryAs(Label.class).getText())).contains("label model run #1");
        int bestWorst = lastFunnelPairs();
        // the side-by-side sample: chosen left, rejected right, with scores and the reason
        until(() -> !lookup("#cur-chosen").queryAs(TextArea.class).getText().isEmpty());
        assertThat(fx(() -> lookup("#cur-chosen-header").queryAs(Label.class).getText())).startsWith("Chosen · ");
        assertThat(fx(() -> lookup("#cur-rejected-header").queryAs(Label.class).getText())).contains("margin");
        assertThat(fx(() -> lookup("#cur-reason").queryAs(Label.class).getText())).contains("best vs worst");
        @SuppressWarnings("unchecked")
        BarChart<String, Number> margins = lookup("#cur-margins").queryAs(BarChart.class);
        assertThat(fx(() -> margins.getData().get(0).getData().stream().mapToInt(d -> d.getYValue().intValue()).sum())).isEqualTo(bestWorst);
        assertThat(fx(() -> lookup("#cur-length-text").queryAs(Label.class).getText())).contains("Chosen is the longer response in");

        // another strategy through its combo box: the margin strategy makes more pairs
        @SuppressWarnings("unchecked")
        ComboBox<Strategy> strategy = lookup("#cur-strategy").queryAs(ComboBox.class);
        clickOn(strategy);
        clickOn("All pairs with margin ≥ m");
        until(() -> !vm().busyProperty().get() && vm().funnel().size() > 1 && vm().funnel().get(1).label().startsWith("All pairs with margin"));
        assertThat(lastFunnelPairs()).isGreaterThan(bestWorst);
        // the length guard is a new funnel row
        clickOn("#cur-length");
        until(() -> !vm().busyProperty().get() && vm().funnel().get(vm().funnel().size() - 1).label().startsWith("Chosen longer in ≤"));
        // best vs random
        clickOn(strategy);
        clickOn("Best vs a random other");
        until(() -> !vm().busyProperty().get() && vm().funnel().get(1).label().equals("Best vs a random other"));

        // save, then export the saved set
        clickOn("#cur-name").write("ui pairs");
        clickOn("#cur-save");
        until(() -> vm().selectedSetProperty().get() != null);
        assertThat(fx(() -> vm().selectedSetProperty().get().name())).isEqualTo("ui pairs");
        assertThat(fx(() -> lookup("#cur-sets").queryAs(ListView.class).getItems().size())).isEqualTo(1);
        Path out = tmp.resolve("ui.jsonl");
        interact(() -> vm().export(ExportFormat.TRL, out, Exporter.Options.defaults()));
        until(() -> Files.exists(out) && !vm().busyProperty().get());
        assertThat(Files.readAllLines(out)).hasSize(fx(() -> vm().selectedSetProperty().get().pairs()));

        // a bundle of this workspace back into it: the confirmation lists what would be added, Import shows the summary
        Path zip = tmp.resolve("mine.prefwork.zip");
        interact(() -> vm().exportBundle(zip));
        until(() -> Files.exists(zip) && !vm().busyProperty().get());
        workbench.importBundle(zip);
        until(() -> vm().pendingImportProperty().get() != null);
        until(() -> lookup("#cur-import-confirm").tryQuery().isPresent());
        DialogPane confirm = lookup("#cur-import-confirm").queryAs(DialogPane.class);
        assertThat(fx(() -> confirm.lookupAll(".label").stream().map(n -> ((Label) n).getText()).toList()))
                .anySatisfy(t -> assertThat(t).contains("already in this workspace"));
        Button importButton = fx(() -> (Button) confirm.lookupButton(javafx.scene.control.ButtonType.OK));
        interact(importButton::fire);
        until(() -> vm().lastImportProperty().get() != null);
        until(() -> lookup("#cur-import-summary").tryQuery().isPresent());
        assertThat(fx(() -> vm().lastImportProperty().get().lines())).anySatisfy(l -> assertThat(l).contains("Pair set #"));
        until(() -> vm().pairSets().size() == 2);
        interact(() -> ((Button) lookup("#cur-import-summary").queryAs(DialogPane.class).lookupButton(javafx.scene.control.ButtonType.OK)).fire());
    }
}
