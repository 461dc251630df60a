package dev.prefwork.curation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.curation.bundle.BundleImporter;
import dev.prefwork.curation.bundle.BundleWriter;
import dev.prefwork.curation.bundle.SafeZip;
import dev.prefwork.curation.pairs.CurationRequest;
import dev.prefwork.curation.pairs.Strategy;
import dev.prefwork.store.importer.Importer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The hostile-bundle corpus ({@code src/test/resources/bad-input/bundles/manifest.json}, the colleague-bundle part of
 * the bad-input corpus of docs/RELIABILITY.md): each case says how to tamper with a valid bundle of the demo workspace
 * (entries added, replaced or removed, the manifest edited, the zip's bytes changed afterwards) and the exact refusal
 * expected (file, line, field, message). Each hostile zip is built here, from the valid bundle, and thrown at one
 * workspace that holds data of its own: after every refusal every table has the rows it had, the workspace folder holds
 * the files it held, and nothing the zip names outside the bundle exists. The untampered bundle, built by the same
 * code, is accepted (so a refusal is the tampering's doing).
 *
 * <p>To add a case: an entry in the manifest; the build steps are listed in {@link #build}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileBundleCorpusTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private Demo demo;
    private Demo victim;
    private Path valid;
    private Path zips;

    record Case(String name, String what, JsonNode build, JsonNode error) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() throws IOException, URISyntaxException {
        JsonNode m = JSON.readTree(Path.of(HostileBundleCorpusTest.class.getResource("/bad-input/bundles/manifest.json").toURI()).toFile());
        List<Case> out = new ArrayList<>();
        for (JsonNode c : m.get("cases")) out.add(new Case(c.get("name").asText(), c.get("what").asText(), c.path("build"), c.get("error")));
        return out;
    }

    @BeforeAll
    void writeTheValidBundleAndTheVictim() throws IOException {
        demo = Demo.fitted(dir.resolve("demo"));
        var pairs = demo.curation.save(demo.curation.build(demo.ranking, CurationRequest.defaults(), Progress.NONE), "pairs");
        var sft = demo.curation.save(demo.curation.build(demo.ranking, CurationRequest.defaults().withStrategy(Strategy.SFT_TOP_K),
                Progress.NONE), "sft");
        valid = dir.resolve("valid.prefwork.zip");
        new BundleWriter(demo.ws, demo.labeling, demo.labelModel, demo.curation, "test", Clock.systemUTC())
                .write(valid, List.of(pairs, sft), Progress.NONE);
        zips = Files.createDirectories(dir.resolve("zips"));
        // the victim has data of its own, so "nothing written" is more than "still empty"
        victim = Demo.empty(dir.resolve("victim"));
        Path own = dir.resolve("own.jsonl");
        Files.writeString(own, """
                {"id": "mine-1", "prompt": "Name a prime.", "candidates": [{"text": "7"}, {"text": "8"}]}
                {"id": "mine-2", "prompt": "Name a colour.", "candidates": [{"text": "red"}, {"text": "loud"}, {"text": "blue"}]}
                """);
        new Importer(victim.ws).importFile(own, Importer.Options.DETECT, Progress.NONE);
        victim.labeling.importLibrary("{\"format\":\"prefwork-lfs\",\"version\":1,\"lfs\":[{\"name\":\"One-liner\",\"aspect\":\"helpfulness\","
                + "\"vote\":\"BAD\",\"when\":{\"type\":\"length\",\"unit\":\"words\",\"max\":3}}]}", "own");
    }

    @AfterAll
    void close() {
        if (victim != null) victim.close();
        if (demo != null) demo.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachHostileBundleIsRefusedWithItsErrorAndWritesNothing(Case c) throws IOException {
        Path zip = build(c);
        Map<String, Long> rows = rowCounts();
        List<String> files = files(victim.ws.dir());
        SafeZip.Limits limits = limits(c.build().path("limits"));
        long t0 = System.nanoTime();
        InputException e = catchThrowableOfType(InputException.class, () -> importInto(victim, zip, limits));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(e).as("%s (%s) must be refused", c.name(), c.what()).isNotNull();
        String file = c.error().path("file").asText();
        long line = c.error().path("line").asLong(0);
        String field = c.error().path("field").isTextual() ? c.error().get("field").asText() : null;
        String expected = new InputException(file, line, field, c.error().get("message").asText()).getMessage();
        assertThat(e.getMessage()).as(c.what()).isEqualTo(expected);
        assertThat(e.file()).isEqualTo(file);
        assertThat(e.line()).isEqualTo(line);
        assertThat(e.field()).isEqualTo(field);
        assertThat(rowCounts()).as("rows in every table after refusing %s", c.name()).isEqualTo(rows);
        assertThat(files(victim.ws.dir())).as("files in the workspace folder after refusing %s", c.name()).isEqualTo(files);
        for (String outside : List.of("evil.json", "outside.json", "victim-ws")) {
            assertThat(files(dir).stream().filter(f -> f.endsWith("/" + outside))).as("nothing written outside").isEmpty();
        }
        if (c.build().has("seconds")) {
            assertThat(millis).as("refused within its time budget").isLessThan(1000L * c.build().get("seconds").asLong());
        }
    }

    @Test
    void theUntamperedBundleBuiltTheSameWayIsAccepted() throws IOException {
        Path zip = build(new Case("untampered", "the valid bundle, rezipped with a fixed manifest", JSON.createObjectNode().put("fixManifest", true), null));
        try (Demo fresh = Demo.empty(dir.resolve("fresh"))) {
            BundleImporter.Summary s = importInto(fresh, zip, SafeZip.Limits.defaults());
            assertThat(s.pairSetIds()).hasSize(2);
            assertThat(s.lfsCreated()).isEqualTo(16);
            assertThat(s.promptsAdded()).isGreaterThan(50);
        }
    }

    /** Every case in the manifest names what it tries and expects an error (a case without one tests nothing). */
    @Test
    void everyCaseSaysWhatItTriesAndWhatItExpects() throws Exception {
        List<Case> all = cases();
        assertThat(all).hasSizeGreaterThanOrEqualTo(30);
        assertThat(all).allSatisfy(c -> {
            assertThat(c.what()).isNotBlank();
            assertThat(c.error()).as(c.name()).isNotNull();
            assertThat(c.error().path("message").asText()).as(c.name()).isNotBlank();
        });
        assertThat(all.stream().map(Case::name).distinct().count()).isEqualTo(all.size());
    }

    private static BundleImporter.Summary importInto(Demo target, Path zip, SafeZip.Limits limits) {
        BundleImporter importer = new BundleImporter(target.ws, target.labeling, limits);
        try (BundleImporter.Plan plan = importer.inspect(zip, Progress.NONE)) {
            return importer.apply(plan, Progress.NONE);
        }
    }

    private static SafeZip.Limits limits(JsonNode l) {
        SafeZip.Limits d = SafeZip.Limits.defaults();
        if (l.isMissingNode()) return d;
        return new SafeZip.Limits(l.path("maxEntries").asInt(d.maxEntries()), l.path("maxEntryBytes").asLong(d.maxEntryBytes()),
                l.path("maxTotalBytes").asLong(d.maxTotalBytes()), l.path("maxRatio").asDouble(d.maxRatio()),
                l.path("maxJsonBytes").asLong(d.maxJsonBytes()));
    }

    // ---- building a hostile zip from the valid one ------------------------------------------------------------------

    /**
     * The build steps, in this order: {@code raw} (the file is this text, not a zip); {@code remove} entries; {@code put}
     * entries (a string, {@code {"latin1": text}}, {@code {"zeros": n}}, {@code {"random": n}} or {@code {"json": …}}); {@code lfsAppend} LFs to
     * lfs.json; {@code editRow} (set, line, field, value); {@code flip} a byte of an entry; {@code manyEntries} n more;
     * {@code fixManifest} (list every entry with its true size and hash); {@code manifestSet} fields; {@code
     * manifestEntrySet} (index, field, value); {@code manifestEntryReplace} (index, value); {@code manifestEntryAppend}; {@code manifestRaw} (the manifest's text).
     * Then the zip is written, and its bytes changed: {@code symlink} (an entry marked as a link in the central
     * directory), {@code headerSize} (an entry's size in the central directory), {@code truncate} (keep a fraction, or
     * drop bytes from the end).
     */
    private Path build(Case c) throws IOException {
        JsonNode b = c.build();
        Path out = zips.resolve(c.name() + ".prefwork.zip");
        if (b.has("raw")) {
            Files.writeString(out, b.get("raw").asText());
            return out;
        }
        Map<String, byte[]> entries = entries(valid);
        for (JsonNode r : b.path("remove")) entries.remove(r.asText());
        for (Iterator<Map.Entry<String, JsonNode>> it = b.path("put").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            entries.put(p.getKey(), content(p.getValue()));
        }
        if (b.has("lfsAppend")) {
            ObjectNode lfs = (ObjectNode) JSON.readTree(entries.get("lfs.json"));
            for (JsonNode lf : b.get("lfsAppend")) ((ArrayNode) lfs.get("lfs")).add(lf);
            entries.put("lfs.json", JSON.writeValueAsBytes(lfs));
        }
        if (b.has("editRow")) {
            JsonNode r = b.get("editRow");
            String name = "sets/" + r.get("set").asInt() + "/rows.jsonl";
            List<String> lines = new ArrayList<>(List.of(new String(entries.get(name), StandardCharsets.UTF_8).split("\n")));
            ObjectNode row = (ObjectNode) JSON.readTree(lines.get(r.get("line").asInt() - 1));
            row.set(r.get("field").asText(), r.get("value"));
            lines.set(r.get("line").asInt() - 1, JSON.writeValueAsString(row));
            entries.put(name, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        if (b.has("flip")) {
            byte[] e = entries.get(b.get("flip").get("entry").asText());
            e[b.get("flip").get("at").asInt()] ^= 1;
        }
        for (int i = 0; i < b.path("manyEntries").asInt(0); i++) entries.put(String.format("models/m-%05d.json", i), "{}".getBytes(StandardCharsets.UTF_8));
        ObjectNode manifest = entries.containsKey("manifest.json") ? (ObjectNode) JSON.readTree(entries.get("manifest.json")) : JSON.createObjectNode();
        if (b.path("fixManifest").asBoolean(false)) {
            ArrayNode list = manifest.putArray("entries");
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                if (e.getKey().equals("manifest.json")) continue;
                list.addObject().put("name", e.getKey()).put("size", e.getValue().length).put("sha256", HexFormat.of().formatHex(sha(e.getValue())));
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = b.path("manifestSet").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            manifest.set(f.getKey(), f.getValue());
        }
        if (b.has("manifestEntrySet")) {
            JsonNode s = b.get("manifestEntrySet");
            ((ObjectNode) manifest.get("entries").get(s.get("index").asInt())).set(s.get("field").asText(), s.get("value"));
        }
        if (b.has("manifestEntryReplace")) {
            ((ArrayNode) manifest.get("entries")).set(b.get("manifestEntryReplace").get("index").asInt(), b.get("manifestEntryReplace").get("value"));
        }
        if (b.has("manifestEntryAppend")) ((ArrayNode) manifest.get("entries")).add(b.get("manifestEntryAppend"));
        if (entries.containsKey("manifest.json")) {
            entries.put("manifest.json", b.has("manifestRaw") ? b.get("manifestRaw").asText().getBytes(StandardCharsets.UTF_8)
                    : JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        }
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(out))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        byte[] bytes = Files.readAllBytes(out);
        if (b.has("symlink")) centralEntry(bytes, b.get("symlink").asText(), (buf, at) -> {
            buf.putShort(at + 4, (short) ((3 << 8) | 20)); // made by Unix
            buf.putInt(at + 38, 0120777 << 16);           // mode: a symbolic link, as `zip --symlinks` writes it
        });
        if (b.has("headerSize")) centralEntry(bytes, b.get("headerSize").get("entry").asText(),
                (buf, at) -> buf.putInt(at + 24, b.get("headerSize").get("size").asInt()));
        if (b.has("truncate")) {
            JsonNode t = b.get("truncate");
            int keep = t.has("keep") ? (int) (bytes.length * t.get("keep").asDouble()) : bytes.length - t.get("drop").asInt();
            bytes = java.util.Arrays.copyOf(bytes, keep);
        }
        Files.write(out, bytes);
        return out;
    }

    private interface CentralEdit {
        void edit(ByteBuffer buf, int at);
    }

    /** Applies {@code edit} to {@code name}'s central-directory record. */
    private static void centralEntry(byte[] b, String name, CentralEdit edit) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        boolean found = false;
        for (int i = 0; i + 46 < b.length; i++) {
            if (buf.getInt(i) == 0x02014b50) {
                int nameLen = Short.toUnsignedInt(buf.getShort(i + 28));
                if (i + 46 + nameLen <= b.length && new String(b, i + 46, nameLen, StandardCharsets.UTF_8).equals(name)) {
                    edit.edit(buf, i);
                    found = true;
                }
            }
        }
        if (!found) throw new AssertionError("no central-directory record for " + name);
    }

    private static byte[] content(JsonNode v) throws IOException {
        if (v.isTextual()) return v.asText().getBytes(StandardCharsets.UTF_8);
        if (v.has("latin1")) return v.get("latin1").asText().getBytes(StandardCharsets.ISO_8859_1);
        if (v.has("zeros")) return new byte[v.get("zeros").asInt()];
        if (v.has("random")) {
            byte[] b = new byte[v.get("random").asInt()];
            new Random(v.path("seed").asLong(1)).nextBytes(b);
            return b;
        }
        if (v.has("json")) return JSON.writeValueAsBytes(v.get("json"));
        if (v.has("nested")) return ("{\"a\":".repeat(v.get("nested").asInt()) + "1" + "}".repeat(v.get("nested").asInt())).getBytes(StandardCharsets.UTF_8);
        if (v.has("paddedLfs")) {
            byte[] noise = new byte[v.get("paddedLfs").asInt()];
            new Random(1).nextBytes(noise); // random, so it does not compress like a bomb
            return ("{\"format\":\"prefwork-lfs\",\"version\":1,\"lfs\":[],\"pad\":\"" + java.util.Base64.getEncoder().encodeToString(noise) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
        }
        throw new IllegalArgumentException("unknown content " + v);
    }

    private static Map<String, byte[]> entries(Path zip) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) out.put(e.getName(), z.getInputStream(e).readAllBytes());
        }
        return out;
    }

    private static byte[] sha(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- what "nothing written" means ---------------------------------------------------------------------------------

    private Map<String, Long> rowCounts() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String t : victim.ws.jdbc().list("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'"
                + " AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME", rs -> rs.getString(1))) {
            out.put(t.toLowerCase(), victim.ws.jdbc().count("SELECT COUNT(*) FROM \"" + t + "\""));
        }
        return out;
    }

    /** Every file and folder under {@code root} (the database file's size changes as H2 works, so names only). */
    private static List<String> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p).toString().replace('\\', '/')).map(p -> "/" + p).sorted().toList();
        }
    }
}
