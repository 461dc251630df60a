package dev.prefwork.app.ui.lfstudio;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.ui.RecordingNotifier;
import dev.prefwork.app.ui.TestData;
import dev.prefwork.app.ui.lfstudio.LfStudioViewModel.LfRow;
import dev.prefwork.app.ui.lfstudio.LfStudioViewModel.ViewState;
import dev.prefwork.app.ui.task.CurrentThreadTaskExecutor;
import dev.prefwork.app.ui.workspace.SettingsStore;
import dev.prefwork.app.ui.workspace.WorkspaceService;
import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.engine.LfPreview;
import dev.prefwork.labeling.lf.Condition;
import dev.prefwork.store.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The LF studio's view model on a 60-prompt workspace (120 candidates), every task on the calling thread. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LfStudioViewModelTest {

    @TempDir
    static Path tmp;

    private final CurrentThreadTaskExecutor executor = new CurrentThreadTaskExecutor();
    private final RecordingNotifier notifier = new RecordingNotifier();
    private WorkspaceService workspaces;
    private LfStudioViewModel vm;

    @BeforeAll
    void open() {
        Workspace ws = TestData.workspace(tmp, 60);
        // the first candidate ("Short answer N.") of four prompts is gold GOOD
        TestData.label(ws, "p-00000", "p-00001", "p-00002", "p-00003");
        ws.close();
        workspaces = new WorkspaceService(new AppPaths(tmp.resolve("home")), new SettingsStore(tmp.resolve("home/settings.json")),
                executor, notifier);
        vm = new LfStudioViewModel(workspaces, executor, notifier, LfStudioViewModel.Debounce.immediate());
        assertThat(vm.stateProperty().get()).isEqualTo(ViewState.NO_WORKSPACE);
        workspaces.openExisting(tmp.resolve("ws"));
        // until the studio is first shown it reads nothing (no LF apply over every text at workspace open)
        assertThat(vm.rows()).isEmpty();
        assertThat(vm.stateProperty().get()).isEqualTo(ViewState.NO_WORKSPACE);
        vm.activate();
    }

    @AfterAll
    void close() {
        vm.close();
        workspaces.close();
    }

    @Test
    @Order(1)
    void typingAKeywordUpdatesThePreview() {
        assertThat(vm.stateProperty().get()).isEqualTo(ViewState.READY);
        assertThat(vm.rows()).isEmpty();
        vm.newLf();
        assertThat(vm.whenProperty().get().type()).isEqualTo("keywords");
        vm.voteProperty().set(Verdict.GOOD);
        vm.whenProperty().get().set("terms", "Short answer");
        LfPreview p = vm.previewProperty().get();
        assertThat(p).isNotNull();
        assertThat(p.ok()).isTrue();
        assertThat(p.stats().hits()).isEqualTo(60);
        assertThat(p.stats().coverage()).isCloseTo(0.5, within(1e-9));
        assertThat(p.stats().empiricalAccuracy()).isEqualTo(1.0);
        assertThat(p.hits()).isNotEmpty();
        assertThat(p.hits().get(0).spans()).isNotEmpty();
        assertThat(vm.errorsAt("name", false)).as("a draft without a name says so").isNotEmpty();

        vm.voteProperty().set(Verdict.BAD);
        assertThat(vm.previewProperty().get().stats().hits()).isEqualTo(60);
        assertThat(vm.previewProperty().get().stats().empiricalAccuracy()).as("the gold says the short answers are GOOD").isEqualTo(0.0);
        assertThat(vm.previewProperty().get().goldDisagreements()).isNotEmpty();
    }

    @Test
    @Order(2)
    void badFieldsAreReportedBesideTheField() {
        vm.newLf();
        vm.nameProperty().set("broken");
        vm.whenProperty().get().setType("regex");
        vm.whenProperty().get().set("pattern", "(unclosed");
        assertThat(vm.errorsAt("when.pattern", false)).anySatisfy(m -> assertThat(m).contains("not a valid regular expression"));
        vm.whenProperty().get().setType("length");
        vm.whenProperty().get().set("max", "abc");
        assertThat(vm.errorsAt("when.max", false)).containsExactly("type a number, like 0.5 or 120");
        vm.whenProperty().get().set("max", "3");
        vm.whenProperty().get().set("min", "5");
        assertThat(vm.errorsAt("when.min", false)).anySatisfy(m -> assertThat(m).contains("greater than the maximum"));
        assertThat(vm.save()).isTrue();
        assertThat(vm.rows()).as("an invalid LF is not saved").isEmpty();
    }

    @Test
    @Order(3)
    void combiningConditionsBuildsATree() {
        vm.newLf();
        vm.nameProperty().set("short and small");
        vm.whenProperty().get().set("terms", "Short");
        vm.combineRoot("and");
        ConditionNode root = vm.whenProperty().get();
        assertThat(root.type()).isEqualTo("and");
        assertThat(root.children()).hasSize(2);
        assertThat(vm.errorsAt("when.conditions[1].terms", false)).contains("add at least one keyword");
        root.children().get(1).setType("length");
        root.children().get(1).set("max", "3");
        assertThat(vm.errors()).isEmpty();
        assertThat(vm.previewProperty().get().stats().hits()).isEqualTo(60);
        Condition c = vm.draft(new java.util.ArrayList<>()).when();
        assertThat(c).isInstanceOf(Condition.And.class);
        // and back: a stored tree opens in the builder as the same tree
        assertThat(ConditionNode.of(c).toCondition("when", new java.util.ArrayList<>())).isEqualTo(c);
    }

    @Test
    @Order(4)
    void saveCreatesVersionsAndTheListShowsStats() {
        vm.newLf();
        vm.nameProperty().set("short answers");
        vm.voteProperty().set(Verdict.GOOD);
        vm.whenProperty().get().set("terms", "Short answer");
        assertThat(vm.save()).isTrue();
        assertThat(vm.rows()).hasSize(1);
        LfRow row = vm.rows().get(0);
        assertThat(row.lf().name()).isEqualTo("short answers");
        assertThat(row.coverage()).isCloseTo(0.5, within(1e-9));
        assertThat(row.accuracy()).isEqualTo(1.0);
        assertThat(vm.history()).hasSize(1);
        assertThat(vm.editingIdProperty().get()).isEqualTo(row.lf().id());
        assertThat(vm.dirtyProperty().get()).isFalse();

        vm.whenProperty().get().set("terms", "Short answer\nanswer 1");
        assertThat(vm.dirtyProperty().get()).isTrue();
        vm.save();
        assertThat(vm.rows()).hasSize(1);
        assertThat(vm.rows().get(0).lf().version()).isEqualTo(2);
        assertThat(vm.history()).extracting(lf -> lf.version()).containsExactly(1, 2);

        vm.setEnabled(vm.rows().get(0), false);
        assertThat(vm.rows().get(0).lf().enabled()).isFalse();
        vm.setEnabled(vm.rows().get(0), true);
        assertThat(vm.rows().get(0).lf().enabled()).isTrue();
        assertThat(vm.summaryProperty().get()).contains("1 LFs, 1 enabled").contains("label coverage");

        vm.searchProperty().set("nothing like it");
        assertThat(vm.visibleRows()).isEmpty();
        vm.searchProperty().set("SHORT");
        assertThat(vm.visibleRows()).hasSize(1);
        vm.searchProperty().set("");
    }

    @Test
    @Order(5)
    void makeAnLfFromSelectedText() {
        vm.newKeywordLfFrom("  As an   AI ");
        assertThat(vm.editingIdProperty().get()).isNull();
        assertThat(vm.nameProperty().get()).isEqualTo("mentions \"As an AI\"");
        assertThat(vm.whenProperty().get().type()).isEqualTo("keywords");
        assertThat(vm.whenProperty().get().get("terms")).isEqualTo("As an AI");
        assertThat(vm.voteProperty().get()).isEqualTo(Verdict.BAD);
        assertThat(vm.previewProperty().get().stats().hits()).isZero();
    }

    @Test
    @Order(6)
    void exportAndImportTheLibrary() throws Exception {
        Path file = tmp.resolve("lfs.json");
        vm.exportLibrary(file);
        assertThat(Files.readString(file)).contains("short answers");
        Files.writeString(file, Files.readString(file).replace("short answers", "short answers, imported"));
        vm.importLibrary(file);
        assertThat(vm.rows()).extracting(LfRow::name).containsExactly("short answers", "short answers, imported");
        vm.applyAll();
        assertThat(vm.applyingProperty().get()).isFalse();
        assertThat(vm.rows().get(1).stats().conflictRows()).isZero();
        assertThat(vm.rows().get(1).stats().overlapRows()).isEqualTo(60);
        assertThat(executor.errors()).isEmpty();
    }
}
