package dev.prefwork.curation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.curation.bundle.BundleImporter;
import dev.prefwork.curation.bundle.BundleWriter;
import dev.prefwork.curation.bundle.SafeZip;
import dev.prefwork.curation.export.ExportFormat;
import dev.prefwork.curation.export.Exporter;
import dev.prefwork.curation.pairs.CurationRequest;
import dev.prefwork.curation.pairs.Strategy;
import dev.prefwork.store.PairSetRepository.StoredPairSet;
import dev.prefwork.store.gold.GoldFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Colleague bundles: a round trip into a fresh workspace, merging into one that has data, and hostile bundles. */
class BundleTest {

    @TempDir
    static Path dir;
    static Demo demo;
    static StoredPairSet pairs;
    static StoredPairSet sft;
    static Path bundle;
    static int counter;
    static int bundled;
    /** The workspace every hostile bundle is thrown at. */
    static Demo victim;

    @BeforeAll
    static void open() throws IOException {
        demo = Demo.fitted(dir.resolve("demo"));
        pairs = demo.curation.save(demo.curation.build(demo.ranking, CurationRequest.defaults().withStrategy(Strategy.MARGIN)
                .withMarginThreshold(0.3), Progress.NONE), "margin pairs");
        sft = demo.curation.save(demo.curation.build(demo.ranking, CurationRequest.defaults().withStrategy(Strategy.SFT_TOP_K),
                Progress.NONE), "sft half");
        bundle = dir.resolve("demo.prefwork.zip");
        BundleWriter.Result r = writer(demo).write(bundle, List.of(pairs, sft), Progress.NONE);
        assertThat(r.sets()).isEqualTo(2);
        victim = fresh();
        bundled = r.prompts(); // the prompts the sets and the gold refer to
        assertThat(bundled).isBetween(60, 66);
    }

    static BundleWriter writer(Demo d) {
        return new BundleWriter(d.ws, d.labeling, d.labelModel, d.curation, "test", Clock.systemUTC());
    }

    @AfterAll
    static void close() {
        victim.close();
        demo.close();
    }

    static Demo fresh() {
        return Demo.empty(dir.resolve("fresh-" + (++counter)));
    }

    static BundleImporter.Summary importInto(Demo target, Path zip) {
        BundleImporter importer = new BundleImporter(target.ws, target.labeling);
        try (BundleImporter.Plan plan = importer.inspect(zip, Progress.NONE)) {
            return importer.apply(plan, Progress.NONE);
        }
    }

    static byte[] export(Demo d, StoredPairSet set, ExportFormat f) throws IOException {
        Path out = dir.resolve("x-" + (++counter) + f.extension());
        new Exporter(d.ws, d.curation).export(set, f, out, Exporter.Options.defaults(), Progress.NONE);
        return Files.readAllBytes(out);
    }

    @Test
    void aBundleRoundTripsIntoAFreshWorkspaceWithIdenticalPairsLfsAndGold() throws IOException {
        try (Demo target = fresh()) {
            BundleImporter importer = new BundleImporter(target.ws, target.labeling);
            BundleImporter.Summary s;
            try (BundleImporter.Plan plan = importer.inspect(bundle, Progress.NONE)) {
                assertThat(plan.preview()).anySatisfy(l -> assertThat(l).contains(bundled + " prompts with their candidates: " + bundled + " new"));
                assertThat(plan.preview()).anySatisfy(l -> assertThat(l).contains("16 labeling functions: 16 new"));
                s = importer.apply(plan, Progress.NONE);
            }
            System.out.println(String.join("\n", s.lines()));
            assertThat(s.promptsAdded()).isEqualTo(bundled);
            assertThat(s.lfsCreated()).isEqualTo(16);
            assertThat(s.pairSetIds()).hasSize(2);
            assertThat(target.ws.datasets().list()).hasSize(1);
            assertThat(target.ws.datasets().list().get(0).name()).isEqualTo("bundle demo");

            StoredPairSet p2 = target.ws.pairSets().get(s.pairSetIds().get(0)).orElseThrow();
            StoredPairSet s2 = target.ws.pairSets().get(s.pairSetIds().get(1)).orElseThrow();
            assertThat(p2.name()).isEqualTo("margin pairs");
            assertThat(p2.pairs()).isEqualTo(pairs.pairs());
            for (ExportFormat f : new ExportFormat[]{ExportFormat.TRL, ExportFormat.TRL_CHAT, ExportFormat.CSV}) {
                assertThat(export(target, p2, f)).as(f.cliName()).isEqualTo(export(demo, pairs, f));
            }
            assertThat(export(target, s2, ExportFormat.SFT)).isEqualTo(export(demo, sft, ExportFormat.SFT));
            assertThat(target.labeling.exportLibrary()).isEqualTo(demo.labeling.exportLibrary());
            Path g1 = dir.resolve("g1.jsonl");
            Path g2 = dir.resolve("g2.jsonl");
            new GoldFile(demo.ws).export(g1);
            new GoldFile(target.ws).export(g2);
            assertThat(Files.readString(g2)).isEqualTo(Files.readString(g1));
            // provenance travels: the dataset card of the imported set still lists the LFs' learned accuracies
            assertThat(Json.read(p2.provenanceJson()).at("/labelModel/lfs").size()).isEqualTo(16);
            assertThat(Json.read(p2.provenanceJson()).at("/importedFrom/file").asText()).isEqualTo("demo.prefwork.zip");

            // the same bundle again is refused
            assertThatThrownBy(() -> importInto(target, bundle)).isInstanceOf(InputException.class).hasMessageContaining("already imported");
        }
    }

