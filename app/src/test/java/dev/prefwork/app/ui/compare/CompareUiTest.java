package dev.prefwork.app.ui.compare;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.DemoWorkspace;
import dev.prefwork.app.ui.FxTestSupport;
import dev.prefwork.app.ui.Workbench;
import dev.prefwork.app.ui.compare.CompareViewModel.ViewState;
import dev.prefwork.app.ui.markdown.MarkdownPane;
import dev.prefwork.core.Candidate;
import dev.prefwork.core.LabelQueue;
import dev.prefwork.core.Progress;
import dev.prefwork.core.Verdict;
import dev.prefwork.store.GoldRepository.PromptJudgments;
import dev.prefwork.store.SessionRepository.LabelingSession;
import dev.prefwork.store.Workspace;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Compare & label step in the real window, headless (Monocle), driven by the keyboard alone: label five prompts,
 * undo, close the workbench, find every label in H2, reopen and land where the expert left off.
 */
class CompareUiTest extends FxTestSupport {

    @TempDir
    Path tmp;

    private Workbench workbench;
    private Stage stage;

    private void start(Path ws) throws Exception {
        stage = FxToolkit.registerPrimaryStage();
        AppPaths paths = new AppPaths(tmp.resolve("home"));
        FxToolkit.setupFixture(() -> {
            workbench = new Workbench(paths, Workbench.Options.open(ws).withStartStep(Workbench.COMPARE));
            workbench.start(stage);
            stage.setWidth(1366);
            stage.setHeight(768);
        });
        until(() -> vm().stateProperty().get() == ViewState.READY && view().columns().isFocused());
    }

    private void stop() throws Exception {
        if (workbench == null) return;
        FxToolkit.setupFixture(() -> {
            workbench.stop();
            stage.hide();
        });
        workbench = null;
    }

    @AfterEach
    void tearDown() throws Exception {
        stop();
    }

    private CompareViewModel vm() {
        return workbench.compareViewModel();
    }

    private CompareView view() {
        return (CompareView) workbench.window().view(Workbench.COMPARE);
    }

    private Path demo() {
        Path ws = tmp.resolve("demo");
        DemoWorkspace.openOrCreate(ws, Progress.NONE).close();
        return ws;
    }

    private String shownId() {
        return fx(() -> vm().currentProperty().get().prompt().sourceId());
    }

    private void key(KeyCode code) {
        type(code);
    }

    private void shift(KeyCode code) {
        press(KeyCode.SHIFT).type(code).release(KeyCode.SHIFT);
    }

    private static KeyCode digit(int n) {
        return KeyCode.valueOf("DIGIT" + n);
    }

    private void saved() {
        until(() -> vm().saveStateProperty().get() == CompareViewModel.SaveState.SAVED);
    }

    @Test
    void dragAcrossAPhraseThenLMakesAnLfFromIt() throws Exception {
        start(demo());
        CandidateCard card = fx(() -> view().cards().get(1));
        javafx.scene.text.TextFlow flow = fx(() -> (javafx.scene.text.TextFlow) card.body().lookup(".md-paragraph"));
        javafx.geometry.Bounds b = fx(() -> flow.localToScreen(flow.getLayoutBounds()));
        // from the start of the paragraph's first line, 120 px to the right
        drag(new javafx.geometry.Point2D(b.getMinX() + 2, b.getMinY() + 6), javafx.scene.input.MouseButton.PRIMARY)
                .dropTo(new javafx.geometry.Point2D(b.getMinX() + 122, b.getMinY() + 6));
        String selected = fx(() -> card.selection().selected());
        assertThat(selected).isNotBlank();
        String paragraph = fx(() -> flow.getChildren().stream().filter(n -> n instanceof javafx.scene.text.Text)
                .map(n -> ((javafx.scene.text.Text) n).getText()).reduce("", String::concat));
        assertThat(paragraph).startsWith(selected);
        // the drag ended mid-word: the selection snapped to the whole word
        assertThat(paragraph.length() == selected.length() || !Character.isLetterOrDigit(paragraph.charAt(selected.length()))).isTrue();
        assertThat(fx(() -> flow.lookup(".md-selection"))).isNotNull();

        type(KeyCode.L);
        until(() -> workbench.window().currentStep().id().equals(Workbench.LF_STUDIO));
        assertThat(fx(() -> workbench.lfStudioViewModel().nameProperty().get())).startsWith("mentions \"")
                .contains(selected.length() > 37 ? selected.substring(0, 20) : selected);

        // another prompt clears the selection
        interact(() -> workbench.window().showStep(Workbench.COMPARE));
        key(KeyCode.J);
        until(() -> card.selection().selected().isEmpty());
    }

