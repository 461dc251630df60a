package dev.prefwork.curation;

import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.curation.bundle.BundleImporter;
import dev.prefwork.curation.bundle.BundleWriter;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Colleague bundles: a round trip into a fresh workspace, and merging into one that has data. Hostile bundles: {@link HostileBundleCorpusTest}. */
class BundleTest {

    @TempDir
    static Path dir;
    static Demo demo;
    static StoredPairSet pairs;
    static StoredPairSet sft;
    static Path bundle;
    static int counter;
    static int bundled;

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
        bundled = r.prompts(); // the prompts the sets and the gold refer to
        assertThat(bundled).isBetween(60, 66);
    }

    static BundleWriter writer(Demo d) {
        return new BundleWriter(d.ws, d.labeling, d.labelModel, d.curation, "test", Clock.systemUTC());
    }

    @AfterAll
    static void close() {
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
}
