package dev.prefwork.app.reliability;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.ui.FxTestSupport;
import dev.prefwork.app.ui.TestData;
import dev.prefwork.app.ui.Workbench;
import dev.prefwork.app.ui.prompts.PromptsViewModel.ViewState;
import dev.prefwork.store.Workspace;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two processes and one workspace, and a long job beside the expert, in the real workbench (headless): opening a
 * workspace another Prefwork process holds shows "already open in another window" — a plain message, no stack
 * trace — and leaves the file as it was; while a long import runs, searching the prompts and moving between
 * steps keep working, the import can be cancelled, and nothing of it is written. The longest time the JavaFX
 * thread was kept busy meanwhile is printed (and written to target/reliability/ui-responsiveness.txt), not asserted.
 * After all that, the process listens on no socket (no H2 server, no console, nothing).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkbenchReliabilityUiTest extends FxTestSupport {

    @TempDir
    static Path tmp;

    private Workbench workbench;
    private Stage stage;
    private List<String> listeningBefore = List.of();

    @BeforeAll
    void startWorkbench() throws Exception {
        if (ListeningSockets.supported()) listeningBefore = ListeningSockets.ofThisProcess();
        TestData.workspace(tmp, 60).close();
        stage = FxToolkit.registerPrimaryStage();
        AppPaths paths = new AppPaths(tmp.resolve("home"));
        FxToolkit.setupFixture(() -> {
            workbench = new Workbench(paths, Workbench.Options.open(tmp.resolve("ws")));
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

    @Test
    @Order(1)
    void aWorkspaceOpenInAnotherProcessIsRefusedWithAPlainMessage() throws Exception {
        Path other = tmp.resolve("other");
        try (Workspace ws = Workspace.open(other)) {
            TestData.label(ws); // an empty workspace is enough; it must come back unchanged
        }
        long sizeBefore = Files.size(other.resolve("workspace.mv.db"));
        Process holder = HoldWorkspaceChild.hold(other);
        try {
            interact(() -> workbench.workspaces().openExisting(other));
            until(() -> lookup(".error-dialog").tryQuery().isPresent());
            DialogPane pane = lookup(".error-dialog").queryAs(DialogPane.class);
            assertThat(fx(pane::getHeaderText)).isEqualTo("Could not open " + other.toAbsolutePath().normalize());
            assertThat(fx(() -> ((Label) pane.lookup(".error-message")).getText())).isEqualTo("the workspace "
                    + other.toAbsolutePath().normalize() + " is already open in another Prefwork window or process; close it there first");
            assertThat(fx(pane::getExpandableContent)).as("no stack trace for an expected problem").isNull();
            interact(() -> ((Stage) pane.getScene().getWindow()).close());
            assertThat(fx(() -> workbench.workspaces().workspace().dir())).as("the workbench stays on its workspace")
                    .isEqualTo(tmp.resolve("ws").toAbsolutePath().normalize());
        } finally {
            holder.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(Files.size(other.resolve("workspace.mv.db"))).as("the held workspace's file").isEqualTo(sizeBefore);
        try (Workspace ws = Workspace.open(other)) {
            assertThat(ws.datasets().list()).isEmpty();
        }
    }

    @Test
    @Order(2)
    void theUiKeepsWorkingWhileALongImportRunsAndTheImportCanBeCancelled() throws Exception {
        Path big = TestData.writeJsonl(tmp.resolve("big.jsonl"), 120_000, "big-");
        try (FxBlockProbe probe = new FxBlockProbe()) {
            interact(() -> workbench.importViewModel().importFile(big));
            until(() -> workbench.importViewModel().runningProperty().get());
            long t0 = System.nanoTime();
            // the expert searches the prompts, opens the LF studio and comes back while the import runs
            clickOn("#prompt-search").write("volcano");
            until(() -> lookup("#prompts-table").queryAs(TableView.class).getItems().size() == 6);
            clickOn("LF studio");
            until(() -> lookup("#lf-studio").tryQuery().isPresent());
            clickOn("Prompts");
            clickOn(".search-clear");
            until(() -> lookup("#prompts-table").queryAs(TableView.class).getItems().size() == 60);
            long interactMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(fx(() -> workbench.importViewModel().runningProperty().get()))
                    .as("the import was still running while the expert worked (it took longer than %d ms)", interactMillis).isTrue();
            interact(() -> workbench.importViewModel().cancel());
            until(() -> !workbench.importViewModel().runningProperty().get());
            String report = String.format(Locale.ROOT, "While importing 240,000 candidates: search, a step change and back took %d ms;"
                            + " the JavaFX thread was kept busy at most %d ms (%d probes), the longest gap between pulses %d ms.%n",
                    interactMillis, probe.maxWaitMillis(), probe.probes(), probe.maxPulseGapMillis());
            System.out.print(report);
            System.out.println("The JavaFX thread at its latest: " + probe.whileLate());
            Path out = Files.createDirectories(Path.of("target", "reliability"));
            Files.writeString(out.resolve("ui-responsiveness.txt"), report);
        }
        assertThat(fx(() -> workbench.promptsViewModel().totalProperty().get())).as("nothing of the cancelled import").isEqualTo(60);
        try (var c = workbench.workspaces().workspace().connection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT COUNT(*) FROM prompt")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(60);
        }
    }

    @Test
    @Order(3)
    void theWorkbenchListensOnNoSocket() throws Exception {
        assumeTrue(ListeningSockets.supported(), "skipped: no /proc/self/fd and /proc/net here (not Linux)");
        // the workbench has opened workspaces, imported, searched and run the LF studio in this process by now
        interact(() -> workbench.window().showStep(Workbench.LABEL_MODEL));
        interact(() -> workbench.window().showStep(Workbench.COMPARE));
        List<String> now = ListeningSockets.ofThisProcess();
        System.out.println("Listening sockets of the test JVM before the workbench: " + listeningBefore + "; after: " + now);
        assertThat(now).as("sockets the workbench listens on").isSubsetOf(listeningBefore);
    }
}
