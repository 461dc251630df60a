package dev.prefwork.app.ui.lfstudio;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.ui.FxTestSupport;
import dev.prefwork.app.ui.TestData;
import dev.prefwork.app.ui.Workbench;
import dev.prefwork.app.ui.lfstudio.LfStudioViewModel.ViewState;
import dev.prefwork.labeling.lf.LfSpec;
import dev.prefwork.store.Workspace;
import dev.prefwork.testkit.OpenAiTestServer;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ListView;
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

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The expert adds a comparative LF and a model-judge LF without code: opens the form from the LF studio, picks the
 * kind and a template, previews, estimates and applies to the workspace (the judge against a loopback server).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PairJudgeLfUiTest extends FxTestSupport {

    @TempDir
    static Path tmp;

    private Workbench workbench;
    private Stage stage;
    private OpenAiTestServer server;

    @BeforeAll
    void start() throws Exception {
        server = OpenAiTestServer.start("judge-1");
        // the judge says yes to the long answers only (and once, for prompt 7's long answer, answers nonsense)
        server.answerWith(r -> r.prompt().contains("number 7 ") ? "Hmm, hard to say." : r.prompt().contains("longer answer") ? "Yes" : "No");
        Workspace ws = TestData.workspace(tmp, 60);
        ws.close();
        stage = FxToolkit.registerPrimaryStage();
        AppPaths paths = new AppPaths(tmp.resolve("home"));
        FxToolkit.setupFixture(() -> {
            workbench = new Workbench(paths, Workbench.Options.open(tmp.resolve("ws")));
            workbench.start(stage);
        });
        until(() -> workbench.workspaces().workspace() != null);
        interact(() -> workbench.window().showStep(Workbench.LF_STUDIO));
        until(() -> vm().stateProperty().get() == ViewState.READY);
        clickOn("#new-pair-judge-lf");
        until(() -> lookup("#pj-name").tryQuery().isPresent());
    }

    @AfterAll
    void stop() throws Exception {
        FxToolkit.setupFixture(() -> {
            workbench.stop();
            stage.hide();
        });
        server.close();
    }

    private LfStudioViewModel vm() {
        return workbench.lfStudioViewModel();
    }

    private PairJudgeLfViewModel form() {
        return vm().pairJudge();
    }

    private String status() {
        return fx(() -> lookup("#pj-status").queryLabeled().getText());
    }

    @Test
    @Order(1)
    void aComparativeLfFromTheTemplatePicker() {
        clickOn("#pj-name").write("Prefers the longer answer");
        @SuppressWarnings("unchecked")
        ChoiceBox<ConditionNode.Template> type = lookup("#pj-template-type").queryAs(ChoiceBox.class);
        interact(() -> type.setValue(ConditionNode.template("keywords")));
        until(() -> lookup("#pj-when-terms").tryQuery().isPresent());
        clickOn("#pj-when-terms").write("longer");
        clickOn("#pj-preview");
        until(() -> status().contains("pairs ("));
        assertThat(status()).startsWith("60 pairs (100.0 % of all pairs)");
        assertThat(fx(() -> form().previewLines().get(0))).startsWith("prefers “A much longer answer");

        clickOn("#pj-apply");
        until(() -> !fx(() -> form().busyProperty().get()) && status().contains("60 pairs"));
        LfSpec saved = fx(() -> form()).spec(new java.util.ArrayList<>());
        assertThat(saved.kind()).isEqualTo(LfSpec.Kind.COMPARATIVE);
        until(() -> workbench.workspaces().workspace().labelingFunctions().list().size() == 1);
    }

    @Test
    @Order(2)
    void aModelJudgeLfPreviewedEstimatedAndApplied() {
        @SuppressWarnings("unchecked")
        ChoiceBox<PairJudgeLfViewModel.Mode> mode = lookup("#pj-mode").queryAs(ChoiceBox.class);
        interact(() -> mode.setValue(PairJudgeLfViewModel.Mode.JUDGE));
        until(() -> lookup("#pj-url").query().isVisible());
        doubleClickOn("#pj-name").eraseText(40);
        interact(() -> form().nameProperty().set(""));
        clickOn("#pj-name").write("Judge: correct");
        interact(() -> form().baseUrlProperty().set(server.baseUrl()));
        clickOn("#pj-model").write("judge-1");
        // the template editor: the default question holds {prompt} and {response}; an insert button adds one more
        String before = fx(() -> form().templateProperty().get());
        assertThat(before).contains("{prompt}").contains("{response}");
        clickOn("#pj-insert-response");
        assertThat(fx(() -> form().templateProperty().get())).hasSize(before.length() + "{response}".length());
        interact(() -> form().templateProperty().set(before));

        clickOn("#pj-estimate");
        until(() -> fx(() -> lookup("#pj-estimate-text").queryLabeled().getText()).contains("questions"));
        assertThat(fx(() -> lookup("#pj-estimate-text").queryLabeled().getText())).startsWith("120 of 120 questions to ask");
        assertThat(server.completionRequests()).isEmpty();

        clickOn("#pj-preview");
        until(() -> status().startsWith("20 questions"));
        assertThat(status()).startsWith("20 questions: 20 asked, 0 answered before");
        assertThat(server.completionRequests()).hasSize(20);
        ListView<?> list = lookup("#pj-preview-list").queryAs(ListView.class);
        assertThat(fx(() -> list.getItems().size())).isEqualTo(20);
        assertThat(fx(() -> form().previewLines().stream().filter(l -> l.endsWith("GOOD")).count())).as(fx(() -> String.join("\n", form().previewLines()))).isPositive();
        assertThat(fx(() -> lookup("#pj-estimate-text").queryLabeled().getText())).startsWith("100 of 120 questions to ask (20 answered before)");

        clickOn("#pj-apply");
        until(() -> !fx(() -> form().busyProperty().get()) && status().contains("questions"));
        assertThat(status()).startsWith("120 questions: 100 asked, 20 answered before, 1 unreadable, 0 failed");
        assertThat(server.completionRequests()).hasSize(120);
        until(() -> vm().rows().stream().anyMatch(r -> r.lf().name().equals("Judge: correct") && r.stats().hits() == 59));
    }
}
