package dev.prefwork.app.reliability;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.cli.PrefworkCli;
import dev.prefwork.app.ui.RecordingNotifier;
import dev.prefwork.app.ui.generate.GenerateViewModel;
import dev.prefwork.app.ui.task.CurrentThreadTaskExecutor;
import dev.prefwork.app.ui.workspace.SettingsStore;
import dev.prefwork.app.ui.workspace.WorkspaceService;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child JVM of {@link ApiKeyLeakTest}: everything its output holds (stdout, stderr, every log line) is searched
 * for the API key. {@code cli <commands file>} runs each line (tab-separated arguments) through the CLI and prints
 * {@code EXIT <code> <command>}; {@code view <workspace> <user data folder> <server URL> <refusing server URL>} types the
 * key into the Generate screen (read from {@value #KEY_VARIABLE}, as a user pastes it), generates, tests the connection
 * and generates against the server that refuses the key, and prints everything the screen told the user.
 */
public final class LeakChild {

    static final String KEY_VARIABLE = "PREFWORK_LEAK_KEY";

    private LeakChild() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("cli")) {
            for (String line : Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                String[] c = line.split("\t");
                int exit = PrefworkCli.run(c, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
                System.out.println("EXIT " + exit + " " + String.join(" ", c));
            }
        } else {
            Path ws = Path.of(args[1]);
            Path home = Path.of(args[2]);
            CurrentThreadTaskExecutor executor = new CurrentThreadTaskExecutor();
            RecordingNotifier notifier = new RecordingNotifier();
            WorkspaceService workspaces = new WorkspaceService(new AppPaths(home), new SettingsStore(home.resolve("settings.json")), executor, notifier);
            GenerateViewModel vm = new GenerateViewModel(workspaces, executor, notifier, Runnable::run, home, System::getenv);
            workspaces.openExisting(ws);
            vm.baseUrlProperty().set(args[3]);
            vm.serverModelProperty().set("leak-model");
            vm.apiKeyProperty().set(System.getenv(KEY_VARIABLE)); // typed on the screen, not named by a variable
            vm.apiKeyEnvProperty().set("");
            // one prompt at a time: the screen's updates run on the calling thread here, not serialised on an FX thread
            vm.concurrencyProperty().set(1);
            vm.onlyMissingProperty().set(false);
            vm.nProperty().set(1);
            vm.testConnection();
            print(vm, notifier, "view: test against the server");
            vm.start();
            print(vm, notifier, "view: generate");
            vm.baseUrlProperty().set(args[4]);
            vm.retriesProperty().set(0);
            vm.testConnection();
            print(vm, notifier, "view: test against the refusing server");
            vm.start();
            print(vm, notifier, "view: generate against the refusing server");
            System.out.println("executor errors: " + executor.errors());
            workspaces.close();
            System.out.println("VIEW DONE");
        }
        System.out.flush();
        System.err.flush();
        System.exit(0);
    }

    private static void print(GenerateViewModel vm, RecordingNotifier notifier, String step) {
        System.out.println(step + ": test status: " + vm.testStatusProperty().get() + " | reply: " + vm.testReplyProperty().get()
                + " | job: " + vm.jobMessageProperty().get() + (vm.jobMessageIsErrorProperty().get() ? " (error)" : "")
                + " | told: " + notifier.infos + " " + notifier.errors);
    }
}