    @Test
    void mergingIntoAWorkspaceWithDataKeepsItsJudgmentsAndVersionsClashingLfs() throws IOException {
        try (Demo target = fresh()) {
            // the colleague's workspace: one prompt with the same id but other text, one LF with the same name but
            // another spec, and a best pick of its own on a prompt the bundle also judges
            Path own = dir.resolve("own.jsonl");
            String firstLine = Files.readAllLines(Demo.ASSETS.resolve("prompts.jsonl")).get(0);
            Files.writeString(own, "{\"id\": \"demo-policy-01\", \"prompt\": \"Something else\", \"candidates\": [{\"text\": \"a\"}, {\"text\": \"b\"}]}\n"
                    + firstLine.replace("demo-policy-01", "mine-1") + "\n");
            new dev.prefwork.store.importer.Importer(target.ws).importFile(own, dev.prefwork.store.importer.Importer.Options.DETECT, Progress.NONE);
            target.labeling.importLibrary("{\"format\":\"prefwork-lfs\",\"version\":1,\"lfs\":[{\"name\":\"One-liner\",\"aspect\":\"helpfulness\","
                    + "\"vote\":\"BAD\",\"when\":{\"type\":\"length\",\"unit\":\"words\",\"max\":3}}]}", "own");
            long pid = target.ws.prompts().bySourceId("demo-policy-01").orElseThrow().id();
            long myBest = target.ws.candidates().forPrompt(pid).get(1).id();
            target.ws.gold().setPromptGold(new dev.prefwork.core.PromptGold(pid, myBest, null, "mine"), null);

            BundleImporter.Summary s = importInto(target, bundle);
            System.out.println(String.join("\n", s.lines()));
            assertThat(s.promptsRenamed()).isEqualTo(1);
            assertThat(s.promptsAdded()).isEqualTo(bundled - 1);
            assertThat(s.lfNewVersions()).isEqualTo(1);
            assertThat(s.lfsCreated()).isEqualTo(15);
            // my prompt and my pick are untouched; theirs came in under a new id
            assertThat(target.ws.prompts().bySourceId("demo-policy-01").orElseThrow().text()).isEqualTo("Something else");
            assertThat(target.ws.gold().forPrompt(pid).prompt().bestCandidateId()).isEqualTo(myBest);
            assertThat(target.ws.gold().forPrompt(pid).prompt().note()).isEqualTo("mine");
            assertThat(target.ws.prompts().bySourceId("demo-policy-01 (demo)")).isPresent();
            assertThat(target.labeling.list().stream().filter(l -> l.name().equals("One-liner")).findFirst().orElseThrow().version()).isEqualTo(2);
            // and the pairs still read the same texts
            StoredPairSet p2 = target.ws.pairSets().get(s.pairSetIds().get(0)).orElseThrow();
            String a = new String(export(target, p2, ExportFormat.TRL), StandardCharsets.UTF_8).replace("demo-policy-01 (demo)", "demo-policy-01");
            assertThat(a).isEqualTo(new String(export(demo, pairs, ExportFormat.TRL), StandardCharsets.UTF_8));
        }
    }

