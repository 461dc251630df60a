package dev.prefwork.generation;

import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.testkit.OpenAiTestServer;
import dev.prefwork.testkit.OpenAiTestServer.Fault;
import dev.prefwork.testkit.OpenAiTestServer.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The OpenAI-compatible backend against a real HTTP server on loopback that speaks the wire format. */
class OpenAiBackendTest {

    static final String PROMPT = "How do I sort a list in Python?";
    OpenAiTestServer server;

    @BeforeEach
    void start() {
        server = OpenAiTestServer.start("base-7b", "other");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private OpenAiConfig config(ServerPreset preset) {
        return OpenAiConfig.of(preset, "base-7b").withBaseUrl(server.baseUrl()).withTimeout(Duration.ofSeconds(5));
    }

    /** Backoff of a few milliseconds, so retries don't slow the tests. */
    private static OpenAiBackend open(OpenAiConfig c) {
        return OpenAiBackend.open(c, null, Duration.ofMillis(5));
    }

    private static List<String> texts(Generation g) {
        return g.candidates().stream().map(GeneratedText::text).toList();
    }

    @Test
    void aServerThatTakesNGetsOneChatRequestWithEveryParameter() {
        GenerationParams params = new GenerationParams(5, 0.7, 0.9, 64, List.of("###"), 42L);
        Generation g = open(config(ServerPreset.VLLM)).generate(PROMPT, params, () -> false);
        assertThat(texts(g)).containsExactly(
                OpenAiTestServer.answer("base-7b", PROMPT, 0, 42L), OpenAiTestServer.answer("base-7b", PROMPT, 1, 42L),
                OpenAiTestServer.answer("base-7b", PROMPT, 2, 42L), OpenAiTestServer.answer("base-7b", PROMPT, 3, 42L),
                OpenAiTestServer.answer("base-7b", PROMPT, 4, 42L));
        assertThat(g.candidates()).extracting(GeneratedText::finishReason).containsOnly("stop");
        assertThat(g.candidates().get(0).extra()).containsEntry("server_model", "base-7b");
        assertThat(g.completionTokens()).isPositive();
        List<Request> requests = server.completionRequests();
        assertThat(requests).hasSize(1);
        Request r = requests.get(0);
        assertThat(r.path()).isEqualTo("/v1/chat/completions");
        assertThat(r.body().path("model").asText()).isEqualTo("base-7b");
        assertThat(r.body().path("messages").get(0).path("role").asText()).isEqualTo("user");
        assertThat(r.prompt()).isEqualTo(PROMPT);
        assertThat(r.n()).isEqualTo(5);
        assertThat(r.body().path("temperature").asDouble()).isEqualTo(0.7);
        assertThat(r.body().path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(r.body().path("max_tokens").asInt()).isEqualTo(64);
        assertThat(r.body().path("stop").get(0).asText()).isEqualTo("###");
        assertThat(r.body().path("seed").asLong()).isEqualTo(42);
        assertThat(r.authorization()).isNull();
    }

    @Test
    void theCompletionsEndpointSendsThePromptAsText() {
        Generation g = open(config(ServerPreset.VLLM).withEndpoint(OpenAiEndpoint.COMPLETIONS))
                .generate(PROMPT, GenerationParams.defaults().withN(2), () -> false);
        assertThat(texts(g)).containsExactly(OpenAiTestServer.answer("base-7b", PROMPT, 0, null),
                OpenAiTestServer.answer("base-7b", PROMPT, 1, null));
        Request r = server.completionRequests().get(0);
        assertThat(r.path()).isEqualTo("/v1/completions");
        assertThat(r.body().path("prompt").asText()).isEqualTo(PROMPT);
        assertThat(r.body().has("messages")).isFalse();
        assertThat(r.body().has("seed")).isFalse();
    }

    @Test
    void aPresetWithoutNSendsOneRequestPerCandidateEachWithItsOwnSeed() {
        OpenAiBackend llama = open(config(ServerPreset.LLAMA_CPP));
        Generation g = llama.generate(PROMPT, GenerationParams.defaults().withSeed(100L), () -> false);
        assertThat(server.completionRequests()).hasSize(5);
        assertThat(server.completionRequests()).allSatisfy(r -> assertThat(r.body().has("n")).isFalse());
        assertThat(server.completionRequests()).extracting(r -> r.body().path("seed").asLong()).containsExactly(100L, 101L, 102L, 103L, 104L);
        assertThat(g.candidates()).extracting(GeneratedText::seed).containsExactly(100L, 101L, 102L, 103L, 104L);
        assertThat(texts(g)).doesNotHaveDuplicates();
        assertThat(g.candidates()).allSatisfy(c -> assertThat(c.completionTokens()).isPositive());
    }

    @Test
    void aServerThatIgnoresNIsAskedForTheRestOneByOneAndThenAlwaysOneByOne() {
        server.honorsN(false);
        OpenAiBackend backend = open(config(ServerPreset.VLLM));
        Generation first = backend.generate(PROMPT, GenerationParams.defaults().withSeed(7L), () -> false);
        assertThat(first.candidates()).hasSize(5);
        assertThat(server.completionRequests()).extracting(Request::n).containsExactly(5, 1, 1, 1, 1);
        assertThat(server.completionRequests()).extracting(r -> r.body().path("seed").asLong()).containsExactly(7L, 8L, 9L, 10L, 11L);
        backend.generate("Another prompt", GenerationParams.defaults(), () -> false);
        assertThat(server.completionRequests().subList(5, 10)).extracting(Request::n).containsOnly(1);
        assertThat(first.completionTokens()).as("counted across the six replies").isPositive();
    }

    @Test
    void a429WithRetryAfterIsWaitedOutThenRetried() {
        server.next(Fault.tooManyRequests(1));
        long t0 = System.nanoTime();
        Generation g = open(config(ServerPreset.VLLM)).generate(PROMPT, GenerationParams.defaults().withN(1), () -> false);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(g.candidates()).hasSize(1);
        assertThat(server.completionRequests()).hasSize(2);
        assertThat(ms).as("waited for Retry-After: 1, not the 5 ms backoff").isGreaterThanOrEqualTo(950);
    }

    @Test
    void fiveHundredsAreRetriedWithBackoffAndGiveUpWithAClearMessage() {
        server.next(Fault.status(500), Fault.status(503, "overloaded"));
        assertThat(open(config(ServerPreset.VLLM)).generate(PROMPT, GenerationParams.defaults(), () -> false).candidates()).hasSize(5);
        assertThat(server.completionRequests()).hasSize(3);

        server.when(r -> true, Fault.status(502, "upstream gone"));
        OpenAiBackend twoRetries = open(config(ServerPreset.VLLM).withMaxRetries(2));
        assertThatThrownBy(() -> twoRetries.generate(PROMPT, GenerationParams.defaults(), () -> false))
                .isInstanceOfSatisfying(GenerationException.class, e -> assertThat(e.kind()).isEqualTo(GenerationException.Kind.UNAVAILABLE))
                .hasMessageContaining(server.baseUrl() + "/chat/completions")
                .hasMessageContaining("after 3 attempts")
                .hasMessageContaining("HTTP 502 Bad Gateway: upstream gone");
        assertThat(server.completionRequests()).hasSize(3 + 3);
    }

    @Test
    void aSlowReplyTimesOutAndIsRetried() {
        server.next(Fault.delay(3000));
        OpenAiBackend backend = open(config(ServerPreset.VLLM).withTimeout(Duration.ofMillis(300)));
        long t0 = System.nanoTime();
        assertThat(backend.generate(PROMPT, GenerationParams.defaults(), () -> false).candidates()).hasSize(5);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("did not wait for the slow reply").isLessThan(2500);
        assertThat(server.completionRequests()).hasSize(2);

        server.when(r -> true, Fault.delay(3000));
        OpenAiBackend noRetry = open(config(ServerPreset.VLLM).withTimeout(Duration.ofMillis(300)).withMaxRetries(0));
        assertThatThrownBy(() -> noRetry.generate(PROMPT, GenerationParams.defaults(), () -> false))
                .isInstanceOf(GenerationException.class).hasMessageContaining("no reply within 0.3 s").hasMessageContaining("after 1 attempt ");
    }

    @Test
    void aDroppedConnectionAndAGarbledReplyAreRetried() {
        server.next(Fault.dropConnection(), Fault.rawBody("<html>502 from a proxy</html>"));
        assertThat(open(config(ServerPreset.VLLM)).generate(PROMPT, GenerationParams.defaults(), () -> false).candidates()).hasSize(5);
        assertThat(server.completionRequests()).hasSize(3);

        server.when(r -> true, Fault.rawBody("{\"object\":\"error\"}"));
        assertThatThrownBy(() -> open(config(ServerPreset.VLLM).withMaxRetries(1)).generate(PROMPT, GenerationParams.defaults(), () -> false))
                .isInstanceOf(GenerationException.class).hasMessageContaining("not the JSON an OpenAI-compatible server sends (no 'choices' list)");
    }

    @Test
    void a4xxIsNotRetriedAndSaysWhatToCheck() {
        OpenAiBackend wrongModel = open(config(ServerPreset.VLLM).withModel("nope"));
        assertThatThrownBy(() -> wrongModel.generate(PROMPT, GenerationParams.defaults(), () -> false))
                .isInstanceOfSatisfying(GenerationException.class, e -> {
                    assertThat(e.kind()).isEqualTo(GenerationException.Kind.REFUSED);
                    assertThat(e.stopsTheJob()).isTrue();
                })
                .hasMessage("The server at " + server.baseUrl() + " refused the request (HTTP 404 Not Found: The model `nope` does not exist.)."
                        + " Check the base URL, the endpoint (chat or completions) and the model name.");
        assertThat(server.completionRequests()).hasSize(1);
    }

    @Test
    void aPromptLongerThanTheContextIsAProblemOfThatPromptOnly() {
        server.next(Fault.status(400, "This model's maximum context length is 4096 tokens. However, you requested 5120 tokens."));
        assertThatThrownBy(() -> open(config(ServerPreset.VLLM)).generate(PROMPT, GenerationParams.defaults(), () -> false))
                .isInstanceOfSatisfying(GenerationException.class, e -> {
                    assertThat(e.kind()).isEqualTo(GenerationException.Kind.PROMPT);
                    assertThat(e.stopsTheJob()).isFalse();
                })
                .hasMessageContaining("cannot take this prompt (HTTP 400 Bad Request: This model's maximum context length is 4096 tokens");
    }

    @Test
    void aServerThatIsNotRunningSaysSo() {
        server.stopListening();
        assertThatThrownBy(() -> open(config(ServerPreset.VLLM).withMaxRetries(1)).generate(PROMPT, GenerationParams.defaults(), () -> false))
                .isInstanceOf(GenerationException.class)
                .hasMessageContaining("cannot connect").hasMessageContaining("is the server running at " + server.baseUrl());
    }

    @Test
    void theApiKeyIsSentAsABearerTokenAndNeverShownBack() {
        server.requireKey("sk-right-1234");
        OpenAiBackend right = OpenAiBackend.open(config(ServerPreset.VLLM), ApiKey.of("sk-right-1234"), Duration.ofMillis(5));
        assertThat(right.generate(PROMPT, GenerationParams.defaults().withN(1), () -> false).candidates()).hasSize(1);
        assertThat(server.completionRequests().get(0).authorization()).isEqualTo("Bearer sk-right-1234");
        assertThat(right.describe().toString()).doesNotContain("sk-right").contains("\"api_key\":\"given\"");
        assertThat(right.toString() + right.config()).doesNotContain("sk-right");
        assertThat(ApiKey.of("sk-right-1234").toString()).isEqualTo("ApiKey[hidden]");

        // the server's 401 page echoes the header it got: the message shows it redacted
        OpenAiBackend wrong = OpenAiBackend.open(config(ServerPreset.VLLM), ApiKey.of("sk-wrong-5678"), Duration.ofMillis(5));
        assertThatThrownBy(() -> wrong.generate(PROMPT, GenerationParams.defaults(), () -> false))
                .isInstanceOf(GenerationException.class)
                .hasMessageContaining("HTTP 401 Unauthorized: Invalid API key in header: Bearer [API key]")
                .hasMessageContaining("Check the API key")
                .hasMessageNotContaining("sk-wrong");
    }

    @Test
    void theModelListAndCancellingAWait() {
        assertThat(open(config(ServerPreset.OLLAMA)).models(() -> false)).containsExactly("base-7b", "other");
        server.latency(5000);
        long t0 = System.nanoTime();
        long deadline = t0 + 200_000_000L;
        assertThatThrownBy(() -> open(config(ServerPreset.VLLM).withTimeout(Duration.ofSeconds(30)))
                .generate(PROMPT, GenerationParams.defaults(), () -> System.nanoTime() > deadline))
                .isInstanceOf(Progress.Cancelled.class);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2000);
    }

    @Test
    void baseUrlsAreCheckedAndGetV1WhenTheyHaveNoPath() {
        assertThat(OpenAiConfig.normalize("http://localhost:8000")).isEqualTo("http://localhost:8000/v1");
        assertThat(OpenAiConfig.normalize(" http://localhost:8000/v1/ ")).isEqualTo("http://localhost:8000/v1");
        assertThat(OpenAiConfig.normalize("https://gpu-box:443/openai/v1")).isEqualTo("https://gpu-box:443/openai/v1");
        assertThatThrownBy(() -> OpenAiConfig.normalize("http://user:secret@host/v1")).isInstanceOf(InputException.class)
                .hasMessageContaining("base-url").hasMessageContaining("user name or password").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> OpenAiConfig.normalize("http://host/v1?key=abc")).isInstanceOf(InputException.class).hasMessageContaining("query");
        assertThatThrownBy(() -> OpenAiConfig.normalize("localhost:8000")).isInstanceOf(InputException.class).hasMessageContaining("http://");
        assertThatThrownBy(() -> OpenAiConfig.normalize("")).isInstanceOf(InputException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> config(ServerPreset.VLLM).withApiKeyEnv("sk-abc-123")).isInstanceOf(InputException.class)
                .hasMessageContaining("not an environment variable name");
        OpenAiConfig c = config(ServerPreset.LLAMA_CPP).withApiKeyEnv("LLAMA_KEY");
        assertThat(OpenAiConfig.fromJson(c.toJson())).isEqualTo(c);
    }
}
