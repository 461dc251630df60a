package dev.prefwork.app.ui.shell;

import atlantafx.base.controls.Message;
import dev.prefwork.app.AppPaths;
import dev.prefwork.app.ui.FxTestSupport;
import dev.prefwork.app.ui.TestData;
import dev.prefwork.app.ui.Workbench;
import dev.prefwork.app.ui.prompts.PromptsViewModel;
import dev.prefwork.app.ui.prompts.PromptsViewModel.ViewState;
import dev.prefwork.app.ui.task.BackgroundTask;
import dev.prefwork.core.PromptFilter.GoldState;
import dev.prefwork.store.Workspace;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.controlsfx.control.StatusBar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The main flow, headless (Monocle): the window opens on a 60-prompt workspace, lists the prompts, and the
 * search, category and labelled filters, import, errors, the task list and navigation work through the UI.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkbenchUiTest extends FxTestSupport {

    @TempDir
    static Path tmp;

    private Workbench workbench;
    private Stage stage;

    @BeforeAll
    void startWorkbench() throws Exception {
        Workspace ws = TestData.workspace(tmp, 60);
        TestData.label(ws, "p-00000", "p-00002");
        ws.close();
        stage = FxToolkit.registerPrimaryStage();
        AppPaths paths = new AppPaths(tmp.resolve("home"));
        FxToolkit.setupFixture(() -> {
            workbench = new Workbench(paths, Workbench.Options.open(tmp.resolve("ws")));
            workbench.start(stage);
        });
        until(() -> vm().stateProperty().get() == ViewState.READY && workbench.workspaces().countsProperty().get() != null);
    }

    @AfterAll
    void stopWorkbench() throws Exception {
        FxToolkit.setupFixture(() -> {
            workbench.stop();
            stage.hide();
        });
    }

    @BeforeEach
    void backToAllPrompts() {
        interact(() -> {
            workbench.window().showStep(Workbench.PROMPTS);
            vm().clearFilters();
        });
        until(() -> vm().rows().size() == vm().totalProperty().get() && !vm().filteringProperty().get());
    }

    private PromptsViewModel vm() {
        return workbench.promptsViewModel();
    }

    @SuppressWarnings("unchecked")
    private TableView<?> table() {
        return lookup("#prompts-table").queryAs(TableView.class);
    }

    private String text(String query) {
        return fx(() -> lookup(query).queryLabeled().getText());
    }

    private boolean cellShows(String text) {
        return lookup((Node n) -> n instanceof TableCell<?, ?> c && text.equals(c.getText()) && n.isVisible()).tryQuery().isPresent();
    }

    @Test
    @Order(1)
    void windowOpensOnTheWorkspaceAndListsItsPrompts() {
        assertThat(fx(stage::getTitle)).isEqualTo("ws — Prefwork");
        assertThat(text("#workspace-switcher")).isEqualTo("ws");
        assertThat(fx(() -> table().getItems().size())).isEqualTo(60);
        assertThat(text("#prompt-count")).isEqualTo("60 prompts");
        StatusBar status = lookup("#status-bar").queryAs(StatusBar.class);
        assertThat(fx(status::getText)).isEqualTo("60 prompts  ·  120 candidates  ·  2 labelled");
        until(() -> cellShows("p-00000") && cellShows("Question 1 about a river: explain it."));
        assertThat(lookup(".labelled-mark").queryAll()).as("p-00000 and p-00002 are labelled").hasSize(2);
        assertThat(lookup(".step-nav .list-cell").queryAll().stream().filter(n -> ((Labeled) n).getGraphic() != null).count())
                .as("ten pipeline steps (Generate and Before / after among them)").isEqualTo(10);
    }

    @Test
    @Order(2)
    void searchNarrowsTheListAsYouType() {
        clickOn("#prompt-search").write("volcano");
        until(() -> table().getItems().size() == 6);
        assertThat(text("#prompt-count")).isEqualTo("6 of 60 prompts");
        until(() -> cellShows("p-00050"));
        assertThat(cellShows("p-00001")).isFalse();
        clickOn(".search-clear");
        until(() -> table().getItems().size() == 60);
        assertThat(fx(() -> lookup("#prompt-search").queryAs(TextField.class).getText())).isEmpty();
    }

    @Test
    @Order(3)
    void categoryFilterShowsOneCategory() {
        clickOn("#category-filter");
        clickOn("math (20)");
        until(() -> table().getItems().size() == 20);
        assertThat(text("#prompt-count")).isEqualTo("20 of 60 prompts");
        until(() -> cellShows("p-00002"));
        assertThat(cellShows("p-00000")).isFalse();
        @SuppressWarnings("unchecked")
        ComboBox<PromptsViewModel.CategoryChoice> combo = lookup("#category-filter").queryAs(ComboBox.class);
        assertThat(fx(() -> combo.getValue().category())).isEqualTo("math");
    }

    @Test
    @Order(4)
    void labelledFilterShowsLabelledOrUnlabelledPrompts() {
        clickOn("#gold-labelled");
        until(() -> table().getItems().size() == 2);
        assertThat(fx(() -> vm().goldProperty().get())).isEqualTo(GoldState.LABELLED);
        until(() -> cellShows("p-00000") && cellShows("p-00002"));
        clickOn("#gold-unlabelled");
        until(() -> table().getItems().size() == 58);
        clickOn("#gold-any");
        until(() -> table().getItems().size() == 60);
    }

    @Test
    @Order(5)
    void selectingShowsTheDetailAndDoubleClickOpensThePrompt() {
        until(() -> cellShows("p-00003"));
        clickOn("p-00003");
        until(() -> vm().detailProperty().get() != null);
        assertThat(text("#detail-heading")).isEqualTo("p-00003");
        assertThat(lookup("#detail-candidates").queryAs(TableView.class).getItems()).hasSize(2);
        long id = fx(() -> vm().detailProperty().get().prompt().id());
        // a double-click opens the prompt in Compare & label
        doubleClickOn("p-00003");
        until(() -> Workbench.COMPARE.equals(workbench.window().currentStep().id())
                && workbench.compareViewModel().currentProperty().get() != null
                && workbench.compareViewModel().currentProperty().get().id() == id);
        assertThat(fx(() -> workbench.mainViewModel().openedPromptProperty().get())).isEqualTo(id);
        assertThat(text("#prompt-id")).isEqualTo("p-00003");
    }

    @Test
    @Order(6)
    void ctrlFOnAStepWithoutSearchGoesToThePromptSearch() {
        clickOn("Runs");
        until(() -> Workbench.RUNS.equals(workbench.window().currentStep().id()));
        press(KeyCode.CONTROL, KeyCode.F).release(KeyCode.F, KeyCode.CONTROL);
        until(() -> lookup("#prompt-search").query().isFocused());
        assertThat(fx(() -> workbench.window().currentStep().id())).isEqualTo(Workbench.PROMPTS);
    }

    @Test
    @Order(7)
    void importAsABackgroundTaskUpdatesTheCounts() {
        Path file = TestData.writeJsonl(tmp.resolve("more.jsonl"), 5, "more-");
        interact(() -> workbench.importViewModel().importFile(file));
        until(() -> "65 prompts".equals(lookup("#prompt-count").queryLabeled().getText()));
        StatusBar status = lookup("#status-bar").queryAs(StatusBar.class);
        until(() -> status.getText().startsWith("65 prompts  ·  130 candidates"));
        assertThat(lookup(".toast").tryQuery()).isPresent();
        assertThat(fx(() -> lookup(".toast").queryAs(Message.class).getDescription()))
                .contains("Imported 5 prompts and 10 candidates from more.jsonl");
    }

    @Test
    @Order(8)
    void aFailingImportShowsTheErrorWithFileLineAndField() {
        Path bad = TestData.writeBadJsonl(tmp.resolve("bad.jsonl"));
        interact(() -> workbench.importViewModel().importFile(bad));
        until(() -> lookup(".error-dialog").tryQuery().isPresent());
        DialogPane pane = lookup(".error-dialog").queryAs(DialogPane.class);
        assertThat(fx(pane::getHeaderText)).isEqualTo("Import of bad.jsonl failed; nothing was imported");
        String message = fx(() -> ((Label) pane.lookup(".error-message")).getText());
        assertThat(message).startsWith(bad + ":2: field 'candidates'");
        interact(() -> {
            Window w = pane.getScene().getWindow();
            ((Stage) w).close();
        });
        assertThat(fx(() -> vm().totalProperty().get())).isEqualTo(65);
    }

    @Test
    @Order(9)
    void longTasksAppearInTheTaskListAndCanBeCancelled() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean cancelled = new AtomicBoolean();
        interact(() -> workbench.executor().execute(BackgroundTask.of("Counting sheep", p -> {
            started.countDown();
            for (long i = 0; ; i++) {
                p.update(i, 1_000_000_000L, i + " sheep");
                p.checkCancelled();
                Thread.sleep(5);
            }
        }).onCancelled(() -> cancelled.set(true))));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        until(() -> "Counting sheep".equals(lookup("#task-button").queryLabeled().getText()));
        clickOn("#task-button");
        until(() -> lookup(".task-cancel-button").tryQuery().isPresent());
        // the message carries the job's own text and, after a second, the ETA from its rate
        until(() -> lookup(".task-message").queryLabeled().getText().matches("\\d+ sheep · about .* left"));
        clickOn(".task-cancel-button");
        until(cancelled::get);
        until(() -> "No tasks running".equals(lookup("#task-button").queryLabeled().getText()));
        press(KeyCode.ESCAPE).release(KeyCode.ESCAPE);
        WaitForAsyncUtils.waitForFxEvents();
    }
}
