package dev.prefwork.app.ui.generate;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.ui.RecordingNotifier;
import dev.prefwork.app.ui.generate.GenerateViewModel.BackendKind;
import dev.prefwork.app.ui.generate.GenerateViewModel.JobRow;
import dev.prefwork.app.ui.generate.GenerateViewModel.Scope;
import dev.prefwork.app.ui.task.CurrentThreadTaskExecutor;
import dev.prefwork.app.ui.workspace.SettingsStore;
import dev.prefwork.app.ui.workspace.WorkspaceService;
import dev.prefwork.core.Candidate;
import dev.prefwork.core.Progress;
import dev.prefwork.generation.OpenAiConfig;
import dev.prefwork.generation.ServerPreset;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.importer.Importer;
import dev.prefwork.testkit.OpenAiTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Generate view model with every task on the calling thread, against a loopback OpenAI-compatible server. */
class GenerateViewModelTest {

    @TempDir
    Path tmp;

    private final CurrentThreadTaskExecutor executor = new CurrentThreadTaskExecutor();
    private final RecordingNotifier notifier = new RecordingNotifier();
    private OpenAiTestServer server;
    private WorkspaceService workspaces;
    private GenerateViewModel vm;

    /** A workspace with 2 prompts that have candidates ("coding") and 4 without (2 "coding", 2 "writing"). */
    static void fill(Path wsDir) throws Exception {
        try (Workspace ws = Workspace.open(wsDir)) {
            Path with = Files.writeString(wsDir.resolveSibling("with.jsonl"), """
                    {"id":"old-1","prompt":"Old one?","category":"coding","candidates":[{"text":"a"},{"text":"b"}]}
                    {"id":"old-2","prompt":"Old two?","category":"coding","candidates":[{"text":"c"},{"text":"d"}]}
                    """);
            Path without = Files.writeString(wsDir.resolveSibling("without.jsonl"), """
                    {"id":"new-1","prompt":"New one?","category":"coding"}
                    {"id":"new-2","prompt":"New two?","category":"writing"}
                    {"id":"new-3","prompt":"New three?","category":"coding"}
                    {"id":"new-4","prompt":"New four?","category":"writing"}
                    """);
            new Importer(ws).importFile(with, Importer.Options.DETECT, Progress.NONE);
            new Importer(ws).importFile(without, Importer.Options.DETECT, Progress.NONE);
        }
    }

    @BeforeEach
    void open() throws Exception {
        fill(tmp.resolve("ws"));
        server = OpenAiTestServer.start("served-model");
        workspaces = new WorkspaceService(new AppPaths(tmp.resolve("home")), new SettingsStore(tmp.resolve("home/settings.json")),
                executor, notifier);
        vm = newViewModel(Map.of("MY_KEY", "sk-from-env"));
        workspaces.openExisting(tmp.resolve("ws"));
        vm.baseUrlProperty().set(server.baseUrl());
        vm.concurrencyProperty().set(1);
    }

    private GenerateViewModel newViewModel(Map<String, String> env) {
        return new GenerateViewModel(workspaces, executor, notifier, Runnable::run, tmp.resolve("home"), env::get);
    }

    @AfterEach
    void close() {
        server.close();
        workspaces.close();
    }

    @Test
    void testConnectionFillsTheModelFromTheServerAndShowsTheReply() {
        assertThat(vm.serverModelProperty().get()).isEmpty();
        vm.testConnection();
        assertThat(vm.testFailedProperty().get()).as(vm.testStatusProperty().get()).isFalse();
        assertThat(vm.serverModelProperty().get()).isEqualTo("served-model");
        assertThat(vm.testStatusProperty().get()).startsWith("Reply in ").contains("from served-model").contains("the server lists: served-model");
        assertThat(vm.testReplyProperty().get()).isEqualTo(OpenAiTestServer.answer("served-model", GenerateViewModel.TEST_PROMPT, 0, null));
        assertThat(server.completionRequests()).singleElement().satisfies(r -> {
            assertThat(r.n()).isEqualTo(1);
            assertThat(r.body().path("max_tokens").asInt()).isEqualTo(64);
        });

        server.stopListening();
        vm.testConnection();
        assertThat(vm.testFailedProperty().get()).isTrue();
        assertThat(vm.testStatusProperty().get()).contains("cannot connect");
        assertThat(vm.testReplyProperty().get()).isEmpty();
    }

