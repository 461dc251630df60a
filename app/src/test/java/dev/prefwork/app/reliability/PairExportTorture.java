package dev.prefwork.app.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prefwork.app.AppCuration;
import dev.prefwork.app.DemoWorkspace;
import dev.prefwork.core.Candidate;
import dev.prefwork.core.Progress;
import dev.prefwork.core.Verdict;
import dev.prefwork.curation.CurationService;
import dev.prefwork.curation.export.ExportFormat;
import dev.prefwork.curation.export.Exporter;
import dev.prefwork.curation.pairs.CurationRequest;
import dev.prefwork.curation.pairs.CurationResult;
import dev.prefwork.curation.pairs.Strategy;
import dev.prefwork.curation.ranking.RankingSource;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.store.PairSetRepository.StoredPairSet;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.importer.Importer;
import dev.prefwork.testkit.SyntheticDataset;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pair curation and export as `prefwork pairs` and `prefwork export` do them: pair sets built with each strategy and
 * saved, and saved sets exported (TRL, TRL conversational, SFT, CSV, a Hugging Face folder) over a few file names
 * under {@code exports/} again and again, so most exports replace an earlier file. After a kill: every acknowledged
 * set is there with its pairs (the whole-or-absent fact about every set is in {@link WorkspaceInvariants}); every file
 * under a final name parses whole — every JSONL line an object, every CSV record complete, as many rows as its pair
 * set has — and is byte for byte the export of a set it may hold (the last acknowledged export to that name, or one
 * begun after it); an acknowledged export is still there; the only other names are the exporter's hidden temporary
 * ones ({@code .name…part}), which a reader of the folder never mistakes for an export.
 */
final class PairExportTorture implements TortureOperation {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ExportFormat[] FORMATS = ExportFormat.values();
    /** Final names per format: few, so exports keep replacing one another. */
    private static final int SLOTS = 2;

    /** Temporary files left by killed exports, seen by the last check (reported, never taken for an export). */
    int temporaries;
    /** Fresh exports made by earlier checks (a saved set never changes, so neither does its export). */
    private final Map<Content, Path> fresh = new java.util.HashMap<>();

    @Override
    public void prepare(Path dir, Path scratch) {
        try (Workspace ws = Workspace.open(dir)) {
            Path file = SyntheticDataset.builder().prompts(250).candidatesPerPrompt(4).seed(23).build()
                    .writeJsonl(scratch.resolve("synthetic.jsonl")).file();
            new Importer(ws).importFile(file, Importer.Options.DETECT, Progress.NONE);
            SplittableRandom rnd = new SplittableRandom(9);
            List<Long> prompts = ws.jdbc().list("SELECT id FROM prompt ORDER BY id LIMIT 50", rs -> rs.getLong(1));
            for (long p : prompts) {
                List<Candidate> c = ws.candidates().forPrompt(p);
                ws.gold().setLabel(c.get(rnd.nextInt(c.size())).id(), rnd.nextBoolean() ? Verdict.GOOD : Verdict.BAD, null);
            }
            try (LabelingService lfs = new LabelingService(ws)) {
                lfs.importLibrary(DemoWorkspace.starterLibrary(), "demo lfs.json");
                lfs.apply(Progress.NONE);
                new LabelModelService(ws, lfs).fit(LabelModelService.FitRequest.defaults(), Progress.NONE);
                CurationService curation = AppCuration.service(ws, lfs);
                RankingSource source = curation.defaultSource(Progress.NONE).orElseThrow();
                curation.save(curation.build(source, CurationRequest.defaults(), Progress.NONE), "first pairs");
            }
        }
    }

    @Override
    public int maxStepsBeforeKill() {
        return 5;
    }

    static Path target(Path dir, ExportFormat f, int slot) {
        return dir.resolve("exports").resolve(f.cliName() + "-" + slot + f.extension());
    }

