package dev.prefwork.app.ui.lfstudio;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.ui.FxTestSupport;
import dev.prefwork.app.ui.TestData;
import dev.prefwork.app.ui.Workbench;
import dev.prefwork.app.ui.lfstudio.LfStudioViewModel.LfRow;
import dev.prefwork.app.ui.lfstudio.LfStudioViewModel.ViewState;
import dev.prefwork.store.Workspace;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The LF studio headless: an expert builds a keyword LF with the keyboard and mouse, watches the preview's
 * coverage move while typing, saves it, finds it in the list with its stats, applies all, and sees a bad regex
 * reported beside the field.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LfStudioUiTest extends FxTestSupport {

    @TempDir
    static Path tmp;

    private Workbench workbench;
    private Stage stage;

    @BeforeAll
    void start() throws Exception {
        Workspace ws = TestData.workspace(tmp, 60);
        TestData.label(ws, "p-00000", "p-00002");
        ws.close();
        stage = FxToolkit.registerPrimaryStage();
        AppPaths paths = new AppPaths(tmp.resolve("home"));
        FxToolkit.setupFixture(() -> {
            workbench = new Workbench(paths, Workbench.Options.open(tmp.resolve("ws")));
            workbench.start(stage);
        });
        // the studio loads its library when it is first shown, not when the workspace opens
        until(() -> workbench.workspaces().workspace() != null);
        assertThat(fx(() -> vm().rows().isEmpty())).isTrue();
        interact(() -> workbench.window().showStep(Workbench.LF_STUDIO));
        until(() -> vm().stateProperty().get() == ViewState.READY);
        until(() -> lookup("#lf-name").tryQuery().isPresent());
    }

    @AfterAll
    void stop() throws Exception {
        FxToolkit.setupFixture(() -> {
            workbench.stop();
            stage.hide();
        });
    }

    private LfStudioViewModel vm() {
        return workbench.lfStudioViewModel();
    }

    private String text(String query) {
        return fx(() -> lookup(query).queryLabeled().getText());
    }

    private boolean cellShows(String text) {
        return lookup((Node n) -> n instanceof TableCell<?, ?> c && text.equals(c.getText()) && n.isVisible()).tryQuery().isPresent();
    }

    private boolean errorShown(String contains) {
        return lookup(".field-error").queryAll().stream()
                .anyMatch(n -> n.isVisible() && ((Label) n).getText().contains(contains));
    }

    @Test
    @Order(1)
    void buildAKeywordLfWatchTheStatsSaveAndApply() {
        interact(() -> vm().newLf());
        until(() -> "–".equals(text("#preview-coverage")) && lookup("#when-terms").tryQuery().isPresent());
        assertThat(errorShown("give the LF a name")).as("an untouched draft shows no errors").isFalse();

        clickOn("#when-terms").write("Short answer");
        until(() -> "50.0 %".equals(text("#preview-coverage")));
        assertThat(text("#preview-gold")).isEqualTo("2 / 0");
        assertThat(fx(() -> lookup("#preview-hits").queryListView().getItems().size())).isPositive();
        assertThat(lookup(".span-hit").queryAll()).as("the matched span is highlighted").isNotEmpty();
        assertThat(errorShown("give the LF a name")).isTrue();

        // a second keyword on its own line widens the coverage while typing
        clickOn("#when-terms").write("\nlonger answer");
        until(() -> "100.0 %".equals(text("#preview-coverage")));
        clickOn("#when-terms").eraseText("\nlonger answer".length());
        until(() -> "50.0 %".equals(text("#preview-coverage")));

        clickOn("#vote-good");
        until(() -> "100.0 %".equals(text("#preview-accuracy")));
        clickOn("#lf-name").write("Short answers are good");
        until(() -> !errorShown("give the LF a name"));

        clickOn("#save-lf");
        until(() -> vm().rows().size() == 1 && !vm().dirtyProperty().get());
        LfRow row = vm().rows().get(0);
        assertThat(row.lf().name()).isEqualTo("Short answers are good");
        assertThat(row.lf().version()).isEqualTo(1);
        until(() -> cellShows("Short answers are good") && cellShows("50 %") && cellShows("100 %"));
        assertThat(fx(() -> lookup("#lf-table").queryAs(TableView.class).getItems().size())).isEqualTo(1);
        until(() -> text("#lf-history").startsWith("History: v1"));
        assertThat(text("#lf-summary")).contains("1 LFs, 1 enabled").contains("label coverage 50.0 %");

        // a new version from the builder
        clickOn("#lf-name").write("!");
        clickOn("#save-lf");
        until(() -> vm().rows().size() == 1 && vm().rows().get(0).lf().version() == 2);
        until(() -> text("#lf-history").contains("v2"));

        clickOn("#apply-all");
        until(() -> !vm().applyingProperty().get() && vm().rows().get(0).stats() != null);
        assertThat(vm().rows().get(0).coverage()).isEqualTo(0.5);
    }

    @Test
    @Order(2)
    void aBadRegexIsReportedBesideTheField() {
        interact(() -> vm().newLf());
        until(() -> lookup("#when-type").tryQuery().isPresent());
        clickOn("#when-type");
        clickOn("Matches a pattern (regex)");
        until(() -> lookup("#when-pattern").tryQuery().isPresent());
        clickOn("#when-pattern").write("(Short");
        until(() -> errorShown("not a valid regular expression"));
        assertThat(text("#preview-coverage")).isEqualTo("–");
        write(")");
        until(() -> !errorShown("not a valid regular expression") && "50.0 %".equals(text("#preview-coverage")));
    }
}
