package dev.prefwork.app.ui.curate;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.DemoWorkspace;
import dev.prefwork.app.ui.FxTestSupport;
import dev.prefwork.app.ui.Workbench;
import dev.prefwork.app.ui.curate.CurateViewModel.ViewState;
import dev.prefwork.core.Progress;
import dev.prefwork.core.PromptFilter;
import dev.prefwork.core.PromptGold;
import dev.prefwork.curation.pairs.CurationResult;
import dev.prefwork.curation.export.ExportFormat;
import dev.prefwork.curation.export.Exporter;
import dev.prefwork.curation.pairs.FunnelStep;
import dev.prefwork.curation.pairs.Strategy;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.store.Workspace;
import javafx.scene.chart.BarChart;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Curate & export step headless (Monocle) on the demo workspace with a fitted label model: the preview's
 * funnel, charts and side-by-side sample; switching the strategy and a filter re-previews; saving a set, exporting
 * it; and importing a bundle through {@link Workbench#importBundle} with its confirmation and summary dialogs. The
 * workspace holds a before/after comparison's answers: left out, then drawn from once the checkbox is ticked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
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
            addComparison(ws);
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

    /**
     * A before/after comparison's answers on three prompts without the expert's picks, tagged as ComparisonService
     * tags them; the expert then picked the first tuned answer as that prompt's best (in Compare).
     */
    private void addComparison(Workspace ws) {
        long run = ws.trainingRuns().create("r", "{}", "pairs", 10, "/m", i -> "/ws/runs/run-" + i);
        long comparison = ws.comparisons().create(run, 3, "{}");
        Set<Long> picked = new HashSet<>();
        for (PromptGold g : ws.bulk().goldPicks()) picked.add(g.promptId());
        long[] prompts = Arrays.stream(ws.prompts().ids(PromptFilter.ALL)).filter(p -> !picked.contains(p)).limit(3).toArray();
        for (int k = 0; k < prompts.length; k++) {
            long[] ids = ws.comparisons().addResult(comparison, k, prompts[k], "run-" + run + ":base", "Sorry, I can't help with that.",
                    "run-" + run + ":tuned", "**Short answer:** yes.\n\n- Open **HaldenHub** and pick *Requests*.\n- Fill in the form.",
                    "{\"comparison\":" + comparison + ",\"side\":\"base\"}", "{\"comparison\":" + comparison + ",\"side\":\"tuned\"}");
            answers.add(ids[0]);
            answers.add(ids[1]);
            if (k == 0) {
                pickedTuned = ids[1];
                ws.gold().setPromptGold(new PromptGold(prompts[k], ids[1], null, null), null);
            }
        }
    }

    private final Set<Long> answers = new HashSet<>();
    private long pickedTuned;

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
    @Order(1)
    void previewStrategiesSaveExportAndImportABundle() throws Exception {
        // nothing is read for curation until the step is shown (a workspace opens without paying for it)
        assertThat(fx(() -> vm().stateProperty().get())).isEqualTo(ViewState.NO_WORKSPACE);
        interact(() -> workbench.window().showStep(Workbench.CURATE));
        until(() -> vm().stateProperty().get() == ViewState.READY && !vm().busyProperty().get());
        TableView<?> funnel = lookup("#cur-funnel").queryAs(TableView.class);
        assertThat(fx(() -> ((FunnelStep) funnel.getItems().get(0)).prompts())).isEqualTo(66);
        // the comparison's answers are left out before anything else
        assertThat(fx(() -> ((FunnelStep) funnel.getItems().get(0)).label())).isEqualTo("Before/after answers left out");
        assertThat(fx(() -> ((FunnelStep) funnel.getItems().get(2)).label())).isEqualTo("Best vs worst");
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
        until(() -> !vm().busyProperty().get() && vm().funnel().size() > 2 && vm().funnel().get(2).label().startsWith("All pairs with margin"));
        assertThat(lastFunnelPairs()).isGreaterThan(bestWorst);
        // the length guard is a new funnel row
        clickOn("#cur-length");
        until(() -> !vm().busyProperty().get() && vm().funnel().get(vm().funnel().size() - 1).label().startsWith("Chosen longer in ≤"));
        // best vs random
        clickOn(strategy);
        clickOn("Best vs a random other");
        until(() -> !vm().busyProperty().get() && vm().funnel().get(2).label().equals("Best vs a random other"));

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

    @Test
    @Order(2)
    void beforeAfterAnswersAreLeftOutUntilTheCheckboxIsTicked() {
        interact(() -> workbench.window().showStep(Workbench.CURATE));
        interact(() -> vm().strategyProperty().set(Strategy.BEST_WORST));
        until(() -> !vm().busyProperty().get() && vm().funnel().size() > 2 && vm().funnel().get(2).label().equals("Best vs worst"));
        CheckBox box = lookup("#cur-comparison").queryAs(CheckBox.class);
        assertThat(fx(box::isSelected)).isFalse();
        Label count = lookup("#cur-comparison-count").queryAs(Label.class);
        assertThat(fx(count::isVisible)).isTrue();
        assertThat(fx(count::getText)).isEqualTo("6 answers of 1 comparison: left out");
        FunnelStep first = fx(() -> vm().funnel().get(0));
        assertThat(first.label()).isEqualTo("Before/after answers left out");
        assertThat(first.note()).startsWith("6 answers of 1 before/after comparison").contains("your pick on 1 prompt was one of them");
        assertThat(touching(fx(() -> vm().resultProperty().get()))).isZero();
        int without = lastFunnelPairs();

        clickOn("#cur-comparison");
        until(() -> !vm().busyProperty().get() && vm().funnel().get(0).label().equals("Before/after answers included"));
        assertThat(fx(() -> vm().request().includeComparisonAnswers())).isTrue();
        assertThat(fx(count::getText)).endsWith("drawn from");
        CurationResult with = fx(() -> vm().resultProperty().get());
        // the expert's pick of a tuned answer now decides its prompt
        assertThat(touching(with)).isPositive();
        boolean pickChosen = false;
        for (int i = 0; i < with.size(); i++) pickChosen |= with.chosenId(i) == pickedTuned && with.pairs().gold(i);
        assertThat(pickChosen).isTrue();
        assertThat(lastFunnelPairs()).isGreaterThanOrEqualTo(without);

        // saved with the box ticked, the set records it
        clickOn("#cur-name").write("with answers");
        clickOn("#cur-save");
        until(() -> vm().selectedSetProperty().get() != null && vm().selectedSetProperty().get().name().equals("with answers"));
        assertThat(fx(() -> vm().selectedSetProperty().get().parametersJson())).contains("\"includeComparisonAnswers\":true");

        clickOn("#cur-comparison");
        until(() -> !vm().busyProperty().get() && vm().funnel().get(0).label().equals("Before/after answers left out"));
        assertThat(touching(fx(() -> vm().resultProperty().get()))).isZero();
    }

    /** Pairs with a before/after answer on either side. */
    private int touching(CurationResult r) {
        int n = 0;
        for (int i = 0; i < r.size(); i++) if (answers.contains(r.chosenId(i)) || answers.contains(r.rejectedId(i))) n++;
        return n;
    }
}
