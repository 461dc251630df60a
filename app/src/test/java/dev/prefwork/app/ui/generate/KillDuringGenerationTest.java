package dev.prefwork.app.ui.generate;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.ui.RecordingNotifier;
import dev.prefwork.app.ui.task.CurrentThreadTaskExecutor;
import dev.prefwork.app.ui.workspace.SettingsStore;
import dev.prefwork.app.ui.workspace.WorkspaceService;
import dev.prefwork.core.Candidate;
import dev.prefwork.core.Progress;
import dev.prefwork.generation.GenerationService;
import dev.prefwork.store.GenerationJobRepository;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.importer.Importer;
import dev.prefwork.testkit.OpenAiTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of a process in the middle of a generation job: every prompt it committed has all its candidates, none has
 * part of them, and the restarted screen offers the interrupted job, whose resumption finishes it without doubling a
 * prompt.
 */
class KillDuringGenerationTest {

    static final int PROMPTS = 12;

    @TempDir
    Path tmp;

    @Test
    void anInterruptedJobResumesAndNoPromptIsWrittenTwiceOrHalf() throws Exception {
        Path ws = tmp.resolve("ws");
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= PROMPTS; i++) sb.append("{\"id\":\"p-").append(String.format("%02d", i)).append("\",\"prompt\":\"Prompt ").append(i).append("?\"}\n");
        try (Workspace w = Workspace.open(ws)) {
            new Importer(w).importFile(Files.writeString(tmp.resolve("p.jsonl"), sb), Importer.Options.DETECT, Progress.NONE);
        }
        try (OpenAiTestServer server = OpenAiTestServer.start("served-model").latency(200)) {
            Process child = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-cp", System.getProperty("java.class.path"),
                    GenerateInChildProcess.class.getName(), ws.toString(), tmp.resolve("home").toString(), server.baseUrl())
                    .redirectErrorStream(true).start();
            List<String> written = new ArrayList<>();
            StringBuilder output = new StringBuilder();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
                String line;
                while ((line = out.readLine()) != null) {
                    output.append(line).append('\n');
                    if (line.startsWith("written ")) written.add(line.substring(8).split(" ")[0]);
                    if (written.size() == 4 || line.startsWith("finished")) break;
                }
            } finally {
                child.destroyForcibly(); // SIGKILL: no shutdown hooks, no job status written, H2 not closed
                assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(written).as(output.toString()).hasSize(4);

            try (Workspace w = Workspace.open(ws)) {
                int full = 0;
                for (int i = 1; i <= PROMPTS; i++) {
                    String id = String.format("p-%02d", i);
                    int n = w.candidates().forPrompt(w.prompts().bySourceId(id).orElseThrow().id()).size();
                    assertThat(n).as(id + ": all five or none").isIn(0, 5);
                    if (n == 5) full++;
                    if (n == 0 && written.contains(id)) throw new AssertionError(id + " was reported written but is not there: " + output);
                }
                assertThat(full).as("every prompt reported written is there, and at most the one being committed more: " + written)
                        .isBetween(4, 5);
                GenerationJobRepository.StoredJob job = w.generationJobs().list().get(0);
                assertThat(job.status()).as("killed: never marked stopped").isEqualTo(GenerationJobRepository.RUNNING);
                assertThat(new GenerationService(w).state(job)).isEqualTo("interrupted");
                assertThat(job.done()).isEqualTo(full);
            }

            // the restarted screen: the interrupted job is offered, and resuming it finishes it
            CurrentThreadTaskExecutor executor = new CurrentThreadTaskExecutor();
            Path home = tmp.resolve("home");
            WorkspaceService workspaces = new WorkspaceService(new AppPaths(home), new SettingsStore(home.resolve("settings.json")),
                    executor, new RecordingNotifier());
            GenerateViewModel vm = new GenerateViewModel(workspaces, executor, new RecordingNotifier(), Runnable::run, home, Map.<String, String>of()::get);
            workspaces.openExisting(ws);
            try {
                GenerateViewModel.JobRow interrupted = vm.resumableProperty().get();
                assertThat(interrupted).isNotNull();
                assertThat(interrupted.state()).isEqualTo("interrupted");
                vm.resume(interrupted);
                assertThat(vm.jobMessageProperty().get()).as(vm.jobMessageProperty().get())
                        .startsWith("Job #1: " + PROMPTS + " of " + PROMPTS + " prompts").endsWith("Done.");
                Workspace w = workspaces.workspace();
                for (int i = 1; i <= PROMPTS; i++) {
                    List<Candidate> c = w.candidates().forPrompt(w.prompts().bySourceId(String.format("p-%02d", i)).orElseThrow().id());
                    assertThat(c).extracting(Candidate::position).containsExactly(0, 1, 2, 3, 4);
                }
                assertThat(w.candidates().count()).isEqualTo(5L * PROMPTS);
                assertThat(vm.resumableProperty().get()).isNull();
            } finally {
                workspaces.close();
            }
        }
    }
}
