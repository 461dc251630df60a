package dev.prefwork.labeling.service;

import dev.prefwork.core.Progress;
import dev.prefwork.labeling.analysis.LfStats;
import dev.prefwork.labeling.lf.LfJson;
import dev.prefwork.labeling.lf.LfLibrary;
import dev.prefwork.labeling.lf.LfValidator;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.gold.GoldFile;
import dev.prefwork.store.importer.ImportSource;
import dev.prefwork.store.importer.Importer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter library shipped with the demo workspace (assets/demo/lfs.json): it validates, and on the demo
 * gold its LFs cover what they should with the accuracy an expert would expect of them.
 */
class DemoLibraryTest {

    static final Path DEMO = Path.of("../../assets/demo");

    @TempDir
    static Path dir;
    static Workspace ws;
    static LabelingService service;
    static LfApplyReport report;

    @BeforeAll
    static void loadDemo() throws IOException {
        ws = Workspace.open(dir.resolve("demo"));
        new Importer(ws).importFile(DEMO.resolve("prompts.jsonl"), Importer.Options.DETECT, Progress.NONE);
        new GoldFile(ws).importGold(ImportSource.of(DEMO.resolve("gold.jsonl")));
        service = new LabelingService(ws);
        LibraryImport imp = service.importLibrary(DEMO.resolve("lfs.json"));
        assertThat(imp.created()).isEqualTo(imp.lfs().size());
        report = service.apply(Progress.NONE);
        System.out.println(table(report));
    }

    @AfterAll
    static void close() {
        service.close();
        ws.close();
    }

    static String table(LfApplyReport r) {
        StringBuilder sb = new StringBuilder(String.format("%-40s %-11s %4s %5s %6s %6s %4s %4s %6s%n",
                "LF", "aspect", "vote", "hits", "cover", "confl", "ok", "bad", "acc"));
        for (LfApplyReport.Row row : r.lfs()) {
            LfStats s = row.stats();
            sb.append(String.format("%-40s %-11s %4s %5d %6.3f %6.3f %4d %4d %6.2f%n", row.lf().name(), row.lf().aspect(),
                    row.lf().vote(), s.hits(), s.coverage(), s.conflicts(), s.correct(), s.incorrect(), s.empiricalAccuracy()));
        }
        sb.append(String.format("label coverage %.3f, overlap %.3f, conflict %.3f over %d candidates, %d with gold",
                r.matrix().labelCoverage(), r.matrix().labelOverlap(), r.matrix().labelConflict(), r.candidates(), r.matrix().goldRows()));
        return sb.toString();
    }

    @Test
    void theLibraryFileValidatesAndRoundTrips() throws IOException {
        String json = Files.readString(DEMO.resolve("lfs.json"));
        LfJson.Parsed<LfLibrary> lib = LfJson.parseLibrary(json);
        assertThat(lib.errors()).isEmpty();
        assertThat(lib.value().lfs()).hasSizeBetween(14, 18);
        for (LfLibrary.Entry e : lib.value().lfs()) assertThat(LfValidator.standard().validate(e.spec())).as(e.name()).isEmpty();
        assertThat(LfJson.parseLibrary(LfJson.writePretty(lib.value())).value()).isEqualTo(lib.value());
        assertThat(lib.value().lfs()).extracting(LfLibrary.Entry::aspect)
                .containsAll(Set.of("helpfulness", "correctness", "policy", "tone", "format"));
    }

    @Test
    void everyLfAppliesAndFiresOnTheDemo() {
        assertThat(report.candidates()).isEqualTo(330);
        assertThat(report.matrix().goldRows()).isGreaterThan(80);
        for (LfApplyReport.Row row : report.lfs()) {
            assertThat(row.error()).as(row.lf().name()).isNull();
            assertThat(row.stats().hits()).as(row.lf().name() + " fires").isPositive();
            assertThat(row.stats().coverage()).as(row.lf().name() + " is not a blanket rule").isLessThan(0.5);
        }
        // together they say something about most candidates
        assertThat(report.matrix().labelCoverage()).isGreaterThan(0.8);
        assertThat(report.matrix().labelConflict()).isLessThan(0.2);
    }

    @Test
    void judgmentLfsAgreeWithTheExpertsGold() {
        for (LfApplyReport.Row row : report.lfs()) {
            if (row.lf().aspect().equals("tone") || row.lf().aspect().equals("format") && row.lf().vote().name().equals("BAD")) continue;
            LfStats s = row.stats();
            if (s.goldHits() >= 3) {
                assertThat(s.empiricalAccuracy()).as(row.lf().name() + " accuracy on " + s.goldHits() + " gold rows").isGreaterThanOrEqualTo(0.75);
            }
        }
        assertThat(report.row("Refusal or deflection").stats().goldHits()).isGreaterThanOrEqualTo(10);
        assertThat(report.row("Refusal or deflection").stats().empiricalAccuracy()).isGreaterThanOrEqualTo(0.9);
        assertThat(report.row("Structured with lists or a table").stats().empiricalAccuracy()).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void lengthAndPaddingLfsSpareTheBestPicks() {
        List<Long> best = ws.bulk().goldPicks().stream().map(g -> g.bestCandidateId()).filter(x -> x != null).toList();
        assertThat(bestPicksHit("Padded opener", best)).isZero();
        assertThat(bestPicksHit("One-liner", best)).isZero();
        // the expert's one exception (demo-support-07: "longer than I'd usually accept, but for a key account
        // this angry the extra acknowledgement is right") is the only best pick the length rule flags
        assertThat(bestPicksHit("Much longer than the other answers", best)).isEqualTo(1);
    }

    private static int bestPicksHit(String lf, List<Long> best) {
        LfVotes votes = service.enabledVotes(Progress.NONE);
        int col = votes.columns().stream().map(LfVotes.Column::name).toList().indexOf(lf);
        int hits = 0;
        for (long id : best) {
            if (votes.matrix().get(java.util.Arrays.binarySearch(votes.candidateIds(), id), col) != 0) hits++;
        }
        return hits;
    }
}