    // ---- hostile bundles -----------------------------------------------------------------------------------------

    /** The valid bundle's entries, to tamper with. */
    static Map<String, byte[]> entries() throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(bundle.toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) out.put(e.getName(), z.getInputStream(e).readAllBytes());
        }
        return out;
    }

    /** A zip of these entries; with {@code fixManifest}, the manifest lists them with correct hashes. */
    static Path zip(Map<String, byte[]> entries, boolean fixManifest, Consumer<ObjectNode> editManifest) throws IOException {
        if (fixManifest || editManifest != null) {
            ObjectNode m = (ObjectNode) Json.read(new String(entries.get("manifest.json"), StandardCharsets.UTF_8));
            if (fixManifest) {
                ArrayNode list = m.putArray("entries");
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    if (e.getKey().equals("manifest.json")) continue;
                    list.addObject().put("name", e.getKey()).put("size", e.getValue().length)
                            .put("sha256", HexFormat.of().formatHex(sha(e.getValue())));
                }
            }
            if (editManifest != null) editManifest.accept(m);
            entries.put("manifest.json", Json.write(m).getBytes(StandardCharsets.UTF_8));
        }
        Path out = dir.resolve("hostile-" + (++counter) + ".prefwork.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(out))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return out;
    }

    static byte[] sha(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Refused with a message containing {@code reason}, and the target workspace (one for all hostile bundles) is left
     * exactly as it was: empty.
     */
    static void assertRefused(Path zip, String reason) {
        Demo target = victim;
        assertThatThrownBy(() -> importInto(target, zip)).isInstanceOf(InputException.class).hasMessageContaining(reason);
        assertThat(target.ws.prompts().count(dev.prefwork.core.PromptFilter.ALL)).isZero();
        assertThat(target.ws.labelingFunctions().count()).isZero();
        assertThat(target.ws.gold().labelledPromptIds()).isEmpty();
        assertThat(target.ws.pairSets().list()).isEmpty();
        assertThat(target.ws.datasets().list()).isEmpty();
    }

    @Test
    void zipSlipAndAbsolutePathsAreRefused() throws IOException {
        Map<String, byte[]> e = entries();
        e.put("../../evil.json", "{}".getBytes());
        assertRefused(zip(e, false, null), "leaves the bundle's folder (../)");
        Map<String, byte[]> a = entries();
        a.put("/etc/cron.d/evil", "x".getBytes());
        assertRefused(zip(a, false, null), "is an absolute path");
        Map<String, byte[]> w = entries();
        w.put("C:/Windows/evil.json", "x".getBytes());
        assertRefused(zip(w, false, null), "is an absolute path");
        Map<String, byte[]> u = entries();
        u.put("run.sh", "x".getBytes());
        assertRefused(zip(u, true, null), "is not part of a Prefwork bundle");
        assertThat(dir.getParent().resolve("evil.json")).doesNotExist();
    }

    @Test
    void aSymlinkEntryIsRefused() throws IOException {
        Path z = zip(entries(), false, null);
        // mark lfs.json in the central directory as a Unix symbolic link (mode 0120777), as `zip --symlinks` writes it
        byte[] b = Files.readAllBytes(z);
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 46 < b.length; i++) {
            if (buf.getInt(i) == 0x02014b50) {
                int nameLen = Short.toUnsignedInt(buf.getShort(i + 28));
                String name = new String(b, i + 46, nameLen, StandardCharsets.UTF_8);
                if (name.equals("lfs.json")) {
                    buf.putShort(i + 4, (short) ((3 << 8) | 20));
                    buf.putInt(i + 38, 0120777 << 16);
                }
            }
        }
        Files.write(z, b);
        assertRefused(z, "entry 'lfs.json' is a symbolic link");
    }

    @Test
    void zipBombsAreRefusedByRatioAndByTotalSizeCountingInflatedBytes() throws IOException {
        Map<String, byte[]> e = entries();
        e.put("models/bomb.json", new byte[20 << 20]); // 20 MB of zeros: ~1000× compression
        Path bomb = zip(e, true, null);
        assertThat(Files.size(bomb)).isLessThan(1 << 20);
        assertRefused(bomb, "refused as a zip bomb");
        // the total cap counts what is inflated, whatever the headers say
        BundleImporter small = new BundleImporter(victim.ws, victim.labeling, new SafeZip.Limits(100, 1L << 30, 200_000, 1e9, 10_000_000));
        assertThatThrownBy(() -> small.inspect(bundle, Progress.NONE)).isInstanceOf(InputException.class)
                .hasMessageContaining("inflates to more than").hasMessageContaining("in all; refused as a zip bomb");
        assertThat(victim.ws.prompts().count(dev.prefwork.core.PromptFilter.ALL)).isZero();
    }

    @Test
    void aCatastrophicRegexInAnLfIsRefusedWithinItsBudget() throws IOException {
        Map<String, byte[]> e = entries();
        ObjectNode lfs = (ObjectNode) Json.read(new String(e.get("lfs.json"), StandardCharsets.UTF_8));
        ((ArrayNode) lfs.get("lfs")).addObject().put("name", "Evil").put("aspect", "format").put("vote", "BAD")
                .putObject("when").put("type", "regex").put("pattern", "((a+)+)+b");
        e.put("lfs.json", Json.write(lfs).getBytes(StandardCharsets.UTF_8));
        long t0 = System.nanoTime();
        assertRefused(zip(e, true, null), "(Evil)");
        assertThat((System.nanoTime() - t0) / 1_000_000_000).isLessThan(60);
        // and an invalid spec is refused by the LF validator, with the field
        Map<String, byte[]> bad = entries();
        ObjectNode l2 = (ObjectNode) Json.read(new String(bad.get("lfs.json"), StandardCharsets.UTF_8));
        ((ArrayNode) l2.get("lfs")).addObject().put("name", "Broken").put("aspect", "format").put("vote", "BAD")
                .putObject("when").put("type", "regex").put("pattern", "([a-");
        bad.put("lfs.json", Json.write(l2).getBytes(StandardCharsets.UTF_8));
        assertRefused(zip(bad, true, null), "not a valid regular expression");
    }

    @Test
    void oversizedJsonIsRefused() throws IOException {
        Map<String, byte[]> e = entries();
        byte[] noise = new byte[8_300_000]; // random, so it does not compress like a bomb
        new java.util.Random(1).nextBytes(noise);
        String big = "{\"format\":\"prefwork-lfs\",\"version\":1,\"lfs\":[],\"pad\":\"" + java.util.Base64.getEncoder().encodeToString(noise) + "\"}";
        e.put("lfs.json", big.getBytes(StandardCharsets.UTF_8));
        assertRefused(zip(e, true, null), "a bundle's JSON document is at most 10000000 bytes");
        Map<String, byte[]> d2 = entries();
        d2.put("sets/1/set.json", ("{\"a\":" .repeat(100) + "1" + "}".repeat(100)).getBytes(StandardCharsets.UTF_8));
        assertRefused(zip(d2, true, null), "nested deeper than 64 levels");
    }

    @Test
    void aHashMismatchAndAnUnknownFormatVersionAreRefused() throws IOException {
        Map<String, byte[]> e = entries();
        byte[] gold = e.get("gold.jsonl");
        gold[10] ^= 1; // a changed byte, manifest as it was
        assertRefused(zip(e, false, null), "'gold.jsonl' does not match its SHA-256");
        assertRefused(zip(entries(), true, m -> m.put("format_version", 2)), "the bundle was made by a newer Prefwork");
        assertRefused(zip(entries(), true, m -> m.put("format", "something-else")), "not a Prefwork bundle");
        Map<String, byte[]> extra = entries();
        extra.put("models/extra.json", "{}".getBytes());
        assertRefused(zip(extra, false, null), "'models/extra.json' is in the zip but not in the manifest");
    }

    @Test
    void aPairWhoseTextDiffersFromItsCandidateIsRefused() throws IOException {
        Map<String, byte[]> e = entries();
        String rows = new String(e.get("sets/1/rows.jsonl"), StandardCharsets.UTF_8);
        ObjectNode first = (ObjectNode) Json.read(rows.substring(0, rows.indexOf('\n')));
        first.put("chosen", "a different text");
        e.put("sets/1/rows.jsonl", (Json.write(first) + rows.substring(rows.indexOf('\n'))).getBytes(StandardCharsets.UTF_8));
        assertRefused(zip(e, true, null), "rows.jsonl:1: field 'chosen': differs from candidate");
    }
}
