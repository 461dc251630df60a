package dev.prefwork.app;

import dev.prefwork.generation.ApiKey;
import dev.prefwork.generation.OpenAiChat;
import dev.prefwork.generation.OpenAiConfig;
import dev.prefwork.generation.OpenAiEndpoint;
import dev.prefwork.generation.ServerPreset;
import dev.prefwork.labeling.judge.JudgeBackend;
import dev.prefwork.labeling.lf.LfSpec;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Judge LFs ask through the generation module's OpenAI-compatible client (chat endpoint, temperature 0, its retries
 * and key redaction). The key comes from the environment variable the spec names, or from a key the expert typed
 * for this session ({@link #useKey}), held in memory only: never in the spec, the workspace or an export.
 */
public final class OpenAiJudgeBackend implements JudgeBackend {

    private final Map<String, String> env;
    private final Map<String, ApiKey> sessionKeys = new ConcurrentHashMap<>();
    private final Map<String, OpenAiChat> clients = new ConcurrentHashMap<>();

    public OpenAiJudgeBackend(Map<String, String> env) {
        this.env = env;
    }

    public static OpenAiJudgeBackend fromEnvironment() {
        return new OpenAiJudgeBackend(System.getenv());
    }

    /** A key for the server at {@code baseUrl} for this session (null or blank forgets it). */
    public void useKey(String baseUrl, String key) {
        ApiKey k = ApiKey.of(key);
        String url = baseUrl == null ? "" : baseUrl.strip();
        if (k == null) sessionKeys.remove(url);
        else sessionKeys.put(url, k);
        clients.keySet().removeIf(c -> c.startsWith(url + "\n"));
    }

    @Override
    public Reply ask(LfSpec.Judge judge, String question, BooleanSupplier cancelled) {
        String url = judge.baseUrl().strip();
        OpenAiChat chat = clients.computeIfAbsent(url + "\n" + judge.model() + "\n" + judge.apiKeyEnv(), k -> {
            ApiKey key = sessionKeys.get(url);
            if (key == null && judge.apiKeyEnv() != null) key = ApiKey.fromEnvironment(judge.apiKeyEnv(), env);
            OpenAiConfig config = new OpenAiConfig(ServerPreset.CUSTOM, url, OpenAiEndpoint.CHAT, judge.model(), false,
                    1, OpenAiConfig.DEFAULT_TIMEOUT, 2, judge.apiKeyEnv());
            return new OpenAiChat(config, key);
        });
        OpenAiChat.Reply r = chat.ask(question, judge.maxTokens(), cancelled);
        return new Reply(r.text(), null, r.completionTokens());
    }
}
