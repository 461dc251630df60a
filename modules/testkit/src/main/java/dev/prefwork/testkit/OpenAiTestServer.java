package dev.prefwork.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real HTTP server on the loopback interface that speaks OpenAI's completions wire format — {@code POST
 * /v1/chat/completions}, {@code POST /v1/completions}, {@code GET /v1/models} — for tests and benchmarks of the
 * generation backend. Replies are deterministic: choice {@code i} of a prompt says which prompt, index and seed it
 * answers. Faults can be queued for the next requests (a status with an optional Retry-After, a slow reply, a
 * dropped connection) or set as rules for requests whose body matches.
 */
public final class OpenAiTestServer implements AutoCloseable {

    /** What the server does with one request instead of (or before) answering it. */
    public record Fault(int status, Integer retryAfterSeconds, String errorMessage, long delayMillis, boolean drop, String rawBody) {

        public Fault(int status, Integer retryAfterSeconds, String errorMessage, long delayMillis, boolean drop) {
            this(status, retryAfterSeconds, errorMessage, delayMillis, drop, null);
        }

        /** Answer 200 with this body as it is (not the JSON a client expects). */
        public static Fault rawBody(String body) {
            return new Fault(200, null, null, 0, false, body);
        }

        /** Answer with this HTTP status and an OpenAI-style error body. */
        public static Fault status(int status) {
            return new Fault(status, null, "fault injected by the test server", 0, false);
        }

        public static Fault status(int status, String errorMessage) {
            return new Fault(status, null, errorMessage, 0, false);
        }

        /** 429 with {@code Retry-After: seconds}. */
        public static Fault tooManyRequests(int retryAfterSeconds) {
            return new Fault(429, retryAfterSeconds, "rate limited", 0, false);
        }

        /** Wait before answering normally. */
        public static Fault delay(long millis) {
            return new Fault(0, null, null, millis, false);
        }

        /** Close the connection without a response. */
        public static Fault dropConnection() {
            return new Fault(0, null, null, 0, true);
        }
    }

    /** One request as the server saw it. */
    public record Request(String method, String path, String authorization, JsonNode body) {

        /** The prompt text: the last chat message's content, or the completion prompt. */
        public String prompt() {
            JsonNode messages = body.path("messages");
            if (messages.isArray() && !messages.isEmpty()) return messages.get(messages.size() - 1).path("content").asText();
            return body.path("prompt").asText();
        }

        public int n() {
            return body.path("n").asInt(1);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // The JDK server writes headers and body as separate small packets; without TCP_NODELAY, Nagle's algorithm and
        // the client's delayed ACK add ~40 ms to every reply (real servers such as uvicorn set it). Read once, when
        // the JDK's server configuration class loads, so it must be set before the first server starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final List<String> models;
    private volatile boolean honorsN = true;
    private volatile long latencyMillis;
    private volatile String requiredKey;
    private final Queue<Fault> nextFaults = new ConcurrentLinkedQueue<>();
    private final List<Map.Entry<Predicate<Request>, Fault>> rules = new CopyOnWriteArrayList<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();
    private HttpServer server;
    private int lastPort;
    private ExecutorService threads;

    private OpenAiTestServer(List<String> models) {
        this.models = List.copyOf(models);
    }

    /** Starts a server on 127.0.0.1 and a free port, serving {@code models} (the first is the default). */
    public static OpenAiTestServer start(String... models) {
        OpenAiTestServer s = new OpenAiTestServer(models.length == 0 ? List.of("test-model") : List.of(models));
        s.bind(0);
        return s;
    }

    private void bind(int onPort) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the test server on port " + onPort, e);
        }
        threads = Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, "openai-test-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>/v1} */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /** False: answer a request for n choices with one, as llama.cpp's server and Ollama do. */
    public OpenAiTestServer honorsN(boolean v) {
        honorsN = v;
        return this;
    }

    /** Every answer takes this long (a model at work). */
    public OpenAiTestServer latency(long millis) {
        latencyMillis = millis;
        return this;
    }

    /** Requests without {@code Authorization: Bearer <key>} get a 401 whose body echoes the header they sent. */
    public OpenAiTestServer requireKey(String key) {
        requiredKey = key;
        return this;
    }

    /** Faults for the next requests, one each, in order. */
    public OpenAiTestServer next(Fault... faults) {
        nextFaults.addAll(List.of(faults));
        return this;
    }

    /** A fault for every request that matches, until {@link #clearRules()}. */
    public OpenAiTestServer when(Predicate<Request> match, Fault fault) {
        rules.add(Map.entry(match, fault));
        return this;
    }

    public OpenAiTestServer clearRules() {
        rules.clear();
        return this;
    }

    private volatile java.util.function.Function<Request, String> scripted;

