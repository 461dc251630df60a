package dev.prefwork.app.ui.generate;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.ui.FxTestSupport;
import dev.prefwork.app.ui.Workbench;
import dev.prefwork.store.Workspace;
import dev.prefwork.testkit.OpenAiTestServer;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
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
 * The Generate step headless (Monocle) against a loopback OpenAI-compatible server: test the connection (the model
 * name comes from the server), start a job, cancel it halfway, resume it from the banner, and see every new prompt
 * with its candidates once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GenerateUiTest extends FxTestSupport {

    @TempDir
    static Path tmp;

    private OpenAiTestServer server;
    private Workbench workbench;
    private Stage stage;

    @BeforeAll
    void start() throws Exception {
        GenerateViewModelTest.fill(tmp.resolve("ws"));
        server = OpenAiTestServer.start("served-model").latency(100);
        stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupFixture(() -> {
            workbench = new Workbench(new AppPaths(tmp.resolve("home")), Workbench.Options.open(tmp.resolve("ws")));
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
        server.close();
    }

    private GenerateViewModel vm() {
        return workbench.generateViewModel();
    }

    private String text(String id) {
        return fx(() -> lookup(id).queryAs(Label.class).getText());
    }

    @Test
    void testTheServerThenGenerateCancelAndResume() {
        interact(() -> workbench.window().showStep(Workbench.GENERATE));
        until(() -> lookup("#gen-start").tryQuery().isPresent());
        until(() -> vm().selectedCountProperty().get() == 4);
        interact(() -> {
            lookup("#gen-base-url").queryAs(TextField.class).setText(server.baseUrl());
            lookup("#gen-concurrency").queryAs(Spinner.class).getValueFactory().setValue(1);
            lookup("#gen-n").queryAs(Spinner.class).getValueFactory().setValue(3);
        });
        assertThat(fx(() -> lookup("#gen-start").queryAs(Button.class).getText())).isEqualTo("Generate 12 candidates for 4 prompts");
        assertThat(text("#gen-count")).isEqualTo("4 prompts selected");

        clickOn("#gen-test");
        until(() -> !vm().testingProperty().get() && !vm().testStatusProperty().get().isEmpty());
        assertThat(text("#gen-test-status")).startsWith("Reply in").contains("served-model");
        assertThat(fx(() -> lookup("#gen-model").queryAs(TextField.class).getText())).isEqualTo("served-model");
        assertThat(fx(() -> lookup("#gen-test-reply").query().isVisible())).isTrue();

        // start, and cancel while the second prompt's request hangs (the first is written by then)
        server.when(r -> r.prompt().equals("New two?"), OpenAiTestServer.Fault.delay(30_000));
        clickOn("#gen-start");
        until(() -> vm().runningProperty().get());
        until(() -> fx(() -> lookup("#gen-recent").queryAs(ListView.class).getItems().size()) >= 1);
        assertThat(fx(() -> lookup("#gen-progress-text").query().isVisible())).isTrue();
        clickOn("#gen-cancel");
        until(() -> !vm().runningProperty().get());
        assertThat(text("#gen-message")).contains("Stopped");
        until(() -> lookup("#gen-resume-banner").query().isVisible());
        assertThat(text("#gen-resume-text")).startsWith("Job #1 (served-model) was stopped with").endsWith("of 4 prompts left.");
        assertThat(text("#gen-resume-text")).contains("with 3 of 4 prompts left");
        assertThat(fx(() -> workbench.workspaces().workspace().candidates().count())).as("the first prompt's three only").isEqualTo(4 + 3);

        server.clearRules();
        clickOn("#gen-resume");
        until(() -> vm().runningProperty().get() || vm().jobMessageProperty().get().endsWith("Done."));
        until(() -> !vm().runningProperty().get());
        assertThat(text("#gen-message")).as(text("#gen-message")).startsWith("Job #1: 4 of 4 prompts").endsWith("Done.");
        assertThat(fx(() -> lookup("#gen-resume-banner").query().isVisible())).isFalse();
        TableView<?> jobs = lookup("#gen-jobs").queryAs(TableView.class);
        until(() -> jobs.getItems().size() == 1 && ((GenerateViewModel.JobRow) jobs.getItems().get(0)).state().equals("complete"));
        assertThat(fx(() -> workbench.workspaces().workspace().candidates().count())).isEqualTo(4 + 12);
        Workspace ws = workbench.workspaces().workspace();
        for (String id : new String[]{"new-1", "new-2", "new-3", "new-4"}) {
            assertThat(ws.candidates().forPrompt(ws.prompts().bySourceId(id).orElseThrow().id())).as(id).hasSize(3);
        }
        assertThat(fx(() -> lookup("#gen-start").query().isDisabled())).as("nothing left to generate").isTrue();
        assertThat(fx(() -> lookup((Node n) -> n instanceof Label l && "0 prompts selected".equals(l.getText())).tryQuery().isPresent())).isTrue();
    }
}