    @Test
    void startFillsTheSelectedPromptsAndListsTheJob() {
        assertThat(vm.selectedCountProperty().get()).isEqualTo(4);
        vm.scopeProperty().set(Scope.CATEGORY);
        assertThat(vm.selectedCountProperty().get()).as("no category chosen yet").isEqualTo(-1);
        vm.categoryProperty().set("writing");
        assertThat(vm.selectedCountProperty().get()).isEqualTo(2);
        vm.onlyMissingProperty().set(false);
        vm.categoryProperty().set("coding");
        assertThat(vm.selectedCountProperty().get()).isEqualTo(4);
        vm.onlyMissingProperty().set(true);
        assertThat(vm.selectedCountProperty().get()).isEqualTo(2);

        vm.serverModelProperty().set("served-model");
        vm.nProperty().set(3);
        vm.seedProperty().set("11");
        vm.start();
        assertThat(executor.errors()).isEmpty();
        assertThat(vm.runningProperty().get()).isFalse();
        assertThat(vm.jobMessageIsErrorProperty().get()).as(vm.jobMessageProperty().get()).isFalse();
        assertThat(vm.jobMessageProperty().get()).startsWith("Job #1: 2 of 2 prompts · 6 candidates").endsWith("Done.");
        assertThat(vm.recent()).extracting(GenerateViewModel.RecentPrompt::sourceId).containsExactly("new-3", "new-1");
        assertThat(vm.recent().get(0).firstCandidate()).isEqualTo(OpenAiTestServer.answer("served-model", "New three?", 0, 11L));
        assertThat(vm.jobs()).singleElement().satisfies(j -> {
            assertThat(j.state()).isEqualTo("complete");
            assertThat(j.candidates()).isEqualTo(6);
            assertThat(j.resumable()).isFalse();
        });
        assertThat(vm.selectedCountProperty().get()).isZero();
        assertThat(notifier.infos).anyMatch(s -> s.startsWith("Candidates generated: 2 of 2 prompts · 6 candidates"));
        Workspace ws = workspaces.workspace();
        long p = ws.prompts().bySourceId("new-1").orElseThrow().id();
        assertThat(ws.candidates().forPrompt(p)).extracting(Candidate::model).containsOnly("served-model");
    }

    @Test
    void settingsAreKeptInTheWorkspaceWithoutTheApiKey() {
        vm.presetProperty().set(ServerPreset.OLLAMA);
        assertThat(vm.baseUrlProperty().get()).isEqualTo("http://localhost:11434/v1");
        assertThat(vm.supportsNProperty().get()).isFalse();
        vm.baseUrlProperty().set(server.baseUrl());
        vm.serverModelProperty().set("served-model");
        vm.apiKeyProperty().set("sk-typed-secret");
        vm.apiKeyEnvProperty().set("MY_KEY");
        vm.temperatureProperty().set(0.3);
        vm.stopProperty().set("###\nEND");
        vm.start();
        assertThat(server.completionRequests()).allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer sk-typed-secret"));
        String stored = workspaces.workspace().settings().get(GenerateViewModel.SETTINGS).orElseThrow();
        assertThat(stored).contains("\"api_key_env\":\"MY_KEY\"").doesNotContain("sk-typed-secret");
        assertThat(server.completionRequests().get(0).body().path("stop").toString()).isEqualTo("[\"###\",\"END\"]");

        // a fresh screen on the same workspace: everything back but the key, which comes from the variable now
        GenerateViewModel again = newViewModel(Map.of("MY_KEY", "sk-from-env"));
        assertThat(again.presetProperty().get()).isEqualTo(ServerPreset.OLLAMA);
        assertThat(again.baseUrlProperty().get()).isEqualTo(server.baseUrl());
        assertThat(again.serverModelProperty().get()).isEqualTo("served-model");
        assertThat(again.temperatureProperty().get()).isEqualTo(0.3);
        assertThat(again.stopProperty().get()).isEqualTo("###\nEND");
        assertThat(again.apiKeyProperty().get()).isEmpty();
        assertThat(((OpenAiConfig) again.backendConfig()).apiKeyEnv()).isEqualTo("MY_KEY");
        again.onlyMissingProperty().set(false);
        again.nProperty().set(1);
        again.start();
        assertThat(server.completionRequests().get(server.completionRequests().size() - 1).authorization()).isEqualTo("Bearer sk-from-env");
    }

