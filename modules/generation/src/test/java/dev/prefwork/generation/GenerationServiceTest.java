package dev.prefwork.generation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prefwork.core.Candidate;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.core.Prompt;
import dev.prefwork.core.PromptFilter;
import dev.prefwork.store.GenerationJobRepository;
import dev.prefwork.store.GenerationJobRepository.StoredJob;
import dev.prefwork.store.Workspace;
import dev.prefwork.testkit.OpenAiTestServer;
import dev.prefwork.testkit.OpenAiTestServer.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Generation jobs through the real store and a real loopback server: what is written, resuming, never doubling. */
class GenerationServiceTest {

    @TempDir
    Path dir;
    Workspace ws;
    OpenAiTestServer server;
    GenerationService service;

    @BeforeEach
    void setUp() throws Exception {
        ws = TestWorkspaces.create(dir, 2, 8);
        server = OpenAiTestServer.start("base-7b");
        service = new GenerationService(ws);
    }

    @AfterEach
    void tearDown() {
        server.close();
        ws.close();
    }

    /** A progress the test can cancel, recording the messages it was given. */
    static final class TestProgress implements Progress {
        final AtomicBoolean cancel = new AtomicBoolean();
        final List<String> messages = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void update(long done, long total, String message) {
            messages.add(done + "/" + total + " " + message);
        }

        @Override
        public boolean isCancelled() {
            return cancel.get();
        }
    }

    private OpenAiConfig config() {
        // one prompt at a time, so the tests know the order; concurrencyIsBoundedByTheSetting sets more
        return OpenAiConfig.of(ServerPreset.VLLM, "base-7b").withBaseUrl(server.baseUrl()).withMaxRetries(1)
                .withTimeout(Duration.ofSeconds(5)).withConcurrency(1);
    }

    private OpenAiBackend backend(OpenAiConfig c) {
        return OpenAiBackend.open(c, null, Duration.ofMillis(5));
    }

    private GenerationRequest missing(OpenAiConfig c) {
        return new GenerationRequest("fill new prompts", PromptSelection.missingCandidates(), GenerationParams.defaults().withSeed(9L), c);
    }

    private List<Prompt> newPrompts() {
        List<Prompt> out = new ArrayList<>();
        for (long id : ws.prompts().ids(PromptFilter.ALL)) {
            Prompt p = ws.prompts().get(id).orElseThrow();
            if (p.sourceId().startsWith("new-")) out.add(p);
        }
        return out;
    }

    /** Each new prompt's number of candidates, and how many completion requests the server answered for it. */
    private void assertEveryNewPromptHasFiveCandidatesAskedForOnce() {
        Map<String, Integer> asked = new HashMap<>();
        for (OpenAiTestServer.Request r : server.completionRequests()) asked.merge(r.prompt(), 1, Integer::sum);
        for (Prompt p : newPrompts()) {
            List<Candidate> c = ws.candidates().forPrompt(p.id());
            assertThat(c).as(p.sourceId()).hasSize(5);
            assertThat(c).extracting(Candidate::position).containsExactly(0, 1, 2, 3, 4);
            assertThat(c).extracting(Candidate::text).doesNotHaveDuplicates();
        }
        long written = newPrompts().size();
        assertThat(server.answered()).as("one answered request per prompt: nothing asked twice").isEqualTo((int) written);
    }