    @Test
    void buttonsGetTheirTooltipWhenThePointerFirstReachesThem() throws Exception {
        start(demo());
        javafx.scene.Node best = fx(() -> lookup("#candidate-2 .card-best").query());
        assertThat(fx(() -> best.getProperties().get(CandidateCard.TIP_KEY))).isNull(); // none built per prompt
        moveTo(best);
        until(() -> best.getProperties().get(CandidateCard.TIP_KEY) != null);
        assertThat(fx(() -> ((javafx.scene.control.Tooltip) best.getProperties().get(CandidateCard.TIP_KEY)).getText()))
                .isEqualTo("The best response of the prompt (2)");
    }

    @Test
    void labelFivePromptsByKeyboardUndoCloseAndResume() throws Exception {
        Path ws = demo();
        start(ws);
        assertThat(fx(() -> lookup("#prompt-id").queryAs(Label.class).getText())).isEqualTo("demo-policy-02");
        assertThat(fx(() -> view().columns().getChildren().size())).isEqualTo(5);

        List<String> labelled = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = shownId();
            labelled.add(id);
            key(digit(i % 5 + 1));                 // best
            shift(digit((i + 2) % 5 + 1));         // worst
            key(KeyCode.TAB);                      // focus candidate 2
            key(KeyCode.G);                        // GOOD
            key(KeyCode.TAB);                      // candidate 3
            key(KeyCode.B);                        // BAD
            key(KeyCode.R);
            key(KeyCode.DIGIT4);                   // rated 4
            key(KeyCode.P);
            key(KeyCode.DIGIT1);                   // 3 is better than 1
            if (i == 2) {
                key(KeyCode.N);
                until(() -> lookup("#note-field").query().isFocused());
                write("Candidate 3 hedges.");
                key(KeyCode.ENTER);
                until(() -> view().columns().isFocused());
            }
            saved();
            PromptBundle b = fx(() -> vm().currentProperty().get());
            Judgments j = fx(() -> vm().judgmentsProperty().get());
            assertThat(j.best()).isEqualTo(b.candidates().get(i % 5).id());
            assertThat(j.label(b.candidates().get(1).id())).isEqualTo(Verdict.GOOD);
            // the marks are on the cards
            int bestIndex = i % 5;
            CandidateCard best = fx(() -> view().cards().get(bestIndex));
            assertThat(fx(() -> best.getPseudoClassStates().contains(CandidateCard.BEST))).isTrue();
            if (i < 4) {
                key(KeyCode.J);
                until(() -> !vm().currentProperty().get().prompt().sourceId().equals(id));
            }
        }
        // undo the last judgment (the preference on the fifth prompt), then move on and close
        key(KeyCode.U);
        saved();
        assertThat(fx(() -> vm().judgmentsProperty().get().preferences())).isEmpty();
        key(KeyCode.J);
        String leftAt = shownId();
        assertThat(leftAt).isNotIn(labelled);
        assertThat(fx(() -> lookup("#progress-text").queryAs(Label.class).getText())).isEqualTo("29 of 66 labelled");
        stop();

        // the labels are in H2, exactly
        try (Workspace w = Workspace.open(ws)) {
            for (int i = 0; i < 5; i++) {
                long pid = w.prompts().bySourceId(labelled.get(i)).orElseThrow().id();
                List<Candidate> c = w.candidates().forPrompt(pid);
                PromptJudgments j = w.gold().forPrompt(pid);
                assertThat(j.prompt().bestCandidateId()).as("best of " + labelled.get(i)).isEqualTo(c.get(i % 5).id());
                assertThat(j.prompt().worstCandidateId()).isEqualTo(c.get((i + 2) % 5).id());
                assertThat(Judgments.of(j).label(c.get(1).id())).isEqualTo(Verdict.GOOD);
                assertThat(Judgments.of(j).label(c.get(2).id())).isEqualTo(Verdict.BAD);
                assertThat(Judgments.of(j).rating(c.get(2).id())).isEqualTo(4);
                assertThat(j.prompt().note()).isEqualTo(i == 2 ? "Candidate 3 hedges." : null);
                if (i < 4) {
                    assertThat(j.preferences()).singleElement().satisfies(p -> {
                        assertThat(p.preferred()).isEqualTo(c.get(2).id());
                        assertThat(p.other()).isEqualTo(c.get(0).id());
                    });
                } else {
                    assertThat(j.preferences()).as("undone").isEmpty();
                }
            }
            LabelingSession s = w.sessions().latest().orElseThrow();
            assertThat(s.judgments()).isEqualTo(5 * 6 + 1 - 1);
            assertThat(s.endReason()).isEqualTo("close");
            assertThat(s.queue()).isEqualTo(LabelQueue.DEFAULT.key());
            assertThat(w.prompts().get(s.lastPromptId()).orElseThrow().sourceId()).isEqualTo(leftAt);
            assertThat(w.sessions().promptTimes(s.id())).hasSizeGreaterThanOrEqualTo(5);
        }