    @Override
    public void work(ChildContext ctx) {
        try (Workspace ws = ctx.openWorkspace(); LabelingService lfs = new LabelingService(ws)) {
            CurationService curation = AppCuration.service(ws, lfs);
            RankingSource source = curation.defaultSource(Progress.NONE).orElseThrow();
            SplittableRandom rnd = ctx.random();
            ctx.ready();
            for (int n = 0; ; n++) {
                if (rnd.nextInt(10) < 3) {
                    Strategy s = Strategy.values()[rnd.nextInt(Strategy.values().length)];
                    CurationRequest request = CurationRequest.defaults().withStrategy(s).withSeed(rnd.nextLong(1000))
                            .withMarginThreshold(0.05 + rnd.nextDouble() * 0.3).withTopPercent(20 + rnd.nextInt(60));
                    String name = "set " + ctx.token() + "-" + n;
                    ctx.journal().begin("save", name);
                    CurationResult result = curation.build(source, request, Progress.NONE);
                    if (result.size() == 0) {
                        ctx.journal().write("skip", name); // nothing to save, as `prefwork pairs` refuses
                        continue;
                    }
                    StoredPairSet set = curation.save(result, name);
                    ctx.journal().ack("save", set.id(), name, set.pairs(), set.kind());
                } else {
                    List<StoredPairSet> sets = curation.pairSets();
                    StoredPairSet set = sets.get(rnd.nextInt(sets.size()));
                    ExportFormat f;
                    do {
                        f = FORMATS[rnd.nextInt(FORMATS.length)];
                    } while (set.sft() && (f == ExportFormat.TRL || f == ExportFormat.TRL_CHAT));
                    Path out = target(ctx.dir(), f, rnd.nextInt(SLOTS));
                    ctx.journal().begin("export", out.getFileName(), set.id(), f.cliName());
                    Exporter.Result r = new Exporter(ws, curation).export(set, f, out, Exporter.Options.defaults(), Progress.NONE);
                    ctx.journal().ack("export", out.getFileName(), set.id(), f.cliName(), r.rows());
                }
            }
        }
    }

    /** A pair set and a format: what a file under a final name may hold. */
    private record Content(long setId, ExportFormat format) {
    }

