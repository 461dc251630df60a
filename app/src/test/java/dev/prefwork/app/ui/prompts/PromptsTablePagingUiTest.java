package dev.prefwork.app.ui.prompts;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.ui.FxTestSupport;
import dev.prefwork.app.ui.TestData;
import dev.prefwork.app.ui.Workbench;
import dev.prefwork.app.ui.common.LazyRow;
import dev.prefwork.app.ui.common.PagedList;
import dev.prefwork.app.ui.prompts.PromptsViewModel.ViewState;
import dev.prefwork.core.PromptSummary;
import dev.prefwork.store.Workspace;
import javafx.scene.Node;
import javafx.scene.control.TableCell;
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

/** A 20,000-prompt workspace in the real window: the table pages rows in as they are shown, never all of them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PromptsTablePagingUiTest extends FxTestSupport {

    static final int PROMPTS = 20_000;

    @TempDir
    static Path tmp;

    private Workbench workbench;
    private Stage stage;

    @BeforeAll
    void startWorkbench() throws Exception {
        Workspace ws = TestData.bulkWorkspace(tmp, PROMPTS);
        ws.close();
        stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupFixture(() -> {
            workbench = new Workbench(new AppPaths(tmp.resolve("home")), Workbench.Options.open(tmp.resolve("ws")));
            workbench.start(stage);
        });
        until(() -> workbench.promptsViewModel().stateProperty().get() == ViewState.READY);
    }

    @AfterAll
    void stopWorkbench() throws Exception {
        FxToolkit.setupFixture(() -> {
            workbench.stop();
            stage.hide();
        });
    }

    private boolean cellShows(String text) {
        return lookup((Node n) -> n instanceof TableCell<?, ?> c && text.equals(c.getText()) && n.isVisible()).tryQuery().isPresent();
    }

    @Test
    void loadsOnlyThePagesOnScreen() {
        PagedList<PromptSummary> rows = fx(() -> workbench.promptsViewModel().rows());
        TableView<?> table = lookup("#prompts-table").queryAs(TableView.class);
        assertThat(fx(() -> table.getItems().size())).isEqualTo(PROMPTS);
        assertThat(fx(() -> lookup("#prompt-count").queryLabeled().getText())).isEqualTo("20,000 prompts");

        until(() -> cellShows("p-00000") && cellShows("p-00005"));
        long atTop = fx(rows::rowsFetched);
        assertThat(atTop).as("summaries fetched for the first screen").isPositive()
                .isLessThanOrEqualTo(2L * PromptsViewModel.PAGE_SIZE);

        interact(() -> table.scrollTo(12_345));
        until(() -> cellShows("p-12345"));
        LazyRow<PromptSummary> row = fx(() -> rows.get(12_345));
        assertThat(row.isLoaded()).isTrue();
        assertThat(row.value().text()).isEqualTo("Question 12345 about a river: explain it.");

        interact(() -> table.scrollTo(PROMPTS - 1));
        until(() -> cellShows("p-19999"));
        long fetched = fx(rows::rowsFetched);
        assertThat(fetched).as("summaries fetched after visiting three places in 20,000 rows")
                .isLessThanOrEqualTo(6L * PromptsViewModel.PAGE_SIZE);
        assertThat(fx(rows::cachedPages)).isLessThanOrEqualTo(PromptsViewModel.MAX_CACHED_PAGES);
    }

    @Test
    void selectingAPlaceholderRowShowsItsDetailOnceLoaded() {
        TableView<?> table = lookup("#prompts-table").queryAs(TableView.class);
        interact(() -> {
            table.scrollTo(7_000);
            table.getSelectionModel().select(7_000);
        });
        until(() -> workbench.promptsViewModel().detailProperty().get() != null);
        assertThat(fx(() -> workbench.promptsViewModel().detailProperty().get().prompt().sourceId())).isEqualTo("p-07000");
    }
}