        // reopening resumes where the expert left off
        start(ws);
        assertThat(shownId()).isEqualTo(leftAt);
        assertThat(fx(() -> lookup("#prompt-id").queryAs(Label.class).getText())).isEqualTo(leftAt);
        assertThat(fx(() -> lookup("#compare-hint").queryAs(Label.class).getText())).isEqualTo("Resumed where you left off");
        assertThat(fx(() -> lookup("#session-summary").queryAs(Label.class).getText())).startsWith("Today: 30 labels in");
    }

    @Test
    void shortcutsOverlaySearchTogglesAndMouse() throws Exception {
        start(demo());
        shift(KeyCode.SLASH); // ?
        until(() -> view().overlayShown());
        key(KeyCode.J); // keys do nothing while the list is up
        assertThat(shownId()).isEqualTo("demo-policy-02");
        key(KeyCode.ESCAPE);
        until(() -> !view().overlayShown() && view().columns().isFocused());

        key(KeyCode.SLASH);
        until(() -> lookup("#compare-search").query().isFocused());
        write("demo-sql-07");
        key(KeyCode.ENTER);
        until(() -> "demo-sql-07".equals(vm().currentProperty().get().prompt().sourceId()));
        key(KeyCode.ESCAPE);
        until(() -> view().columns().isFocused());

        key(KeyCode.V);
        until(() -> vm().revealModelsProperty().get());
        assertThat(fx(() -> lookup(".card-model").queryAll().stream().map(n -> ((Label) n).getText()).toList()))
                .doesNotContain("model hidden");
        key(KeyCode.V);
        key(KeyCode.M);
        until(() -> vm().rawProperty().get());
        key(KeyCode.M);
        key(KeyCode.S);
        until(() -> vm().syncScrollProperty().get());

        // the mouse does the same as the keys
        clickOn("#candidate-4 .card-good");
        saved();
        long c4 = fx(() -> vm().currentProperty().get().candidates().get(3).id());
        assertThat(fx(() -> vm().judgmentsProperty().get().label(c4))).isEqualTo(Verdict.GOOD);
        assertThat(fx(() -> vm().focusedProperty().get())).isEqualTo(3);
        clickOn("#candidate-2 .card-best");
        saved();
        assertThat(fx(() -> vm().judgmentsProperty().get().best())).isEqualTo(fx(() -> vm().currentProperty().get().candidates().get(1).id()));
        clickOn("#undo-button");
        saved();
        assertThat(fx(() -> vm().judgmentsProperty().get().best())).isNull();
        clickOn("#next-button");
        until(() -> !"demo-sql-07".equals(vm().currentProperty().get().prompt().sourceId()));
        assertThat(view().columns().isFocused()).as("the keys still work after a click").isTrue();
    }

    @Test
    void fiveColumnsAt1366AndFewerPerRowWhenNarrowNeverAHorizontalScrollBar() throws Exception {
        start(demo());
        assertThat(fx(() -> view().columns().columnCount())).isEqualTo(5);
        FxToolkit.setupFixture(() -> stage.setWidth(1000));
        WaitForAsyncUtils.sleep(500, TimeUnit.MILLISECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(fx(() -> view().columns().columnCount())).as(() -> fx(() -> "stage " + stage.getWidth() + ", scene "
                + stage.getScene().getWidth() + ", columns pane " + view().columns().getWidth())).isEqualTo(3);
        FxToolkit.setupFixture(() -> stage.setWidth(700));
        WaitForAsyncUtils.sleep(500, TimeUnit.MILLISECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(fx(() -> view().columns().columnCount())).as(() -> fx(() -> "stage " + stage.getWidth() + ", scene "
                + stage.getScene().getWidth() + ", columns pane " + view().columns().getWidth())).isLessThanOrEqualTo(2);
        ScrollPane scroll = view().columnsScroll();
        assertThat(fx(scroll::getHbarPolicy)).isEqualTo(ScrollPane.ScrollBarPolicy.NEVER);
        assertThat(fx(() -> view().columns().getWidth() <= scroll.getViewportBounds().getWidth() + 1)).isTrue();
        assertThat(ColumnsPane.columns(5, 5 * 196 + 4 * 10, 196, 10)).isEqualTo(5);
        assertThat(ColumnsPane.columns(5, 4 * 206, 196, 10)).as("5 = 3 + 2, not 4 + 1").isEqualTo(3);
        assertThat(ColumnsPane.columns(5, 100, 196, 10)).isEqualTo(1);
        assertThat(ColumnsPane.columns(2, 3000, 196, 10)).isEqualTo(2);
    }

    @Test
    void enterInThePromptsListOpensThePromptHereEvenTheSameOneTwice() throws Exception {
        start(demo());
        interact(() -> workbench.window().showStep(Workbench.PROMPTS));
        until(() -> workbench.promptsViewModel().rows().size() == 66);
        TableView<?> table = lookup("#prompts-table").queryAs(TableView.class);
        interact(() -> {
            table.requestFocus();
            table.getSelectionModel().select(10);
        });
        key(KeyCode.ENTER);
        until(() -> workbench.window().currentStep().id().equals(Workbench.COMPARE));
        String opened = shownId();
        until(() -> view().columns().isFocused());
        key(KeyCode.J);
        until(() -> !vm().currentProperty().get().prompt().sourceId().equals(opened));
        interact(() -> workbench.window().showStep(Workbench.PROMPTS));
        interact(() -> {
            table.requestFocus();
            table.getSelectionModel().select(10);
        });
        key(KeyCode.ENTER);
        until(() -> workbench.window().currentStep().id().equals(Workbench.COMPARE)
                && vm().currentProperty().get().prompt().sourceId().equals(opened));
    }

    @Test
    void aFiftyKilobyteResponseRendersAFewBlocksPerFrame() throws Exception {
        Path ws = tmp.resolve("big");
        try (Workspace w = Workspace.open(ws)) {
            StringBuilder big = new StringBuilder();
            int n = 0;
            while (big.length() < 50_000) {
                big.append("## Section ").append(++n).append("\n\nSome **bold** text and `code` in a paragraph about item ")
                        .append(n).append(". ").append("More words to read. ".repeat(20)).append("\n\n- one\n- two\n\n```sql\nSELECT ")
                        .append(n).append(";\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n");
            }
            String json = "{\"id\":\"big-1\",\"prompt\":\"Write a lot.\",\"candidates\":[{\"text\":" + quote(big.toString())
                    + "},{\"text\":\"Short.\"}]}\n";
            Path f = tmp.resolve("big.jsonl");
            java.nio.file.Files.writeString(f, json);
            new dev.prefwork.store.importer.Importer(w).importFile(f, dev.prefwork.store.importer.Importer.Options.DETECT, Progress.NONE);
        }
        start(ws);
        MarkdownPane body = fx(() -> view().cards().get(0).body());
        until(body::isComplete);
        int total = fx(() -> body.document().blocks().size());
        assertThat(total).isGreaterThan(100);
        assertThat(fx(() -> body.getChildren().size())).isEqualTo(total);
        // shown again: the first call renders the top of the response only, the rest follows frame by frame
        var doc = fx(body::document);
        long[] first = new long[2];
        interact(() -> {
            long t0 = System.nanoTime();
            body.setDocument(doc);
            first[0] = System.nanoTime() - t0;
            first[1] = body.getChildren().size();
        });
        assertThat(first[1]).as("blocks built in the first call").isLessThan(total / 4);
        System.out.printf("50 KB response: first part (%d of %d blocks) built in %d ms on the UI thread%n", first[1], total,
                first[0] / 1_000_000);
        until(body::isComplete);
        assertThat(fx(() -> body.getChildren().size())).isEqualTo(total);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
