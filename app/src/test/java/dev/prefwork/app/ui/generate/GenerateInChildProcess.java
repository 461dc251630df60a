package dev.prefwork.app.ui.generate;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.ui.RecordingNotifier;
import dev.prefwork.app.ui.task.CurrentThreadTaskExecutor;
import dev.prefwork.app.ui.workspace.SettingsStore;
import dev.prefwork.app.ui.workspace.WorkspaceService;
import javafx.collections.ListChangeListener;

import java.nio.file.Path;
import java.util.Map;

/**
 * Child process for the kill -9 test: the Generate screen's view model on a workspace, generating from the server at
 * args[2]; prints "written &lt;source id&gt;" as each prompt's candidates are committed. The parent kills it mid-job.
 */
public final class GenerateInChildProcess {
    public static void main(String[] args) {
        Path ws = Path.of(args[0]);
        Path home = Path.of(args[1]);
        CurrentThreadTaskExecutor executor = new CurrentThreadTaskExecutor();
        WorkspaceService workspaces = new WorkspaceService(new AppPaths(home), new SettingsStore(home.resolve("settings.json")),
                executor, new RecordingNotifier());
        // two workers finish prompts at once: their UI updates run one at a time, as on the JavaFX thread
        Object uiThread = new Object();
        java.util.concurrent.Executor ui = r -> {
            synchronized (uiThread) {
                r.run();
            }
        };
        GenerateViewModel vm = new GenerateViewModel(workspaces, executor, new RecordingNotifier(), ui, home, Map.<String, String>of()::get);
        workspaces.openExisting(ws);
        vm.baseUrlProperty().set(args[2]);
        vm.serverModelProperty().set("served-model");
        vm.concurrencyProperty().set(2);
        vm.recent().addListener((ListChangeListener<GenerateViewModel.RecentPrompt>) c -> {
            while (c.next()) {
                for (GenerateViewModel.RecentPrompt r : c.getAddedSubList()) {
                    System.out.println("written " + r.sourceId() + " " + r.status() + " " + System.nanoTime());
                    System.out.flush();
                }
            }
        });
        vm.start(); // runs on this thread until the parent kills the process
        System.out.println("finished " + vm.jobMessageProperty().get());
        System.out.flush();
    }
}