    /**
     * Scripted answers: the text of every choice of a completion request is {@code answerer}'s reply to it (a judge
     * test's "Yes", "7/10", "[[B]]", a refusal or a malformed answer); null from it falls back to the default answer.
     */
    public OpenAiTestServer answerWith(java.util.function.Function<Request, String> answerer) {
        scripted = answerer;
        return this;
    }

    /** Every request received so far (completions and model lists), in arrival order. */
    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Completion requests received so far. */
    public List<Request> completionRequests() {
        return requests().stream().filter(r -> r.path().endsWith("completions")).toList();
    }

    /** Completion requests answered with 200 so far. */
    public int answered() {
        return answered.get();
    }

    /** The most requests that were being handled at the same moment. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** The text choice {@code index} of a reply to {@code prompt} says (what a test expects to find stored). */
    public static String answer(String model, String prompt, int index, Long seed) {
        return "[" + model + "] answer " + index + " to: " + prompt + (seed == null ? "" : " (seed " + seed + ")");
    }

    /** Stops listening: connections are refused until {@link #restart()}. */
    public void stopListening() {
        lastPort = port();
        server.stop(0);
        threads.shutdownNow();
    }

    /** Listens again on the same port. */
    public void restart() {
        bind(lastPort);
    }

    @Override
    public void close() {
        stopListening();
    }

    private void handle(HttpExchange ex) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try (ex) {
            byte[] raw = readAll(ex.getRequestBody());
            JsonNode body = raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
            Request req = new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                    ex.getRequestHeaders().getFirst("Authorization"), body);
            requests.add(req);
            Fault fault = nextFaults.poll();
            if (fault == null) {
                for (var rule : rules) {
                    if (rule.getKey().test(req)) {
                        fault = rule.getValue();
                        break;
                    }
                }
            }
            if (fault != null && fault.drop()) return; // closed without a response
            long delay = latencyMillis + (fault == null ? 0 : fault.delayMillis());
            if (delay > 0) Thread.sleep(delay);
            if (fault != null && fault.rawBody() != null) {
                byte[] bytes = fault.rawBody().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                ex.sendResponseHeaders(fault.status(), bytes.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
                return;
            }
            if (fault != null && fault.status() > 0) {
                if (fault.retryAfterSeconds() != null) ex.getResponseHeaders().set("Retry-After", Integer.toString(fault.retryAfterSeconds()));
                error(ex, fault.status(), fault.errorMessage());
                return;
            }
            if (requiredKey != null && !("Bearer " + requiredKey).equals(req.authorization())) {
                error(ex, 401, "Invalid API key in header: " + req.authorization());
                return;
            }
            if (req.method().equals("GET") && req.path().equals("/v1/models")) {
                ObjectNode o = JSON.createObjectNode();
                o.put("object", "list");
                ArrayNode data = o.putArray("data");
                for (String m : models) data.addObject().put("id", m).put("object", "model");
                send(ex, 200, o);
                return;
            }
            boolean chat = req.path().equals("/v1/chat/completions");
            if (!req.method().equals("POST") || !(chat || req.path().equals("/v1/completions"))) {
                error(ex, 404, "no route " + req.method() + " " + req.path());
                return;
            }
            String model = body.path("model").asText(models.get(0));
            if (!models.contains(model)) {
                error(ex, 404, "The model `" + model + "` does not exist.");
                return;
            }
            int n = honorsN ? Math.max(1, body.path("n").asInt(1)) : 1;
            Long seed = body.path("seed").isNumber() ? body.get("seed").asLong() : null;
            ObjectNode reply = JSON.createObjectNode();
            reply.put("id", "cmpl-" + requests.size());
            reply.put("object", chat ? "chat.completion" : "text_completion");
            reply.put("model", model);
            ArrayNode choices = reply.putArray("choices");
            int tokens = 0;
            for (int i = 0; i < n; i++) {
                java.util.function.Function<Request, String> script = scripted;
                String text = script == null ? null : script.apply(req);
                if (text == null) text = answer(model, req.prompt(), i, seed);
                tokens += text.split("\\s+").length;
                ObjectNode c = choices.addObject();
                c.put("index", i);
                if (chat) c.putObject("message").put("role", "assistant").put("content", text);
                else c.put("text", text);
                c.put("finish_reason", "stop");
            }
            reply.putObject("usage").put("prompt_tokens", req.prompt().split("\\s+").length).put("completion_tokens", tokens);
            send(ex, 200, reply);
            answered.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("error").put("message", message).put("type", "invalid_request_error").put("code", status);
        send(ex, status, o);
    }

    private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    @Override
    public String toString() {
        return "OpenAiTestServer[" + baseUrl() + ", " + requests.size() + " requests]";
    }
}