    @Test
    void badSettingsSayWhichFieldAndStartNothing() {
        vm.serverModelProperty().set("served-model");
        vm.seedProperty().set("forty-two");
        vm.start();
        assertThat(vm.jobMessageIsErrorProperty().get()).isTrue();
        assertThat(vm.jobMessageProperty().get()).contains("field 'seed'").contains("not a whole number");
        vm.seedProperty().set("");
        vm.serverModelProperty().set("");
        vm.start();
        assertThat(vm.jobMessageProperty().get()).contains("field 'model'");
        vm.kindProperty().set(BackendKind.ONNX);
        vm.start();
        assertThat(vm.jobMessageProperty().get()).contains("model folder");
        assertThat(server.completionRequests()).isEmpty();
        assertThat(vm.jobs()).isEmpty();
    }

    @Test
    void aJobStoppedByAnErrorIsOfferedForResumingAndResumes() {
        vm.serverModelProperty().set("served-model");
        vm.retriesProperty().set(1);
        server.when(r -> r.prompt().equals("New three?"), OpenAiTestServer.Fault.status(500, "out of memory"));
        vm.start();
        assertThat(vm.jobMessageIsErrorProperty().get()).isTrue();
        assertThat(vm.jobMessageProperty().get()).contains("1 prompt got no usable answer").contains("out of memory");
        JobRow left = vm.resumableProperty().get();
        assertThat(left).isNotNull();
        assertThat(left.state()).isEqualTo("failed");
        assertThat(left.done()).isEqualTo(3);
        server.clearRules();
        vm.resume(left);
        assertThat(vm.jobMessageProperty().get()).startsWith("Job #1: 4 of 4 prompts · 5 candidates").endsWith("Done.");
        assertThat(vm.resumableProperty().get()).isNull();
        assertThat(vm.jobs()).singleElement().satisfies(j -> assertThat(j.state()).isEqualTo("complete"));
    }

    @Test
    void theOnnxBackendIsTestedAndRunOnTheTinyModel() {
        vm.kindProperty().set(BackendKind.ONNX);
        vm.modelDirProperty().set(Path.of("../modules/inference/src/test/resources/tiny-lm/with-past").toAbsolutePath().toString());
        vm.maxTokensProperty().set(4);
        vm.seedProperty().set("42"); // unseeded, the random tiny model sometimes samples four blank tokens
        vm.testConnection();
        assertThat(vm.testFailedProperty().get()).as(vm.testStatusProperty().get()).isFalse();
        assertThat(vm.testStatusProperty().get()).contains("from with-past").contains("Running on the CPU").contains("KV cache");
        assertThat(vm.testReplyProperty().get()).isNotBlank();
        vm.nProperty().set(2);
        vm.start();
        assertThat(vm.jobMessageProperty().get()).startsWith("Job #1: 4 of 4 prompts · 8 candidates").contains("tokens/s");
    }
}
