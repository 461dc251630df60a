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
            lookup("#cur-import-confirm").queryAll().forEach(n -> ((Stage) n.getScene().getWindow()).close());
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
        until(() -> lookup("#cur-import-confirm").tryQuery().isPresent());
        return lookup("#cur-import-confirm").queryAs(DialogPane.class);
    }

    /** A real colleague bundle of a small workspace, written by the CLI. */
    private Path bundle(String name) {
        Path from = tmp.resolve("bob-" + name);
        Path zip = tmp.resolve(name);
        try (var ws = dev.prefwork.store.Workspace.open(from)) {
            new dev.prefwork.store.importer.Importer(ws).importFile(TestData.writeJsonl(tmp.resolve("bob-" + name + ".jsonl"), 4, "bob-"),
                    dev.prefwork.store.importer.Importer.Options.DETECT, dev.prefwork.core.Progress.NONE);
        }
        java.io.StringWriter err = new java.io.StringWriter();
        int rc = dev.prefwork.app.cli.PrefworkCli.run(new String[]{"bundle", "export", from.toString(), "--out", zip.toString()},
                new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err));
        assertThat(rc).as(err.toString()).isZero();
        return zip;
    }

    @Test
    void aBundleWithAWorkspaceOpensThatWorkspaceThenOffersTheBundle() throws Exception {
        TestData.workspace(tmp, 3).close();
        Path bundle = bundle("from-bob.prefwork.zip");
        start(bundle.toString(), tmp.resolve("ws").toString());

        DialogPane dialog = importDialog();
        assertThat(fx(() -> workbench.workspaces().stateProperty().get())).isEqualTo(WorkspaceService.State.OPEN);
        assertThat(fx(() -> workbench.workspaces().workspace().dir())).isEqualTo(tmp.resolve("ws").toAbsolutePath().normalize());
        assertThat(fx(dialog::getHeaderText)).contains("from-bob.prefwork.zip");
        assertThat(fx(() -> workbench.window().currentStep().id())).isEqualTo(Workbench.CURATE);
    }

    @Test
    void aBundleAloneOpensTheDemoWorkspaceOnFirstStartThenOffersTheBundle() throws Exception {
        start(bundle("team.prefwork.zip").toUri().toString());

        DialogPane dialog = importDialog();
        assertThat(fx(() -> workbench.workspaces().workspace().dir()))
                .isEqualTo(tmp.resolve("home").resolve("workspaces").resolve("demo").toAbsolutePath().normalize());
        assertThat(fx(dialog::getHeaderText)).contains("team.prefwork.zip");
    }

    @Test
    void withoutABundleNothingIsOffered() throws Exception {
        TestData.workspace(tmp, 3).close();
        start(tmp.resolve("ws").toString());

        until(() -> workbench.workspaces().stateProperty().get() == WorkspaceService.State.OPEN);
        assertThat(lookup("#cur-import-confirm").tryQuery()).isEmpty();
    }
}
