package dev.prefwork.app.ui.labelmodel;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.DemoWorkspace;
import dev.prefwork.app.ui.RecordingNotifier;
import dev.prefwork.app.ui.labelmodel.LabelModelViewModel.AspectWeight;
import dev.prefwork.app.ui.labelmodel.LabelModelViewModel.ViewState;
import dev.prefwork.app.ui.task.CurrentThreadTaskExecutor;
import dev.prefwork.app.ui.workspace.SettingsStore;
import dev.prefwork.app.ui.workspace.WorkspaceService;
import dev.prefwork.core.Progress;
import dev.prefwork.labeling.service.LabelModelRun;
import dev.prefwork.labeling.service.LabelModelService.PriorSource;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.store.Workspace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Label model view model on the demo workspace with its starter LFs, every task on the calling thread. */
class LabelModelViewModelTest {

    static final Path LIBRARY = Path.of("../assets/demo/lfs.json");

    @TempDir
    Path tmp;

    private final CurrentThreadTaskExecutor executor = new CurrentThreadTaskExecutor();
    private final RecordingNotifier notifier = new RecordingNotifier();
    private WorkspaceService workspaces;
    private LabelModelViewModel vm;

    @BeforeEach
    void open() {
        DemoWorkspace.openOrCreate(tmp.resolve("ws"), Progress.NONE).close();
        workspaces = new WorkspaceService(new AppPaths(tmp.resolve("home")), new SettingsStore(tmp.resolve("home/settings.json")),
                executor, notifier);
        vm = new LabelModelViewModel(workspaces, executor, notifier);
        assertThat(vm.stateProperty().get()).isEqualTo(ViewState.NO_WORKSPACE);
    }

    @AfterEach
    void close() {
        vm.close();
        workspaces.close();
    }

    private void importLibrary() {
        try (LabelingService lfs = new LabelingService(workspaces.workspace())) {
            if (lfs.list().isEmpty()) lfs.importLibrary(LIBRARY);
        }
        vm.refresh();
    }

    @Test
    void withoutLfsThereIsNothingToFitThenAFitFillsEveryPanel() {
        workspaces.openExisting(tmp.resolve("ws"));
        Workspace ws = workspaces.workspace();
        if (ws.labelingFunctions().count() == 0) {
            assertThat(vm.stateProperty().get()).isEqualTo(ViewState.NO_LFS);
            assertThat(vm.aspectWeights()).isEmpty();
        }
        importLibrary();
        assertThat(vm.stateProperty().get()).isEqualTo(ViewState.NOT_FITTED);
        assertThat(vm.aspectWeights()).extracting(AspectWeight::aspect)
                .containsExactlyInAnyOrder("helpfulness", "format", "policy", "correctness", "tone");
        assertThat(vm.aspectWeights()).allSatisfy(w -> assertThat(w.weightProperty().get()).isEqualTo(1.0));

        vm.fit();
        assertThat(notifier.errors).isEmpty();
        assertThat(vm.fittingProperty().get()).isFalse();
        assertThat(vm.stateProperty().get()).isEqualTo(ViewState.READY);
        LabelModelRun run = vm.runProperty().get();
        assertThat(run.kind()).isEqualTo("snorkel");
        assertThat(vm.lfs()).hasSize(16);
        assertThat(vm.histogram()).hasSize(20);
        assertThat(vm.histogram().stream().mapToInt(LabelModelViewModel.Bin::count).sum()).isEqualTo(330);
        assertThat(vm.leastCertain()).hasSize(LabelModelViewModel.QUEUE_SIZE);
        assertThat(vm.aspects()).anySatisfy(a -> {
            assertThat(a.aspect()).isEqualTo("tone");
            assertThat(a.fallback()).isTrue();
            assertThat(a.reason()).contains("only 1 LF");
        });
        assertThat(vm.staleProperty().get()).isFalse();
        assertThat(vm.runTextProperty().get()).contains("snorkel").contains("330 candidates").contains("from gold");
        assertThat(notifier.infos).anyMatch(s -> s.startsWith("Label model fitted"));
    }

    @Test
    void parametersAndWeightsGoIntoTheRequestAndTheStaleBannerFollowsTheLfs() {
        workspaces.openExisting(tmp.resolve("ws"));
        importLibrary();
        vm.kindProperty().set("dawid-skene");
        vm.maxIterationsProperty().set(50);
        vm.priorProperty().set(PriorSource.ESTIMATED);
        vm.aspectWeights().stream().filter(w -> w.aspect().equals("policy")).findFirst().orElseThrow().weightProperty().set(2.5);
        assertThat(vm.request().parameters()).containsEntry("maxIterations", 50.0);
        assertThat(vm.request().aspectWeights()).containsEntry("policy", 2.5).containsEntry("format", 1.0);
        vm.fit();
        LabelModelRun run = vm.runProperty().get();
        assertThat(run.kind()).isEqualTo("dawid-skene");
        assertThat(run.aspectWeights()).containsEntry("policy", 2.5);
        assertThat(run.priorMode()).isEqualTo("estimated");

        try (LabelingService lfs = new LabelingService(workspaces.workspace())) {
            lfs.setEnabled(lfs.list().get(0).id(), false);
        }
        vm.refresh();
        assertThat(vm.staleProperty().get()).isTrue();
        assertThat(vm.staleReasonProperty().get()).contains("labeling functions changed");
        vm.refit();
        assertThat(vm.staleProperty().get()).isFalse();
        assertThat(vm.lfs()).hasSize(15);
        vm.resetWeights();
        assertThat(vm.aspectWeights()).allSatisfy(w -> assertThat(w.weightProperty().get()).isEqualTo(1.0));
    }

    @Test
    void openingALeastCertainCandidatePublishesItsPrompt() {
        workspaces.openExisting(tmp.resolve("ws"));
        importLibrary();
        vm.kindProperty().set("majority");
        vm.fit();
        List<Long> opened = new ArrayList<>();
        vm.setOnOpenPrompt(opened::add);
        var first = vm.leastCertain().get(0);
        assertThat(first.pGood()).isBetween(0.0, 1.0);
        vm.open(first);
        assertThat(opened).containsExactly(first.promptId());
        // majority vote with ties at 0.5: the least certain are exactly undecided
        assertThat(first.pGood()).isEqualTo(0.5);
    }
}