    @Override
    public void check(CheckContext ctx) throws IOException {
        Workspace ws = ctx.workspace();
        // what each final name may hold: the last acknowledged export to it, or any begun after that (their rename may
        // have happened before the kill); and which names must exist
        Map<String, Set<Content>> may = new LinkedHashMap<>();
        Set<String> mustExist = new LinkedHashSet<>();
        for (List<Journal.Entry> run : ctx.runs()) {
            for (Journal.Entry e : run) {
                if (e.fields().isEmpty() || !e.field(0).equals("export")) {
                    if (e.kind().equals("ack") && e.field(0).equals("save")) {
                        StoredPairSet s = ws.pairSets().get(e.longField(1)).orElseThrow(() -> new AssertionError("acknowledged pair set " + e + " is missing"));
                        assertThat(s.name()).isEqualTo(e.field(2));
                        assertThat(s.pairs()).as("pairs of acknowledged set %s", e.field(2)).isEqualTo(Integer.parseInt(e.field(3)));
                        assertThat(s.kind()).isEqualTo(e.field(4));
                    }
                    continue;
                }
                String name = e.field(1);
                Content c = new Content(e.longField(2), ExportFormat.parse(e.field(3)));
                if (e.kind().equals("begin")) {
                    may.computeIfAbsent(name, k -> new LinkedHashSet<>()).add(c);
                } else if (e.kind().equals("ack")) {
                    may.put(name, new LinkedHashSet<>(List.of(c)));
                    mustExist.add(name);
                    assertThat(ws.pairSets().get(c.setId()).orElseThrow().pairs()).as("rows of acknowledged export %s", e).isEqualTo(Integer.parseInt(e.field(4)));
                }
            }
        }
        // a set whose save was in flight is whole or absent: the fact in WorkspaceInvariants counts every set's pairs
        Path exports = ctx.dir().resolve("exports");
        List<Path> entries;
        try (Stream<Path> s = Files.exists(exports) ? Files.list(exports) : Stream.empty()) {
            entries = s.sorted().toList();
        }
        int temp = 0;
        Set<String> present = new LinkedHashSet<>();
        try (LabelingService lfs = new LabelingService(ws)) {
            CurationService curation = AppCuration.service(ws, lfs);
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") && (name.endsWith(".part") || name.contains(".part") || name.contains(".old-"))) {
                    temp++; // a killed export's temporary file or folder: hidden, never under a final name
                    continue;
                }
                present.add(name);
                Set<Content> options = may.get(name);
                assertThat(options).as("%s: a file under a name no export wrote", name).isNotNull();
                List<String> why = new ArrayList<>();
                boolean matches = false;
                for (Content c : options) {
                    StoredPairSet set = ws.pairSets().get(c.setId()).orElseThrow();
                    String problem = whole(p, set, c.format());
                    if (problem == null) problem = sameAsFresh(p, fresh(c, ws, curation, set, ctx.scratch()), c.format());
                    if (problem == null) {
                        matches = true;
                        break;
                    }
                    why.add("set #" + set.id() + " as " + c.format().cliName() + ": " + problem);
                }
                assertThat(matches).as("%s is not a complete export of what it may hold: %s", name, why).isTrue();
            }
        }
        temporaries = temp;
        for (String name : mustExist) {
            // the one window where an acknowledged name may be missing: a Hugging Face folder being swapped
            // (old folder moved aside, new one not yet moved in) by an export begun after the ack
            boolean swapping = may.get(name).stream().anyMatch(c -> c.format() == ExportFormat.HF) && may.get(name).size() > 1;
            if (!swapping) assertThat(present).as("acknowledged export %s is still there", name).contains(name);
        }
    }

    /** Null when {@code p} is a whole export of {@code set} in {@code f}: everything parses and the row count is right. */
    private static String whole(Path p, StoredPairSet set, ExportFormat f) throws IOException {
        if (f == ExportFormat.HF) {
            if (!Files.isDirectory(p)) return "not a folder";
            for (String part : List.of("README.md", "data/train.jsonl", "data/test.jsonl")) {
                if (!Files.isRegularFile(p.resolve(part))) return part + " is missing";
            }
            String a = jsonl(p.resolve("data/train.jsonl"));
            String b = jsonl(p.resolve("data/test.jsonl"));
            if (a.startsWith("!") || b.startsWith("!")) return a + b;
            int rows = Integer.parseInt(a) + Integer.parseInt(b);
            return rows == set.pairs() ? null : rows + " rows, the set has " + set.pairs();
        }
        if (!Files.isRegularFile(p)) return "not a file";
        if (f == ExportFormat.CSV) {
            try (Reader r = Files.newBufferedReader(p, StandardCharsets.UTF_8);
                 CSVParser csv = CSVParser.parse(r, CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build())) {
                int n = 0;
                int columns = csv.getHeaderNames().size();
                for (var rec : csv) {
                    if (rec.size() != columns) return "record " + (n + 1) + " has " + rec.size() + " fields, not " + columns;
                    n++;
                }
                return n == set.pairs() ? null : n + " records, the set has " + set.pairs();
            } catch (IllegalStateException | java.io.UncheckedIOException e) {
                return "the CSV does not parse: " + e.getMessage();
            }
        }
        String n = jsonl(p);
        if (n.startsWith("!")) return n;
        return Integer.parseInt(n) == set.pairs() ? null : n + " lines, the set has " + set.pairs();
    }

    /** The number of lines, each a JSON object ending in a newline; "!why" when one is not. */
    private static String jsonl(Path p) throws IOException {
        String text = Files.readString(p, StandardCharsets.UTF_8);
        if (!text.isEmpty() && !text.endsWith("\n")) return "!" + p.getFileName() + " ends inside a line";
        int n = 0;
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) continue;
            n++;
            try {
                JsonNode o = JSON.readTree(line);
                if (o == null || !o.isObject()) return "!" + p.getFileName() + ":" + n + " is not a JSON object";
            } catch (IOException e) {
                return "!" + p.getFileName() + ":" + n + " does not parse: " + e.getMessage();
            }
        }
        return Integer.toString(n);
    }

    /** A fresh export of {@code set} as {@code c.format()}, made once per test. */
    private Path fresh(Content c, Workspace ws, CurationService curation, StoredPairSet set, Path scratch) throws IOException {
        Path done = fresh.get(c);
        if (done != null) return done;
        Path out = Files.createTempDirectory(scratch, "fresh").resolve("export" + c.format().extension());
        new Exporter(ws, curation).export(set, c.format(), out, Exporter.Options.defaults(), Progress.NONE);
        fresh.put(c, out);
        return out;
    }

    /** Null when {@code p} holds exactly the bytes of the fresh export {@code fresh}. */
    private static String sameAsFresh(Path p, Path fresh, ExportFormat f) throws IOException {
        List<String> parts = f == ExportFormat.HF ? List.of("README.md", "data/train.jsonl", "data/test.jsonl") : List.of("");
        for (String part : parts) {
            Path a = part.isEmpty() ? p : p.resolve(part);
            Path b = part.isEmpty() ? fresh : fresh.resolve(part);
            if (Files.mismatch(a, b) != -1) return (part.isEmpty() ? "the file" : part) + " differs from a fresh export";
        }
        return null;
    }
}
