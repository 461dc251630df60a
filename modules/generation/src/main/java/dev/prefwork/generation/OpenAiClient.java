package dev.prefwork.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * OpenAI's completions wire format over the JDK's {@link HttpClient}: one request, the retries it takes, and
 * errors the user can act on.
 *
 * <p>Retried, with exponential backoff and jitter (or the server's {@code Retry-After}): 408, 429, 5xx, timeouts,
 * refused and dropped connections, and replies that are not the JSON expected. Not retried: other 4xx, which mean
 * the request itself is wrong (model name, URL, key), so every retry and every later prompt would fail alike.
 */
final class OpenAiClient {

    private static final Logger log = LoggerFactory.getLogger(OpenAiClient.class);

    /** Waits between attempts: {@code base · 2^attempt} with ±50 % jitter, at most {@code cap}; a Retry-After up to {@code maxRetryAfter}. */
    record Backoff(Duration base, Duration cap, Duration maxRetryAfter) {
        static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(120));

        long waitMillis(int attempt) {
            double ms = Math.min(cap.toMillis(), base.toMillis() * Math.pow(2, attempt));
            return Math.round(ms * (0.5 + ThreadLocalRandom.current().nextDouble()));
        }
    }

    /** One choice of a reply. */
    record Choice(String text, String finishReason) {
    }

    /** A reply: its choices, the completion tokens it says it used (null when it does not), the model it names. */
    record Completion(List<Choice> choices, Integer completionTokens, String serverModel) {
    }

    private final OpenAiConfig config;
    private final ApiKey key;
    private final Backoff backoff;
    private final HttpClient http;

    OpenAiClient(OpenAiConfig config, ApiKey key, Backoff backoff) {
        this.config = config;
        this.key = key;
        this.backoff = backoff;
        this.http = HttpClient.newBuilder()
                // HTTP/1.1: local servers (uvicorn, llama.cpp, Ollama) speak it; an h2c upgrade attempt gains nothing
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(Math.min(config.timeout().toMillis(), 10_000)))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** A completion of {@code prompt} with {@code n} choices (n is sent only when above 1). */
    Completion complete(String prompt, GenerationParams params, int n, Long seed, BooleanSupplier cancelled) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (!config.model().isEmpty()) body.put("model", config.model());
        if (config.endpoint() == OpenAiEndpoint.CHAT) {
            ArrayNode messages = body.putArray("messages");
            messages.addObject().put("role", "user").put("content", prompt);
        } else {
            body.put("prompt", prompt);
        }
        if (n > 1) body.put("n", n);
        body.put("temperature", params.temperature());
        body.put("top_p", params.topP());
        body.put("max_tokens", params.maxTokens());
        if (!params.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            params.stop().forEach(stop::add);
        }
        if (seed != null) body.put("seed", seed);
        HttpRequest request = base(config.endpointUri())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build();
        return send(request, cancelled, this::parseCompletion);
    }

    /** The model ids {@code GET /models} lists. */
    List<String> models(BooleanSupplier cancelled) {
        return send(base(config.modelsUri()).GET().build(), cancelled, json -> {
            List<String> ids = new ArrayList<>();
            json.path("data").forEach(m -> {
                if (m.path("id").isTextual()) ids.add(m.get("id").asText());
            });
            if (!json.path("data").isArray()) throw new MalformedReply("no 'data' list of models");
            return ids;
        });
    }

    private HttpRequest.Builder base(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(config.timeout()).header("Accept", "application/json");
        if (key != null) b.header("Authorization", key.authorizationHeader());
        return b;
    }

    /** A reply that parsed as JSON but is not what the endpoint returns. */
    private static final class MalformedReply extends RuntimeException {
        MalformedReply(String message) {
            super(message, null, false, false);
        }
    }

    @FunctionalInterface
    private interface Parser<T> {
        T parse(JsonNode json);
    }

    private <T> T send(HttpRequest request, BooleanSupplier cancelled, Parser<T> parser) {
        String url = request.uri().toString();
        String lastProblem = null;
        int attempts = config.maxRetries() + 1;
        for (int attempt = 0; attempt < attempts; attempt++) {
            long waitMs;
            try {
                HttpResponse<String> response = await(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()), cancelled);
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    try {
                        return parser.parse(Json.MAPPER.readTree(response.body()));
                    } catch (IOException | MalformedReply | IllegalArgumentException e) {
                        lastProblem = "the reply is not the JSON an OpenAI-compatible server sends (" + message(e) + "): " + snippet(response.body());
                        waitMs = backoff.waitMillis(attempt);
                    }
                } else if (status == 408 || status == 429 || status >= 500) {
                    lastProblem = "HTTP " + status + reason(status) + errorText(response.body());
                    int a = attempt;
                    waitMs = retryAfter(response).orElseGet(() -> backoff.waitMillis(a));
                } else {
                    throw refused(status, response.body());
                }
            } catch (HttpTimeoutException e) {
                lastProblem = "no reply within " + seconds(config.timeout());
                waitMs = backoff.waitMillis(attempt);
            } catch (ConnectException e) {
                lastProblem = "cannot connect (" + message(e) + "); is the server running at " + config.baseUrl() + "?";
                waitMs = backoff.waitMillis(attempt);
            } catch (IOException e) {
                lastProblem = "the connection failed (" + message(e) + ")";
                waitMs = backoff.waitMillis(attempt);
            }
            if (attempt + 1 < attempts) {
                log.info("{}: {}; retrying in {} ms ({} of {})", url, redact(lastProblem), waitMs, attempt + 1, config.maxRetries());
                sleep(waitMs, cancelled);
            }
        }
        throw new GenerationException(GenerationException.Kind.UNAVAILABLE, redact("No usable answer from " + url + " after "
                + attempts + (attempts == 1 ? " attempt" : " attempts") + " (last: " + lastProblem + ")."));
    }

    /** Waits for the response, polling {@code cancelled}; a cancelled wait abandons the request. */
    private static HttpResponse<String> await(CompletableFuture<HttpResponse<String>> f, BooleanSupplier cancelled) throws IOException {
        while (true) {
            if (cancelled.getAsBoolean()) {
                f.cancel(true);
                throw new Progress.Cancelled();
            }
            try {
                return f.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // poll again
            } catch (InterruptedException e) {
                f.cancel(true);
                Thread.currentThread().interrupt();
                throw new Progress.Cancelled();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof IOException io) throw io;
                if (cause instanceof RuntimeException re) throw re;
                throw new IOException(cause);
            }
        }
    }

    private static void sleep(long ms, BooleanSupplier cancelled) {
        long until = System.nanoTime() + ms * 1_000_000L;
        while (true) {
            if (cancelled.getAsBoolean()) throw new Progress.Cancelled();
            long left = until - System.nanoTime();
            if (left <= 0) return;
            try {
                Thread.sleep(Math.min(100, Math.max(1, left / 1_000_000L)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Progress.Cancelled();
            }
        }
    }

    /** Retry-After in seconds or as an HTTP date, at most {@code backoff.maxRetryAfter()}. */
    private Optional<Long> retryAfter(HttpResponse<?> response) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isEmpty()) return Optional.empty();
        String v = header.get().strip();
        long ms;
        try {
            ms = Math.round(Double.parseDouble(v) * 1000);
        } catch (NumberFormatException e) {
            try {
                ms = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)).toMillis();
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
        return Optional.of(Math.max(0, Math.min(ms, backoff.maxRetryAfter().toMillis())));
    }

    private Completion parseCompletion(JsonNode json) {
        JsonNode choices = json.path("choices");
        if (!choices.isArray()) throw new MalformedReply("no 'choices' list");
        if (choices.isEmpty()) throw new MalformedReply("an empty 'choices' list");
        List<Choice> out = new ArrayList<>();
        List<JsonNode> sorted = new ArrayList<>();
        choices.forEach(sorted::add);
        sorted.sort((a, b) -> Integer.compare(a.path("index").asInt(0), b.path("index").asInt(0)));
        for (JsonNode c : sorted) {
            JsonNode text = config.endpoint() == OpenAiEndpoint.CHAT ? c.path("message").path("content") : c.path("text");
            if (!text.isTextual() && !text.isNull()) {
                throw new MalformedReply("a choice without " + (config.endpoint() == OpenAiEndpoint.CHAT ? "message.content" : "text"));
            }
            out.add(new Choice(text.isNull() ? "" : text.asText(), c.path("finish_reason").isTextual() ? c.get("finish_reason").asText() : null));
        }
        JsonNode tokens = json.path("usage").path("completion_tokens");
        return new Completion(out, tokens.isIntegralNumber() ? tokens.asInt() : null,
                json.path("model").isTextual() ? json.get("model").asText() : null);
    }

    /** What servers say when a prompt is longer than the model's context (vLLM, llama.cpp, Ollama, OpenAI). */
    private static final java.util.regex.Pattern TOO_LONG = java.util.regex.Pattern.compile(
            "(?i)context length|context window|maximum context|too long|exceeds? the (model|context)|prompt is too large");

    private GenerationException refused(int status, String body) {
        String error = errorText(body);
        if ((status == 400 || status == 413 || status == 422) && TOO_LONG.matcher(error).find()) {
            return new GenerationException(GenerationException.Kind.PROMPT, redact("The server at " + config.baseUrl()
                    + " cannot take this prompt (HTTP " + status + reason(status) + error + ")."));
        }
        String hint = switch (status) {
            case 401, 403 -> " Check the API key.";
            case 404 -> " Check the base URL, the endpoint (chat or completions) and the model name.";
            case 400, 422 -> " Check the model name and the parameters.";
            default -> "";
        };
        return new GenerationException(GenerationException.Kind.REFUSED, redact("The server at " + config.baseUrl()
                + " refused the request (HTTP " + status + reason(status) + error + ")." + hint));
    }

    /** ": <the server's error message>" from OpenAI's {"error":{"message"}}, FastAPI's {"detail"}, or the text. */
    private static String errorText(String body) {
        if (body == null || body.isBlank()) return "";
        String text;
        try {
            JsonNode j = Json.MAPPER.readTree(body);
            JsonNode m = j.path("error").isObject() ? j.path("error").path("message") : j.path("error");
            if (!m.isTextual()) m = j.path("detail");
            if (!m.isTextual()) m = j.path("message");
            text = m.isTextual() ? m.asText() : body;
        } catch (IOException e) {
            text = body;
        }
        return ": " + snippet(text);
    }

    private static String snippet(String s) {
        if (s == null) return "";
        String one = s.strip().replaceAll("\\s+", " ");
        return one.length() <= 300 ? one : one.substring(0, 299) + "…";
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> " Bad Request";
            case 401 -> " Unauthorized";
            case 403 -> " Forbidden";
            case 404 -> " Not Found";
            case 408 -> " Request Timeout";
            case 422 -> " Unprocessable Entity";
            case 429 -> " Too Many Requests";
            case 500 -> " Internal Server Error";
            case 502 -> " Bad Gateway";
            case 503 -> " Service Unavailable";
            case 504 -> " Gateway Timeout";
            default -> "";
        };
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private String redact(String s) {
        return ApiKey.redact(key, s);
    }
}
