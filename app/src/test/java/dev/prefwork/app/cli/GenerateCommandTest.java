package dev.prefwork.app.cli;

import dev.prefwork.core.Candidate;
import dev.prefwork.core.PromptFilter;
import dev.prefwork.store.GenerationJobRepository;
import dev.prefwork.store.Workspace;
import dev.prefwork.testkit.OpenAiTestServer;
import dev.prefwork.testkit.OpenAiTestServer.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.prefwork.app.cli.PrefworkCliTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code prefwork generate} against a loopback OpenAI-compatible server and the tiny ONNX LM. */
class GenerateCommandTest {

    @TempDir
    Path dir;
    Path ws;
    OpenAiTestServer server;

    @BeforeEach
    void setUp() throws IOException {
        System.setProperty("prefwork.home", dir.resolve("home").toString());
        ws = dir.resolve("ws");
        assertThat(cli("init", ws.toString()).code()).isZero();
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 6; i++) sb.append("{\"id\":\"q-").append(i).append("\",\"prompt\":\"Question ").append(i).append("?\"}\n");
        Path file = Files.writeString(dir.resolve("prompts.jsonl"), sb);
        assertThat(cli("import", ws.toString(), file.toString()).code()).isZero();
        server = OpenAiTestServer.start("served-model");
    }

    @AfterEach
    void tearDown() {
        server.close();
        System.clearProperty("prefwork.home");
    }

    private int candidates() {
        try (Workspace w = Workspace.open(ws)) {
            return (int) w.candidates().count();
        }
    }

    @Test
    void fillsThePromptsFromAServerAndTakesTheModelItLists() {
        PrefworkCliTest.Run r = cli("generate", ws.toString(), "--backend", "openai", "--base-url", server.baseUrl(), "--n", "3",
                "--seed", "5", "--temperature", "0.5");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("using the model the server lists first: served-model");
        assertThat(r.out()).contains("Job #1 complete: 6 of 6 prompts · 18 candidates").contains("model served-model");
        try (Workspace w = Workspace.open(ws)) {
            long first = w.prompts().ids(PromptFilter.ALL)[0];
            assertThat(w.candidates().forPrompt(first)).extracting(Candidate::text)
                    .containsExactly(OpenAiTestServer.answer("served-model", "Question 1?", 0, 5L),
                            OpenAiTestServer.answer("served-model", "Question 1?", 1, 5L),
                            OpenAiTestServer.answer("served-model", "Question 1?", 2, 5L));
            assertThat(w.candidates().forPrompt(first).get(0).metadataJson()).contains("\"temperature\":0.5");
        }
        assertThat(server.completionRequests()).allSatisfy(q -> assertThat(q.body().path("temperature").asDouble()).isEqualTo(0.5));

        PrefworkCliTest.Run again = cli("generate", ws.toString(), "--backend", "openai", "--base-url", server.baseUrl(), "--model", "served-model");
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("every selected prompt has candidates already");

        PrefworkCliTest.Run list = cli("generate", ws.toString(), "--list");
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains("#1").contains("complete").contains("served-model").contains("6/6");
    }

    @Test
    void aStoppedJobResumesWithItsOwnSettings() {
        // prompt 4 fails every time: the first run ends with one prompt left and exit code 1
        server.when(q -> q.prompt().equals("Question 4?"), Fault.status(500, "boom"));
        PrefworkCliTest.Run r = cli("generate", ws.toString(), "--backend", "openai", "--base-url", server.baseUrl(), "--model", "served-model",
                "--retries", "0", "--concurrency", "1");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.err()).contains("1 prompt got no usable answer").contains("boom");
        assertThat(candidates()).isEqualTo(25);
        server.clearRules();
        PrefworkCliTest.Run resumed = cli("generate", ws.toString(), "--resume");
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.err()).contains("resuming job #1 (openai, model served-model): 1 of 6 prompts left");
        assertThat(resumed.out()).contains("Job #1 complete: 6 of 6 prompts · 5 candidates");
        assertThat(candidates()).isEqualTo(30);
        assertThat(cli("generate", ws.toString(), "--resume").err()).contains("no unfinished generation job");
    }

    @Test
    void badSettingsExitWith2AndNameTheOption() {
        PrefworkCliTest.Run none = cli("generate", ws.toString());
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("field 'backend'");
        assertThat(cli("generate", ws.toString(), "--backend", "onnx").err()).contains("field 'model-dir'");
        assertThat(cli("generate", ws.toString(), "--backend", "openai", "--base-url", "localhost:1").err())
                .contains("field 'base-url'").contains("http://");
        assertThat(cli("generate", ws.toString(), "--backend", "openai", "--preset", "lmstudio").err()).contains("field 'preset'");
        assertThat(cli("generate", ws.toString(), "--backend", "openai", "--preset", "vllm", "--model", "x", "--n", "0").err())
                .contains("field 'n'");
        assertThat(cli("generate", ws.toString(), "--backend", "openai", "--base-url", server.baseUrl(), "--model", "x",
                "--api-key-env", "PREFWORK_NO_SUCH_VARIABLE").err()).contains("PREFWORK_NO_SUCH_VARIABLE is not set");
        PrefworkCliTest.Run refused = cli("generate", ws.toString(), "--backend", "openai", "--base-url", server.baseUrl(), "--model", "nope");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("HTTP 404").contains("does not exist");
        server.stopListening();
        PrefworkCliTest.Run down = cli("generate", ws.toString(), "--backend", "openai", "--base-url", server.baseUrl(), "--model", "x",
                "--retries", "0", "--concurrency", "1");
        assertThat(down.code()).isEqualTo(1);
        assertThat(down.err()).contains("cannot connect");
        assertThat(cli("generate", "--help").code()).isZero();
        assertThat(cli("generate", "--help").out()).contains("--api-key-env").contains("--model-dir").contains("--resume");
    }

    @Test
    void theOnnxBackendRunsTheTinyModel() {
        Path model = Path.of("../modules/inference/src/test/resources/tiny-lm/with-past");
        PrefworkCliTest.Run r = cli("generate", ws.toString(), "--backend", "onnx", "--model-dir", model.toString(), "--n", "2",
                "--max-tokens", "4", "--seed", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("complete: 6 of 6 prompts · 12 candidates").contains("tokens/s").contains("model with-past");
        try (Workspace w = Workspace.open(ws)) {
            assertThat(w.generationJobs().list().get(0).status()).isEqualTo(GenerationJobRepository.COMPLETE);
            assertThat(w.candidates().forPrompt(w.prompts().ids(PromptFilter.ALL)[0])).extracting(Candidate::model).containsOnly("with-past");
        }
    }
}
