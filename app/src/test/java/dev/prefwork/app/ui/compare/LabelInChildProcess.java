package dev.prefwork.app.ui.compare;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.ui.RecordingNotifier;
import dev.prefwork.app.ui.task.CurrentThreadTaskExecutor;
import dev.prefwork.app.ui.workspace.SettingsStore;
import dev.prefwork.app.ui.workspace.WorkspaceService;
import dev.prefwork.core.Verdict;

import java.nio.file.Path;
import java.time.Clock;

/**
 * Child process for the kill -9 test: opens a workspace in the Compare view model, makes judgments on three prompts
 * and prints "ack N" each time the N-th judgment is acknowledged (written), then waits to be killed.
 */
public final class LabelInChildProcess {
    public static void main(String[] args) throws Exception {
        Path ws = Path.of(args[0]);
        Path home = Path.of(args[1]);
        CurrentThreadTaskExecutor executor = new CurrentThreadTaskExecutor();
        WorkspaceService workspaces = new WorkspaceService(new AppPaths(home), new SettingsStore(home.resolve("settings.json")),
                executor, new RecordingNotifier());
        CompareViewModel vm = new CompareViewModel(workspaces, executor, new RecordingNotifier(), new SettingsStore(home.resolve("s.json")),
                Clock.systemDefaultZone());
        workspaces.openExisting(ws);
        int n = 0;
        for (int p = 0; p < 3; p++) {
            vm.toggleBest(p);
            System.out.println("ack " + ++n);
            vm.toggleWorst(4);
            System.out.println("ack " + ++n);
            vm.toggleLabel(1, Verdict.GOOD);
            System.out.println("ack " + ++n);
            vm.rate(2, 3);
            System.out.println("ack " + ++n);
            vm.next();
        }
        System.out.println("done " + n);
        System.out.flush();
        Thread.sleep(120_000);
    }
}
