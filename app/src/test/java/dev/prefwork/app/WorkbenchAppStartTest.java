package dev.prefwork.app;

import dev.prefwork.app.ui.FxTestSupport;
import dev.prefwork.app.ui.TestData;
import dev.prefwork.app.ui.Workbench;
import dev.prefwork.app.ui.workspace.WorkspaceService;
import javafx.scene.control.DialogPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The workbench started as the desktop starts it (headless): a bundle argument opens the workspace that was
 * asked for, or else the demo workspace, and then (not before) offers that bundle for import.
 */
class WorkbenchAppStartTest extends FxTestSupport {

    @TempDir
    Path tmp;

    private Stage stage;
    private Workbench workbench;

    @AfterEach
    void stop() throws Exception {
        FxToolkit.setupFixture(() -> {
            lookup("#import-bundle-dialog").queryAll().forEach(n -> ((Stage) n.getScene().getWindow()).close());
            if (workbench != null) workbench.stop();
            stage.hide();
        });
    }

    private void start(String... args) throws Exception {
        stage = FxToolkit.registerPrimaryStage();
        AppPaths paths = new AppPaths(tmp.resolve("home"));
        FxToolkit.setupFixture(() -> workbench = WorkbenchApp.startWorkbench(stage, paths,
                StartArguments.parse(List.of(args)), false, null));
    }

    private DialogPane importDialog() {
        until(() -> lookup("#import-bundle-dialog").tryQuery().isPresent());
        return lookup("#import-bundle-dialog").queryAs(DialogPane.class);
    }

    @Test
    void aBundleWithAWorkspaceOpensThatWorkspaceThenOffersTheBundle() throws Exception {
        TestData.workspace(tmp, 3).close();
        Path bundle = tmp.resolve("from-bob.prefwork.zip");
        start(bundle.toString(), tmp.resolve("ws").toString());

        DialogPane dialog = importDialog();
        assertThat(fx(() -> workbench.workspaces().stateProperty().get())).isEqualTo(WorkspaceService.State.OPEN);
        assertThat(fx(() -> workbench.workspaces().workspace().dir())).isEqualTo(tmp.resolve("ws").toAbsolutePath().normalize());
        assertThat(fx(dialog::getHeaderText)).contains("from-bob.prefwork.zip");
        assertThat(fx(dialog::getContentText)).isEqualTo("Into the workspace ws.");
    }

    @Test
    void aBundleAloneOpensTheDemoWorkspaceOnFirstStartThenOffersTheBundle() throws Exception {
        start(tmp.resolve("team.prefwork.zip").toUri().toString());

        DialogPane dialog = importDialog();
        assertThat(fx(() -> workbench.workspaces().workspace().dir()))
                .isEqualTo(tmp.resolve("home").resolve("workspaces").resolve("demo").toAbsolutePath().normalize());
        assertThat(fx(dialog::getHeaderText)).contains("team.prefwork.zip");
        assertThat(fx(dialog::getContentText)).isEqualTo("Into the workspace demo.");
    }

    @Test
    void withoutABundleNothingIsOffered() throws Exception {
        TestData.workspace(tmp, 3).close();
        start(tmp.resolve("ws").toString());

        until(() -> workbench.workspaces().stateProperty().get() == WorkspaceService.State.OPEN);
        assertThat(lookup("#import-bundle-dialog").tryQuery()).isEmpty();
    }
}