    @Test
    void fillsThePromptsWithoutCandidatesAndRecordsModelAndParametersOnEveryCandidate() {
        TestProgress progress = new TestProgress();
        List<GenerationService.PromptOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        GenerationService.JobReport report = service.generate(missing(config()), backend(config()), outcomes::add, progress);

        assertThat(report.status()).isEqualTo(GenerationJobRepository.COMPLETE);
        assertThat(report.stats().done()).isEqualTo(8);
        assertThat(report.stats().candidates()).isEqualTo(40);
        assertThat(report.stats().tokensCounted()).isTrue();
        assertThat(report.stats().tokens()).isPositive();
        assertThat(outcomes).hasSize(8).allSatisfy(o -> assertThat(o.status()).isEqualTo("WRITTEN"));
        assertThat(progress.messages.get(progress.messages.size() - 1)).startsWith("8/8 8 of 8 prompts · 40 candidates · ")
                .contains("tokens/s");
        assertEveryNewPromptHasFiveCandidatesAskedForOnce();

        Prompt first = newPrompts().get(0);
        Candidate c = ws.candidates().forPrompt(first.id()).get(3);
        assertThat(c.model()).isEqualTo("base-7b");
        assertThat(c.text()).isEqualTo(OpenAiTestServer.answer("base-7b", first.text(), 3, 9L));
        JsonNode g = Json.read(c.metadataJson()).path("generation");
        assertThat(g.path("job").asLong()).isEqualTo(report.jobId());
        assertThat(g.path("model").asText()).isEqualTo("base-7b");
        assertThat(g.path("backend").asText()).isEqualTo("openai");
        assertThat(g.path("preset").asText()).isEqualTo("vllm");
        assertThat(g.path("base_url").asText()).isEqualTo(server.baseUrl());
        assertThat(g.path("endpoint").asText()).isEqualTo("chat");
        assertThat(g.path("n").asInt()).isEqualTo(5);
        assertThat(g.path("temperature").asDouble()).isEqualTo(0.8);
        assertThat(g.path("top_p").asDouble()).isEqualTo(0.95);
        assertThat(g.path("max_tokens").asInt()).isEqualTo(512);
        assertThat(g.path("index").asInt()).isEqualTo(3);
        assertThat(g.path("seed").asLong()).isEqualTo(9);
        assertThat(g.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(g.path("server_model").asText()).isEqualTo("base-7b");
        assertThat(g.path("generated_at").asText()).isNotEmpty();
        assertThat(ws.generationJobs().candidates(report.jobId())).hasSize(40);
        // the old prompts keep their two imported candidates
        long old = ws.prompts().bySourceId("old-1").orElseThrow().id();
        assertThat(ws.candidates().forPrompt(old)).hasSize(2);

        StoredJob job = service.job(report.jobId()).orElseThrow();
        assertThat(service.state(job)).isEqualTo("complete");
        assertThat(job.label()).isEqualTo("fill new prompts");
        assertThatThrownBy(() -> service.run(report.jobId(), backend(config()), null, Progress.NONE))
                .isInstanceOf(InputException.class).hasMessageContaining("is complete");
        assertThatThrownBy(() -> service.create(missing(config()))).isInstanceOf(InputException.class)
                .hasMessageContaining("every selected prompt has candidates already");
    }

    @Test
    void concurrencyIsBoundedByTheSetting() {
        server.latency(150);
        OpenAiConfig four = config().withConcurrency(4);
        service.generate(missing(four), backend(four), null, Progress.NONE);
        assertThat(server.maxInFlight()).isBetween(2, 4);
        assertEveryNewPromptHasFiveCandidatesAskedForOnce();
    }

    @Test
    void manyPromptsCommittedAtOnceNeitherDeadlockNorDouble() throws Exception {
        try (Workspace big = TestWorkspaces.create(dir.resolve("big"), 0, 120)) {
            OpenAiConfig eight = config().withConcurrency(8);
            GenerationService.JobReport r = new GenerationService(big).generate(
                    new GenerationRequest(null, PromptSelection.missingCandidates(), GenerationParams.defaults(), eight),
                    backend(eight), null, Progress.NONE);
            assertThat(r.status()).as(String.valueOf(r.error())).isEqualTo(GenerationJobRepository.COMPLETE);
            assertThat(big.candidates().count()).isEqualTo(600);
            assertThat(big.jdbc().count("SELECT COUNT(*) FROM (SELECT prompt_id FROM candidate GROUP BY prompt_id HAVING COUNT(*) <> 5)")).isZero();
        }
    }

    @Test
    void aServerThatGoesDownMidJobStopsItAndTheJobResumesWithoutDuplicates() {
        AtomicInteger written = new AtomicInteger();
        GenerationService.Listener downAfterThree = o -> {
            if (o.status().equals("WRITTEN") && written.incrementAndGet() == 3) server.stopListening();
        };
        GenerationRequest request = missing(config());
        long jobId = service.create(request);
        assertThatThrownBy(() -> service.run(jobId, backend(config()), downAfterThree, Progress.NONE))
                .isInstanceOfSatisfying(GenerationException.class, e -> assertThat(e.kind()).isEqualTo(GenerationException.Kind.UNAVAILABLE))
                .hasMessageContaining("3 prompts in a row got no usable answer")
                .hasMessageContaining("cannot connect");
        StoredJob stopped = service.job(jobId).orElseThrow();
        assertThat(stopped.status()).isEqualTo(GenerationJobRepository.FAILED);
        assertThat(stopped.done()).isEqualTo(3);
        assertThat(stopped.failed()).isEqualTo(3);
        assertThat(stopped.remaining()).isEqualTo(5);
        assertThat(stopped.error()).contains("3 prompts in a row");
        assertThat(service.latestResumable().orElseThrow().id()).isEqualTo(jobId);
        int withCandidates = 0;
        for (Prompt p : newPrompts()) {
            int n = ws.candidates().forPrompt(p.id()).size();
            assertThat(n).isIn(0, 5);
            if (n == 5) withCandidates++;
        }
        assertThat(withCandidates).isEqualTo(3);

        server.restart();
        // resumed from what the job stored (a fresh backend from its settings, as after a restart of the app)
        GenerationRequest stored = GenerationService.requestOf(stopped);
        assertThat(stored.backend()).isEqualTo(request.backend());
        assertThat(stored.params()).isEqualTo(request.params());
        GenerationService.JobReport resumed = service.run(jobId, backend((OpenAiConfig) stored.backend()), null, Progress.NONE);
        assertThat(resumed.status()).isEqualTo(GenerationJobRepository.COMPLETE);
        assertThat(resumed.stats().candidates()).isEqualTo(25);
        assertEveryNewPromptHasFiveCandidatesAskedForOnce();
        assertThat(service.latestResumable()).isEmpty();
    }

    @Test
    void aConnectionDroppedMidJobIsRetriedAndNothingIsDoubled() {
        // the 4th prompt's first request loses its connection; the client retries it
        AtomicInteger seen = new AtomicInteger();
        server.when(r -> r.prompt().contains("number 4?") && seen.incrementAndGet() == 1, Fault.dropConnection());
        GenerationService.JobReport r = service.generate(missing(config()), backend(config()), null, Progress.NONE);
        assertThat(r.status()).isEqualTo(GenerationJobRepository.COMPLETE);
        assertThat(server.completionRequests()).hasSize(9);
        assertEveryNewPromptHasFiveCandidatesAskedForOnce();
    }

    @Test
    void cancellingStopsTheJobAndResumingFinishesIt() {
        TestProgress progress = new TestProgress();
        GenerationService.Listener cancelAfterTwo = o -> {
            if (o.stats().done() == 2) progress.cancel.set(true);
        };
        long jobId = service.create(missing(config()));
        assertThatThrownBy(() -> service.run(jobId, backend(config()), cancelAfterTwo, progress)).isInstanceOf(Progress.Cancelled.class);
        StoredJob stopped = service.job(jobId).orElseThrow();
        assertThat(stopped.status()).isEqualTo(GenerationJobRepository.STOPPED);
        assertThat(stopped.done()).isEqualTo(2);
        assertThat(service.state(stopped)).isEqualTo("stopped");
        GenerationService.JobReport r = service.run(jobId, backend(config()), null, Progress.NONE);
        assertThat(r.stats().done()).isEqualTo(8);
        assertThat(r.stats().candidates()).isEqualTo(30);
        assertEveryNewPromptHasFiveCandidatesAskedForOnce();
    }

    @Test
    void aRefusedRequestStopsTheJobAtOnceAndWritesNothing() {
        OpenAiConfig wrong = config().withModel("no-such-model");
        long jobId = service.create(missing(wrong));
        assertThatThrownBy(() -> service.run(jobId, backend(wrong), null, Progress.NONE))
                .isInstanceOfSatisfying(GenerationException.class, e -> assertThat(e.kind()).isEqualTo(GenerationException.Kind.REFUSED))
                .hasMessageContaining("does not exist");
        assertThat(server.completionRequests()).hasSize(1);
        StoredJob job = service.job(jobId).orElseThrow();
        assertThat(job.status()).isEqualTo(GenerationJobRepository.FAILED);
        assertThat(job.remaining()).isEqualTo(8);
        assertThat(job.error()).contains("does not exist");
        assertThat(ws.generationJobs().candidates(jobId)).isEmpty();
        // the job knows its model: another one cannot resume it
        assertThatThrownBy(() -> service.run(jobId, backend(config()), null, Progress.NONE))
                .isInstanceOf(InputException.class).hasMessageContaining("model 'no-such-model'");
    }

    @Test
    void aPromptThatFailsAfterRetriesIsMarkedAndTheRestGoOn() {
        server.when(r -> r.prompt().contains("number 5?"), Fault.status(500, "model crashed on this one"));
        GenerationService.JobReport r = service.generate(missing(config()), backend(config()), null, Progress.NONE);
        assertThat(r.status()).isEqualTo(GenerationJobRepository.FAILED);
        assertThat(r.remaining()).isEqualTo(1);
        assertThat(r.error()).contains("1 prompt got no usable answer").contains("model crashed on this one");
        assertThat(r.stats().done()).isEqualTo(7);
        server.clearRules();
        GenerationService.JobReport again = service.run(r.jobId(), backend(config()), null, Progress.NONE);
        assertThat(again.status()).isEqualTo(GenerationJobRepository.COMPLETE);
        assertThat(again.stats().candidates()).isEqualTo(5);
    }

    @Test
    void aPromptTooLongOrRefusedAfterOthersSucceededFailsAloneAndTheJobGoesOn() {
        server.when(r -> r.prompt().contains("number 2?"), Fault.status(400, "prompt is too long for the context window"));
        server.when(r -> r.prompt().contains("number 3?"), Fault.status(400, "too long"));
        server.when(r -> r.prompt().contains("number 4?"), Fault.status(403, "content blocked by the gateway"));
        GenerationService.JobReport r = service.generate(missing(config()), backend(config()), null, Progress.NONE);
        assertThat(r.status()).isEqualTo(GenerationJobRepository.FAILED);
        assertThat(r.remaining()).isEqualTo(3);
        assertThat(r.stats().done()).isEqualTo(5);
        assertThat(ws.generationJobs().errors(r.jobId(), 10)).extracting(GenerationJobRepository.PromptError::error)
                .anySatisfy(e -> assertThat(e).contains("cannot take this prompt"))
                .anySatisfy(e -> assertThat(e).contains("HTTP 403 Forbidden: content blocked by the gateway"));
    }

    @Test
    void selectionsByDatasetCategoryAndAnExplicitPromptSet() {
        assertThat(service.resolve(PromptSelection.all(false))).hasSize(10);
        assertThat(service.resolve(PromptSelection.missingCandidates())).hasSize(8);
        assertThat(service.resolve(PromptSelection.category("writing", true))).hasSize(4);
        assertThat(service.resolve(PromptSelection.category("coding", false))).hasSize(6);
        long oldDataset = ws.prompts().bySourceId("old-1").orElseThrow().datasetId();
        assertThat(service.resolve(PromptSelection.dataset(oldDataset, false))).hasSize(2);
        assertThat(service.resolve(PromptSelection.dataset(oldDataset, true))).isEmpty();

        // before/after: a chosen prompt set gets n more candidates from another model, whatever it has
        long a = ws.prompts().bySourceId("old-1").orElseThrow().id();
        long b = ws.prompts().bySourceId("new-2").orElseThrow().id();
        OpenAiConfig tuned = config().withModel("base-7b");
        GenerationParams two = GenerationParams.defaults().withN(2);
        GenerationService.JobReport r = service.generate(new GenerationRequest("before/after", PromptSelection.prompts(b, a), two, tuned),
                backend(tuned), null, Progress.NONE);
        assertThat(r.stats().candidates()).isEqualTo(4);
        assertThat(ws.candidates().forPrompt(a)).extracting(Candidate::position).containsExactly(0, 1, 2, 3);
        assertThat(ws.generationJobs().candidates(r.jobId())).extracting(Candidate::promptId).containsExactlyInAnyOrder(a, a, b, b);
        assertThat(server.completionRequests()).extracting(OpenAiTestServer.Request::prompt)
                .containsExactly("New question number 2?", "Old question 1?");
        assertThatThrownBy(() -> service.resolve(PromptSelection.prompts(999_999))).isInstanceOf(InputException.class)
                .hasMessageContaining("no prompt with id 999999");
    }

    @Test
    void anOnlyMissingJobSkipsAPromptAnotherJobFilledMeanwhile() {
        long older = service.create(missing(config()));
        long newer = service.create(new GenerationRequest(null, PromptSelection.category("writing", true), GenerationParams.defaults(), config()));
        service.run(newer, backend(config()), null, Progress.NONE);
        GenerationService.JobReport r = service.run(older, backend(config()), null, Progress.NONE);
        assertThat(r.status()).isEqualTo(GenerationJobRepository.COMPLETE);
        assertThat(service.job(older).orElseThrow().skipped()).isEqualTo(4);
        assertThat(r.stats().candidates()).isEqualTo(20);
        for (Prompt p : newPrompts()) assertThat(ws.candidates().forPrompt(p.id())).hasSize(5);
    }

    @Test
    void theApiKeyIsNeverStoredLoggedOrShown() throws Exception {
        String key = "sk-very-secret-0042";
        server.requireKey(key);
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        String failure;
        try {
            OpenAiConfig c = config().withApiKeyEnv("PREFWORK_TEST_KEY");
            GenerationService.JobReport ok = service.generate(missing(c),
                    OpenAiBackend.open(c, ApiKey.fromEnvironment("PREFWORK_TEST_KEY", Map.of("PREFWORK_TEST_KEY", key)), Duration.ofMillis(5)),
                    null, Progress.NONE);
            assertThat(ok.status()).isEqualTo(GenerationJobRepository.COMPLETE);
            // a 503 retried (logged), then a 401 whose body echoes the header
            server.requireKey("another-key");
            server.next(Fault.status(503, "busy; your header was Bearer " + key));
            long all = service.create(new GenerationRequest(null, PromptSelection.all(false), GenerationParams.defaults().withN(1), c));
            try {
                service.run(all, OpenAiBackend.open(c, ApiKey.of(key), Duration.ofMillis(5)), null, Progress.NONE);
                failure = "";
            } catch (GenerationException e) {
                failure = e.getMessage() + " " + e;
            }
        } finally {
            System.setErr(stderr);
        }
        assertThat(failure).contains("Bearer [API key]").doesNotContain(key);
        String logs = captured.toString(StandardCharsets.UTF_8);
        assertThat(logs).contains("retrying").doesNotContain(key);
        assertThat(server.completionRequests().get(0).authorization()).isEqualTo("Bearer " + key);
        List<String> dump = ws.jdbc().list("SCRIPT", rs -> rs.getString(1));
        assertThat(String.join("\n", dump)).contains("PREFWORK_TEST_KEY").doesNotContain(key);
        assertThatThrownBy(() -> ApiKey.fromEnvironment("PREFWORK_UNSET_KEY", Map.of())).isInstanceOf(InputException.class)
                .hasMessageContaining("PREFWORK_UNSET_KEY is not set");
    }
}
