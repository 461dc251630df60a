package dev.prefwork.app.ui.prompts;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.ui.RecordingNotifier;
import dev.prefwork.app.ui.TestData;
import dev.prefwork.app.ui.common.LazyRow;
import dev.prefwork.app.ui.common.PagedList;
import dev.prefwork.app.ui.prompts.PromptsViewModel.CategoryChoice;
import dev.prefwork.app.ui.prompts.PromptsViewModel.ViewState;
import dev.prefwork.app.ui.task.CurrentThreadTaskExecutor;
import dev.prefwork.app.ui.workspace.SettingsStore;
import dev.prefwork.app.ui.workspace.WorkspaceService;
import dev.prefwork.core.PromptFilter.GoldState;
import dev.prefwork.core.PromptSummary;
import dev.prefwork.store.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Prompts view model on a real 90-prompt workspace, with every task run on the calling thread. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PromptsViewModelTest {

    @TempDir
    static Path tmp;

    private final CurrentThreadTaskExecutor executor = new CurrentThreadTaskExecutor();
    private final RecordingNotifier notifier = new RecordingNotifier();
    private WorkspaceService workspaces;
    private PromptsViewModel vm;

    @BeforeAll
    void openWorkspace() {
        Workspace ws = TestData.workspace(tmp, 90);
        TestData.label(ws, "p-00000", "p-00001", "p-00003", "p-00020");
        ws.close();
        workspaces = new WorkspaceService(new AppPaths(tmp.resolve("home")), new SettingsStore(tmp.resolve("home/settings.json")),
                executor, notifier);
        vm = new PromptsViewModel(workspaces, executor, notifier);
        assertThat(vm.stateProperty().get()).isEqualTo(ViewState.NO_WORKSPACE);
        workspaces.openExisting(tmp.resolve("ws"));
    }

    @AfterAll
    void close() {
        workspaces.close();
    }

    @BeforeEach
    void reset() {
        vm.clearFilters();
        notifier.errors.clear();
    }

    private List<String> sourceIds() {
        List<String> out = new ArrayList<>();
        PagedList<PromptSummary> rows = vm.rows();
        for (int i = 0; i < rows.size(); i++) out.add(rows.get(i).value().sourceId());
        return out;
    }

    @Test
    void listsEveryPromptWithCountsAndCategories() {
        assertThat(vm.stateProperty().get()).isEqualTo(ViewState.READY);
        assertThat(vm.rows().size()).isEqualTo(90);
        assertThat(vm.totalProperty().get()).isEqualTo(90);
        assertThat(vm.countTextProperty().get()).isEqualTo("90 prompts");
        assertThat(vm.categories()).extracting(CategoryChoice::label)
                .containsExactly("All categories (90)", "coding (30)", "math (30)", "writing (30)");
        PromptSummary first = vm.rows().get(0).value();
        assertThat(first.sourceId()).isEqualTo("p-00000");
        assertThat(first.candidates()).isEqualTo(2);
        assertThat(first.labelled()).isTrue();
        assertThat(vm.rows().get(2).value().labelled()).isFalse();
        assertThat(notifier.errors).isEmpty();
    }

    @Test
    void searchNarrowsTheList() {
        vm.searchProperty().set("volcano");
        assertThat(vm.rows().size()).isEqualTo(9);
        assertThat(sourceIds()).allMatch(id -> Integer.parseInt(id.substring(2)) % 10 == 0);
        assertThat(vm.countTextProperty().get()).isEqualTo("9 of 90 prompts");
        vm.searchProperty().set("p-0004");
        assertThat(sourceIds()).containsExactly("p-00040", "p-00041", "p-00042", "p-00043", "p-00044", "p-00045",
                "p-00046", "p-00047", "p-00048", "p-00049");
        vm.searchProperty().set("   ");
        assertThat(vm.rows().size()).isEqualTo(90);
    }

    @Test
    void categoryAndLabelledFiltersCombine() {
        vm.categoryProperty().set(vm.categories().stream().filter(c -> "writing".equals(c.category())).findFirst().orElseThrow());
        assertThat(vm.rows().size()).isEqualTo(30);
        assertThat(sourceIds()).allMatch(id -> Integer.parseInt(id.substring(2)) % 3 == 1);

        vm.goldProperty().set(GoldState.LABELLED);
        assertThat(sourceIds()).containsExactly("p-00001");
        vm.goldProperty().set(GoldState.UNLABELLED);
        assertThat(vm.rows().size()).isEqualTo(29);

        vm.categoryProperty().set(vm.categories().get(0));
        vm.goldProperty().set(GoldState.LABELLED);
        assertThat(sourceIds()).containsExactly("p-00000", "p-00001", "p-00003", "p-00020");
        assertThat(vm.countTextProperty().get()).isEqualTo("4 of 90 prompts");
        assertThat(vm.isFiltered()).isTrue();
    }

    @Test
    void selectingARowLoadsItsDetail() {
        LazyRow<PromptSummary> row = vm.rows().get(5);
        vm.selectedProperty().set(row);
        PromptsViewModel.PromptDetail d = vm.detailProperty().get();
        assertThat(d).isNotNull();
        assertThat(d.prompt().sourceId()).isEqualTo("p-00005");
        assertThat(d.prompt().text()).isEqualTo("Question 5 about a river: explain it.");
        assertThat(d.candidates()).extracting(PromptsViewModel.CandidateInfo::model).containsExactly("small-1b", "big-70b");
        assertThat(d.candidates().get(0).chars()).isEqualTo("Short answer 5.".length());
        assertThat(d.candidates().get(0).words()).isEqualTo(3);
        vm.selectedProperty().set(null);
        assertThat(vm.detailProperty().get()).isNull();
    }

    @Test
    void openingAPromptPublishesItsId() {
        List<Long> opened = new ArrayList<>();
        vm.setOnOpenPrompt(opened::add);
        LazyRow<PromptSummary> row = vm.rows().get(3);
        vm.openPrompt(row);
        vm.openPrompt(null);
        assertThat(opened).containsExactly(row.id());
        vm.setOnOpenPrompt(id -> { });
    }

    @Test
    void aNewImportReloadsTheListAndKeepsTheFilter() {
        vm.searchProperty().set("volcano");
        int before = vm.rows().size();
        workspaces.dataChanged();
        assertThat(vm.rows().size()).isEqualTo(before);
        assertThat(vm.searchProperty().get()).isEqualTo("volcano");
    }
}
