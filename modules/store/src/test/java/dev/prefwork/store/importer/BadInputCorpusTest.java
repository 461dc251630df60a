package dev.prefwork.store.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prefwork.core.Candidate;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.core.Prompt;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.gold.GoldFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The bad-input corpus: every file in {@code src/test/resources/bad-input/} (and the large ones {@code manifest.json}
 * says to generate) imported into one workspace that already holds a baseline dataset, each with the outcome the
 * manifest states — for a refusal the exact error (file, line, field, message) and not one row written in any
 * table; for an accepted file the rows and, where it matters, the texts and the metadata kept.
 *
 * <p>To add a case: put the file in the folder (or a generator entry in the manifest) and its expected outcome in
 * {@code manifest.json}. Entries run in manifest order on the same workspace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputCorpusTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    Workspace ws;
    Path corpus;

    /** One manifest entry. */
    record Case(String file, String kind, String format, String what, JsonNode generate, JsonNode error, JsonNode accept) {
        @Override
        public String toString() {
            return file + " — " + what;
        }
    }

    static Path corpusDir() {
        try {
            return Path.of(BadInputCorpusTest.class.getResource("/bad-input/manifest.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Case> cases() throws IOException {
        JsonNode m = JSON.readTree(corpusDir().resolve("manifest.json").toFile());
        List<Case> out = new ArrayList<>();
        for (JsonNode e : m.get("cases")) {
            out.add(new Case(e.get("file").asText(), e.path("kind").asText("import"), e.path("format").asText(null),
                    e.get("what").asText(), e.get("generate"), e.get("error"), e.get("accept")));
        }
        return out;
    }

    @BeforeAll
    void openWorkspaceWithBaseline() throws IOException {
        corpus = corpusDir();
        ws = Workspace.open(tmp.resolve("ws"));
        new Importer(ws).importFile(corpus.resolve("base.jsonl"), new Importer.Options(null, "base"), Progress.NONE);
    }

    @AfterAll
    void close() {
        ws.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachInputHasItsStatedOutcome(Case c) throws IOException {
        Path file = c.generate() != null ? generate(c) : corpus.resolve(c.file());
        assertThat(file).as("corpus file").exists();
        Map<String, Long> before = rowCounts();
        Throwable thrown = catchThrowableOfType(Throwable.class, () -> run(c, file));
        if (c.error() != null) {
            assertThat(thrown).as("%s must be refused", c.file()).isInstanceOf(InputException.class);
            InputException e = (InputException) thrown;
            long line = c.error().path("line").asLong(0);
            String field = c.error().path("field").isTextual() ? c.error().get("field").asText() : null;
            String message = c.error().get("message").asText();
            assertThat(e.getMessage()).isEqualTo(new InputException(file.toString(), line, field, message).getMessage());
            assertThat(e.file()).isEqualTo(file.toString());
            assertThat(e.line()).isEqualTo(line);
            assertThat(e.field()).isEqualTo(field);
            assertThat(rowCounts()).as("rows in every table after the refusal of %s", c.file()).isEqualTo(before);
            return;
        }
        if (thrown != null) throw new AssertionError(c.file() + " must be accepted, but: " + thrown.getMessage(), thrown);
        Map<String, Long> after = rowCounts();
        JsonNode a = c.accept();
        for (Iterator<Map.Entry<String, JsonNode>> it = a.path("rows").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> r = it.next();
            assertThat(after.get(r.getKey()) - before.get(r.getKey())).as("new rows in %s", r.getKey()).isEqualTo(r.getValue().asLong());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = a.path("texts").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> t = it.next();
            assertThat(text(t.getKey())).as("text of %s", t.getKey()).isEqualTo(t.getValue().asText());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = a.path("metadata").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> t = it.next();
            assertThat(metadata(t.getKey())).as("metadata of %s", t.getKey()).isEqualTo(t.getValue().asText());
        }
    }

    private void run(Case c, Path file) {
        switch (c.kind()) {
            case "import" -> new Importer(ws).importFile(file,
                    new Importer.Options(c.format() == null ? null : ImportFormat.parse(c.format()), null), Progress.NONE);
            case "gold" -> new GoldFile(ws).importGold(ImportSource.of(file));
            default -> throw new IllegalArgumentException("unknown kind " + c.kind());
        }
    }

    /** Rows of every table (the views excluded). */
    private Map<String, Long> rowCounts() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String t : ws.jdbc().list("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'"
                + " AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME", rs -> rs.getString(1))) {
            out.put(t.toLowerCase(), ws.jdbc().count("SELECT COUNT(*) FROM \"" + t + "\""));
        }
        return out;
    }

    /** "id" names a prompt's text, "id#2" its candidate at position 2. */
    private String text(String key) {
        int hash = key.indexOf('#');
        Prompt p = ws.prompts().bySourceId(hash < 0 ? key : key.substring(0, hash)).orElseThrow(() -> new AssertionError("no prompt " + key));
        if (hash < 0) return p.text();
        return candidate(p, Integer.parseInt(key.substring(hash + 1))).text();
    }

    private String metadata(String key) {
        int hash = key.indexOf('#');
        Prompt p = ws.prompts().bySourceId(hash < 0 ? key : key.substring(0, hash)).orElseThrow(() -> new AssertionError("no prompt " + key));
        if (hash < 0) return p.metadataJson();
        return candidate(p, Integer.parseInt(key.substring(hash + 1))).metadataJson();
    }

    private Candidate candidate(Prompt p, int position) {
        return ws.candidates().forPrompt(p.id()).stream().filter(c -> c.position() == position).findFirst()
                .orElseThrow(() -> new AssertionError("no candidate " + position + " of " + p.sourceId()));
    }

    // ---- generated files: large or repetitive inputs are written by the test, never committed -------------------

    private Path generate(Case c) throws IOException {
        Path f = tmp.resolve(c.file());
        JsonNode g = c.generate();
        String id = c.file().substring(0, c.file().indexOf('.'));
        switch (g.get("type").asText()) {
            case "candidates" -> { // one prompt with n candidates
                StringBuilder sb = new StringBuilder("{\"id\":\"" + id + "\",\"prompt\":\"P\",\"candidates\":[");
                for (int i = 0; i < g.get("count").asInt(); i++) sb.append(i > 0 ? "," : "").append("{\"text\":\"t").append(i).append("\"}");
                Files.writeString(f, sb.append("]}\n"));
            }
            case "response" -> { // a candidate text of n characters
                Files.writeString(f, "{\"id\":\"" + id + "\",\"prompt\":\"P\",\"candidates\":[{\"text\":\"ok\"},{\"text\":\""
                        + "x".repeat(g.get("chars").asInt()) + "\"}]}\n");
            }
            case "nesting" -> { // a field nested in lists so that the record's depth is n (the record itself is 1)
                int lists = g.get("depth").asInt() - 1;
                Files.writeString(f, "{\"id\":\"" + id + "\",\"prompt\":\"P\",\"x\":" + "[".repeat(lists) + "]".repeat(lists)
                        + ",\"candidates\":[{\"text\":\"x\"},{\"text\":\"y\"}]}\n");
            }
            case "long-line" -> { // one line of n MiB: a text no line reader should buffer whole
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(f), 1 << 20)) {
                    out.write(("{\"id\":\"" + id + "\",\"prompt\":\"").getBytes(StandardCharsets.UTF_8));
                    byte[] mib = "y".repeat(1 << 20).getBytes(StandardCharsets.UTF_8);
                    for (int i = 0; i < g.get("mib").asInt(); i++) out.write(mib);
                    out.write("\"}\n".getBytes(StandardCharsets.UTF_8));
                }
            }
            case "random-bytes" -> { // binary noise (a picture or an archive renamed .jsonl)
                byte[] b = new byte[g.get("bytes").asInt()];
                SplittableRandom r = new SplittableRandom(g.get("seed").asLong());
                for (int i = 0; i < b.length; i++) b[i] = (byte) r.nextInt(256);
                Files.write(f, b);
            }
            default -> throw new IllegalArgumentException("unknown generator " + g);
        }
        return f;
    }

    /** Every file in the folder has a manifest entry (a file without an expected outcome tests nothing). */
    @org.junit.jupiter.api.Test
    void everyCorpusFileHasAnOutcome() throws IOException {
        List<String> named = cases().stream().map(Case::file).toList();
        try (Stream<Path> files = Files.list(corpusDir())) {
            List<String> present = files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals("manifest.json") && !n.equals("base.jsonl") && !n.equals(".gitattributes")).toList();
            assertThat(named).containsAll(present);
        }
    }
}
