package dev.prefwork.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prefwork.core.InputException;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A TRL preference file (JSONL): {@code prompt}, {@code chosen}, {@code rejected} as strings ("standard") or
 * role/content message lists ("conversational"; without {@code prompt}, the messages chosen and rejected share
 * are the prompt). Extra fields (prompt_id, scores) pass through; TRL and the trainer ignore them. Checking reads
 * every line and stops at the first problem with its file, line and field.
 */
public final class TrlPairFile implements PairSource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public TrlPairFile(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    @Override
    public String description() {
        return "TRL file " + file.toAbsolutePath().normalize();
    }

    @Override
    public PairSummary check() throws IOException {
        return copy(null);
    }

    @Override
    public PairSummary writeTo(Path target) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), ".pairs", ".tmp");
        try {
            PairSummary s = copy(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return s;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private PairSummary copy(Path target) throws IOException {
        String name = file.getFileName().toString();
        if (!Files.isRegularFile(file)) throw new InputException(file + ": no such file");
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int pairs = 0, conversational = 0;
        long n = 0;
        try (BufferedReader in = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file), decoder), 1 << 16);
             BufferedWriter out = target == null ? null : Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
            String line;
            while (true) {
                try {
                    line = in.readLine();
                } catch (CharacterCodingException e) {
                    throw new InputException(name, n + 1, null, "not UTF-8 text");
                }
                if (line == null) break;
                n++;
                if (line.isBlank()) continue;
                if (check(line, name, n)) conversational++;
                pairs++;
                if (out != null) {
                    out.write(line.strip());
                    out.newLine();
                }
            }
        }
        if (pairs == 0) throw new InputException(name, 0, null, "holds no pairs");
        return new PairSummary(pairs, conversational);
    }

    /** Checks one line; returns whether it is a conversation. */
    static boolean check(String line, String file, long n) {
        JsonNode o;
        try {
            o = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new InputException(file, n, null, "not valid JSON: " + e.getOriginalMessage());
        }
        if (o == null || !o.isObject()) throw new InputException(file, n, null, "must be a JSON object");
        for (String field : new String[]{"chosen", "rejected"}) {
            if (!o.hasNonNull(field)) throw new InputException(file, n, field, "is missing");
        }
        JsonNode prompt = o.get("prompt");
        if (prompt == null || prompt.isNull()) {
            messages(o.get("chosen"), file, n, "chosen");
            messages(o.get("rejected"), file, n, "rejected");
            if (o.get("chosen").size() < 2 || o.get("rejected").size() < 2 || !o.get("chosen").get(0).equals(o.get("rejected").get(0))) {
                throw new InputException(file, n, "prompt", "is missing (and chosen and rejected share no prompt messages)");
            }
            return true;
        }
        if (prompt.isTextual()) {
            for (String field : new String[]{"chosen", "rejected"}) {
                JsonNode v = o.get(field);
                if (!v.isTextual()) throw new InputException(file, n, field, "must be a string when the prompt is one");
                if (v.asText().isBlank()) throw new InputException(file, n, field, "is empty");
            }
            return false;
        }
        messages(prompt, file, n, "prompt");
        messages(o.get("chosen"), file, n, "chosen");
        messages(o.get("rejected"), file, n, "rejected");
        return true;
    }

    private static void messages(JsonNode v, String file, long n, String field) {
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw new InputException(file, n, field, "must be a non-empty string or a list of messages");
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode m = v.get(i);
            if (!m.isObject() || !m.path("role").isTextual() || !m.path("content").isTextual()) {
                throw new InputException(file, n, field, "message " + (i + 1) + " needs string 'role' and 'content'");
            }
        }
    }
}
