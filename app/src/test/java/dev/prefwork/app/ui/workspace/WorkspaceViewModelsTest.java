package dev.prefwork.app.ui.workspace;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.ui.RecordingNotifier;
import dev.prefwork.app.ui.TestData;
import dev.prefwork.app.ui.prompts.PromptsViewModel;
import dev.prefwork.app.ui.prompts.PromptsViewModel.ViewState;
import dev.prefwork.app.ui.task.CurrentThreadTaskExecutor;
import dev.prefwork.store.Workspace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Opening, creating and switching workspaces, and importing into them, with tasks run on the calling thread. */
class WorkspaceViewModelsTest {

    @TempDir
    Path tmp;

    private final CurrentThreadTaskExecutor executor = new CurrentThreadTaskExecutor();
    private final RecordingNotifier notifier = new RecordingNotifier();
    private SettingsStore settings;
    private WorkspaceService workspaces;

    @BeforeEach
    void setUp() {
        AppPaths paths = new AppPaths(tmp.resolve("home"));
        settings = new SettingsStore(paths.settingsFile());
        workspaces = new WorkspaceService(paths, settings, executor, notifier);
    }

    @AfterEach
    void tearDown() {
        workspaces.close();
    }

    @Test
    void importIsABackgroundTaskThatUpdatesCountsAndTheList() {
        workspaces.create(tmp.resolve("fresh"));
        PromptsViewModel prompts = new PromptsViewModel(workspaces, executor, notifier);
        ImportViewModel importer = new ImportViewModel(workspaces, executor, notifier);
        assertThat(prompts.stateProperty().get()).isEqualTo(ViewState.EMPTY);
        assertThat(workspaces.countsProperty().get().prompts()).isZero();
        assertThat(importer.canImportProperty().get()).isTrue();

        importer.importFile(TestData.writeJsonl(tmp.resolve("twelve.jsonl"), 12));

        assertThat(executor.titles()).contains("Importing twelve.jsonl");
        assertThat(importer.runningProperty().get()).isFalse();
        assertThat(importer.lastResultProperty().get().prompts()).isEqualTo(12);
        assertThat(importer.lastErrorProperty().get()).isNull();
        assertThat(workspaces.countsProperty().get().prompts()).isEqualTo(12);
        assertThat(workspaces.countsProperty().get().candidates()).isEqualTo(24);
        assertThat(prompts.stateProperty().get()).isEqualTo(ViewState.READY);
        assertThat(prompts.rows().size()).isEqualTo(12);
        assertThat(notifier.infos).containsExactly(
                "Import finished: Imported 12 prompts and 24 candidates from twelve.jsonl as dataset 'twelve' (candidates JSONL).");
        assertThat(notifier.errors).isEmpty();
    }

    @Test
    void aFailingImportReportsFileLineAndFieldAndImportsNothing() {
        workspaces.create(tmp.resolve("fresh"));
        ImportViewModel importer = new ImportViewModel(workspaces, executor, notifier);
        Path bad = TestData.writeBadJsonl(tmp.resolve("bad.jsonl"));

        importer.importFile(bad);

        assertThat(importer.lastErrorProperty().get()).startsWith(bad + ":2: field 'candidates'");
        assertThat(notifier.errors).hasSize(1);
        assertThat(notifier.errors.get(0)).startsWith("Import of bad.jsonl failed; nothing was imported: " + bad + ":2:");
        assertThat(workspaces.countsProperty().get().prompts()).isZero();
        assertThat(importer.runningProperty().get()).isFalse();
    }

    @Test
    void startsWithTheMostRecentWorkspaceAndRemembersIt() {
        Workspace a = Workspace.open(tmp.resolve("a"));
        a.close();
        settings.addRecent(tmp.resolve("gone"));
        settings.addRecent(tmp.resolve("a"));
        workspaces = new WorkspaceService(new AppPaths(tmp.resolve("home")), settings, executor, notifier);

        workspaces.openAtStart(null);

        assertThat(workspaces.workspace().dir()).isEqualTo(tmp.resolve("a").toAbsolutePath().normalize());
        assertThat(workspaces.stateProperty().get()).isEqualTo(WorkspaceService.State.OPEN);
        assertThat(new SettingsStore(tmp.resolve("home/settings.json")).recentWorkspaces().get(0))
                .isEqualTo(tmp.resolve("a").toAbsolutePath().normalize());
    }

    @Test
    void switchingClosesThePreviousWorkspace() {
        workspaces.create(tmp.resolve("one"));
        Workspace first = workspaces.workspace();
        int version = workspaces.dataVersionProperty().get();
        workspaces.create(tmp.resolve("two"));
        assertThat(workspaces.workspace()).isNotSameAs(first);
        assertThat(workspaces.dataVersionProperty().get()).isGreaterThan(version);
        assertThat(workspaces.recent()).extracting(p -> p.getFileName().toString()).startsWith("two", "one");
        // the first one's lock is released: it opens again
        Workspace again = Workspace.open(tmp.resolve("one"));
        again.close();
    }

    @Test
    void refusesFoldersThatAreNotWorkspaces() throws Exception {
        Path notWs = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(notWs.resolve("cat.jpg"), "x");
        workspaces.openExisting(notWs);
        assertThat(workspaces.workspace()).isNull();
        assertThat(workspaces.stateProperty().get()).isEqualTo(WorkspaceService.State.NONE);
        assertThat(notifier.errors).singleElement().asString().contains("is not a Prefwork workspace");

        workspaces.create(notWs);
        assertThat(workspaces.workspace()).isNull();
        assertThat(notifier.errors.get(1)).contains("is not empty");
    }
}
