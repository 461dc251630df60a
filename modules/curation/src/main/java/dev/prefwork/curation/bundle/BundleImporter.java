package dev.prefwork.curation.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.curation.Json;
import dev.prefwork.curation.export.AtomicFiles;
import dev.prefwork.labeling.engine.ApplyResult;
import dev.prefwork.labeling.engine.Corpus;
import dev.prefwork.labeling.engine.LfEngine;
import dev.prefwork.labeling.lf.Condition;
import dev.prefwork.labeling.lf.LfSpec;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.labeling.service.LabelingService.CheckedLibrary;
import dev.prefwork.store.Jdbc;
import dev.prefwork.store.LabelingFunctionRepository;
import dev.prefwork.store.PairSetRepository;
import dev.prefwork.store.PairSetRepository.PairRows;
import dev.prefwork.store.PairSetRepository.PairSetToSave;
import dev.prefwork.store.StoredLf;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.gold.GoldFile;
import dev.prefwork.store.importer.ImportFormat;
import dev.prefwork.store.importer.ImportSource;
import dev.prefwork.store.importer.Importer;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Imports a colleague bundle in two steps: {@link #inspect} unpacks and checks everything (zip structure, the
 * manifest's hashes and sizes, every document's schema, every LF through the LF validator and every regex under
 * a time budget, every pair's prompt and texts against the bundle's own candidates) and says what would be added;
 * {@link #apply} then merges it in one transaction: the prompts as a new dataset (a prompt the workspace already
 * has with the same texts is reused; one with the same id but other texts comes in under a new id), LFs with
 * an existing name as new versions, gold without overwriting the workspace's own judgments, and the pair sets as
 * new sets. A refused bundle changes nothing.
 */
public final class BundleImporter {

    /** CPU time one regex may take on one probe text before the bundle is refused. */
    static final Duration REGEX_BUDGET = Duration.ofMillis(150);
    /** Longest line of a bundle's JSONL, in bytes. */
    static final int MAX_LINE = 16 * 1024 * 1024;

    /** One prompt of the bundle and what will become of it. */
    record BundlePrompt(String id, int candidates, long[] textHashes, String text, String category) {
    }

    /** One pair (or SFT pick) of a bundled set, by prompt id and candidate positions. */
    record Row(String promptId, int chosen, int rejected, double chosenScore, double rejectedScore, double margin, String reason) {
    }

    record BundledSet(ObjectNode meta, List<Row> rows) {
        boolean sft() {
            return PairSetRepository.SFT.equals(meta.path("kind").asText());
        }
    }

    /** A checked bundle, ready to apply; close it to delete the unpacked files. */
    public static final class Plan implements AutoCloseable {
        private final Path zip;
        private final Path dir;
        private final String manifestSha;
        private final ObjectNode manifest;
        private final Map<String, SafeZip.Entry> entries;
        private final Map<String, BundlePrompt> prompts;
        private final CheckedLibrary library;
        private final List<GoldFile.GoldLine> gold;
        private final List<BundledSet> sets;
        private final List<String> preview;

        Plan(Path zip, Path dir, String manifestSha, ObjectNode manifest, Map<String, SafeZip.Entry> entries,
             Map<String, BundlePrompt> prompts, CheckedLibrary library, List<GoldFile.GoldLine> gold, List<BundledSet> sets,
             List<String> preview) {
            this.zip = zip;
            this.dir = dir;
            this.manifestSha = manifestSha;
            this.manifest = manifest;
            this.entries = entries;
            this.prompts = prompts;
            this.library = library;
            this.gold = gold;
            this.sets = sets;
            this.preview = preview;
        }

        /** What the import would add, one line each, for the confirmation dialog and the CLI. */
        public List<String> preview() {
            return preview;
        }

        public String fileName() {
            return zip.getFileName().toString();
        }

        public String createdBy() {
            return manifest.path("app_version").asText() + ", " + manifest.path("created").asText();
        }

        @Override
        public void close() {
            AtomicFiles.deleteQuietly(dir);
        }
    }

    /** What an import added. */
    public record Summary(String dataset, int promptsAdded, int promptsReused, int promptsRenamed, int lfsCreated,
                          int lfNewVersions, int lfsUnchanged, int goldAdded, int goldKept, List<Long> pairSetIds,
                          List<String> lines) {
    }

    private final Workspace workspace;
    private final LabelingService labeling;
    private final SafeZip.Limits limits;

    public BundleImporter(Workspace workspace, LabelingService labeling) {
        this(workspace, labeling, SafeZip.Limits.defaults());
    }

    public BundleImporter(Workspace workspace, LabelingService labeling, SafeZip.Limits limits) {
        this.workspace = workspace;
        this.labeling = labeling;
        this.limits = limits;
    }

    // ---- step 1: check everything ------------------------------------------------------------------------------

    public Plan inspect(Path zip, Progress progress) {
        String file = zip.getFileName().toString();
        if (!Files.isRegularFile(zip)) throw new InputException("no such file: " + zip);
        Path dir;
        try {
            dir = Files.createTempDirectory("prefwork-bundle");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            progress.update(0, 6, "Unpacking " + file);
            Map<String, SafeZip.Entry> entries = SafeZip.unpack(zip, dir, limits);
            progress.checkCancelled();
            progress.update(1, 6, "Checking the manifest");
            SafeZip.Entry manifestEntry = entries.get(BundleFormat.MANIFEST);
            if (manifestEntry == null) throw new InputException(file, 0, null, "has no manifest.json; it is not a Prefwork bundle");
            ObjectNode manifest = object(Json.parse(SafeZip.readSmall(manifestEntry, 1_000_000, file), file + ":" + BundleFormat.MANIFEST, 0),
                    file + ":" + BundleFormat.MANIFEST);
            checkManifest(manifest, entries, file);
            for (String required : List.of(BundleFormat.LFS, BundleFormat.GOLD, BundleFormat.CANDIDATES)) {
                if (!entries.containsKey(required)) throw new InputException(file, 0, null, "has no " + required);
            }

            progress.update(2, 6, "Checking the prompts");
            Map<String, BundlePrompt> prompts = readCandidates(entries.get(BundleFormat.CANDIDATES), file + ":" + BundleFormat.CANDIDATES, progress);

            progress.update(3, 6, "Checking the labeling functions");
            String lfsJson = SafeZip.readSmall(entries.get(BundleFormat.LFS), limits.maxJsonBytes(), file);
            CheckedLibrary library = labeling.checkLibrary(lfsJson, file + ":" + BundleFormat.LFS);
            probeRegexes(library.specs(), prompts, file + ":" + BundleFormat.LFS, progress);

            progress.update(4, 6, "Checking the gold");
            List<GoldFile.GoldLine> gold = GoldFile.parse(source(entries.get(BundleFormat.GOLD), file + ":" + BundleFormat.GOLD),
                    id -> prompts.containsKey(id) ? prompts.get(id).candidates() : -1);

            progress.update(5, 6, "Checking the pair sets");
            List<BundledSet> sets = new ArrayList<>();
            for (int n = 1; entries.containsKey(BundleFormat.setJson(n)); n++) {
                sets.add(readSet(entries, n, prompts, file));
            }
            for (String name : entries.keySet()) {
                if (name.startsWith("sets/") && !name.equals(BundleFormat.setJson(sets.size())) && !name.equals(BundleFormat.rows(sets.size()))
                        && sets.size() < Integer.parseInt(name.split("/")[1])) {
                    throw new InputException(file, 0, null, "entry '" + name + "' is out of sequence (sets are numbered from 1 without gaps)");
                }
            }
            String manifestSha = manifestEntry.sha256();
            workspace.pairSets().byOrigin(origin(manifestSha)).ifPresent(s -> {
                throw new InputException(file, 0, null, "this bundle was already imported (pair set #" + s.id() + " \"" + s.name()
                        + "\", " + s.createdAt().toString().substring(0, 10) + "); nothing was imported");
            });
            List<String> preview = preview(prompts, library, gold, sets);
            progress.update(6, 6, "Checked");
            return new Plan(zip, dir, manifestSha, manifest, entries, prompts, library, gold, sets, preview);
        } catch (RuntimeException | Error e) {
            AtomicFiles.deleteQuietly(dir);
            throw e;
        }
    }

    /** The manifest's fields: nothing else is read from it, and anything else is refused (a bundle sets no paths or options). */
    static final List<String> MANIFEST_FIELDS = List.of("format", "format_version", "app_version", "created", "entries");
    private static final List<String> MANIFEST_ENTRY_FIELDS = List.of("name", "size", "sha256");

    private static void checkManifest(ObjectNode m, Map<String, SafeZip.Entry> entries, String file) {
        String where = file + ":" + BundleFormat.MANIFEST;
        if (!BundleFormat.FORMAT.equals(m.path("format").asText())) {
            throw new InputException(where, 0, "format", "expected \"" + BundleFormat.FORMAT + "\"; this is not a Prefwork bundle");
        }
        JsonNode v = m.get("format_version");
        if (v == null || !v.isIntegralNumber()) throw new InputException(where, 0, "format_version", expected(v, "an integer"));
        if (v.asInt() != BundleFormat.VERSION) {
            throw new InputException(where, 0, "format_version", "is " + v.asInt() + "; this Prefwork reads bundle format "
                    + BundleFormat.VERSION + (v.asInt() > BundleFormat.VERSION ? " (the bundle was made by a newer Prefwork: update)" : ""));
        }
        // same format version, so a field we do not know is no newer feature: a database URL, H2 options or a folder
        // to write to would be one, and nothing of the kind is taken from a bundle
        for (var it = m.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!MANIFEST_FIELDS.contains(f)) {
                throw new InputException(where, 0, cut(f), "is not a manifest field (a bundle's manifest has only "
                        + String.join(", ", MANIFEST_FIELDS) + "; it sets no paths or options); nothing was imported");
            }
        }
        for (String f : List.of("app_version", "created")) {
            JsonNode t = m.get(f);
            if (t == null || !t.isTextual()) throw new InputException(where, 0, f, expected(t, "a string"));
            if (t.asText().length() > 200) throw new InputException(where, 0, f, "is longer than 200 characters");
        }
        JsonNode list = m.get("entries");
        if (list == null || !list.isArray()) throw new InputException(where, 0, "entries", expected(list, "a list"));
        Set<String> listed = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode e = list.get(i);
            String f = "entries[" + i + "]";
            if (!e.isObject()) throw new InputException(where, 0, f, expected(e, "{\"name\", \"size\", \"sha256\"}"));
            for (var it = e.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!MANIFEST_ENTRY_FIELDS.contains(k)) throw new InputException(where, 0, f + "." + cut(k), "is not an entry field (expected name, size, sha256)");
            }
            if (!e.path("name").isTextual()) throw new InputException(where, 0, f + ".name", expected(e.get("name"), "a string"));
            if (!e.path("size").isIntegralNumber()) throw new InputException(where, 0, f + ".size", expected(e.get("size"), "an integer"));
            if (!e.path("sha256").isTextual()) throw new InputException(where, 0, f + ".sha256", expected(e.get("sha256"), "a string"));
            String name = e.get("name").asText();
            SafeZip.checkName(where, name); // a listed name outside the bundle's layout is refused as the zip's own would be
            if (!listed.add(name)) throw new InputException(where, 0, f + ".name", "'" + name + "' is listed twice");
            SafeZip.Entry actual = entries.get(name);
            if (actual == null) throw new InputException(where, 0, f + ".name", "'" + name + "' is listed but not in the zip");
            if (actual.size() != e.get("size").asLong()) {
                throw new InputException(where, 0, f + ".size", "'" + name + "' is " + actual.size() + " bytes, the manifest says " + e.get("size").asLong());
            }
            if (!actual.sha256().equalsIgnoreCase(e.get("sha256").asText())) {
                throw new InputException(where, 0, f + ".sha256", "'" + name + "' does not match its SHA-256 (the bundle was changed or damaged); nothing was imported");
            }
        }
        for (String name : entries.keySet()) {
            if (!name.equals(BundleFormat.MANIFEST) && !listed.contains(name)) {
                throw new InputException(where, 0, "entries", "'" + name + "' is in the zip but not in the manifest");
            }
        }
    }

    /** "is missing; expected X" or "expected X, found a Y". */
    private static String expected(JsonNode v, String what) {
        if (v == null) return "is missing; expected " + what;
        String found = switch (v.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> v.isIntegralNumber() ? "an integer" : "a number";
            case BOOLEAN -> "true/false";
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> "something else";
        };
        return "expected " + what + ", found " + found;
    }

    private static String cut(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 60 ? clean.substring(0, 60) + "…" : clean;
    }

    private Map<String, BundlePrompt> readCandidates(SafeZip.Entry e, String where, Progress progress) {
        Map<String, BundlePrompt> out = new LinkedHashMap<>();
        forEachLine(e, where, (n, line) -> {
            ObjectNode o = object(Json.parse(line, where, n), where + ":" + n);
            String id = text(o, "id", where, n, 200, false);
            String prompt = text(o, "prompt", where, n, Json.MAX_STRING, false);
            String category = o.hasNonNull("category") ? text(o, "category", where, n, 200, false) : null;
            JsonNode cands = o.get("candidates");
            if (cands == null || !cands.isArray() || cands.size() < 2 || cands.size() > 100) {
                throw new InputException(where, n, "candidates", "expected a list of 2 to 100 {\"text\", \"model\"} objects");
            }
            long[] hashes = new long[cands.size()];
            for (int i = 0; i < cands.size(); i++) {
                JsonNode c = cands.get(i);
                if (!c.isObject()) throw new InputException(where, n, "candidates[" + i + "]", "expected an object");
                String t = text((ObjectNode) c, "text", where, n, Json.MAX_STRING, true);
                if (c.hasNonNull("model") && !c.get("model").isTextual()) throw new InputException(where, n, "candidates[" + i + "].model", "expected a string");
                hashes[i] = hash(t);
            }
            if (out.put(id, new BundlePrompt(id, cands.size(), hashes, prompt, category)) != null) {
                throw new InputException(where, n, "id", "duplicate id '" + id + "'");
            }
            if ((n & 0x3FF) == 0) progress.checkCancelled();
        });
        return out;
    }

    private BundledSet readSet(Map<String, SafeZip.Entry> entries, int n, Map<String, BundlePrompt> prompts, String file) {
        String metaName = BundleFormat.setJson(n);
        String where = file + ":" + metaName;
        ObjectNode meta = object(Json.parse(SafeZip.readSmall(entries.get(metaName), limits.maxJsonBytes(), file), where, 0), where);
        String kind = meta.path("kind").asText();
        if (!kind.equals(PairSetRepository.PAIRS) && !kind.equals(PairSetRepository.SFT)) {
            throw new InputException(where, 0, "kind", "expected PAIRS or SFT, found '" + kind + "'");
        }
        for (String f : List.of("name", "strategy")) {
            if (!meta.path(f).isTextual() || meta.get(f).asText().isBlank() || meta.get(f).asText().length() > 200) {
                throw new InputException(where, 0, f, "expected a non-empty string of at most 200 characters");
            }
        }
        for (String f : List.of("parameters", "provenance")) {
            if (!meta.path(f).isObject()) throw new InputException(where, 0, f, "expected an object");
        }
        if (!meta.path("funnel").isArray()) throw new InputException(where, 0, "funnel", "expected a list");
        boolean sft = kind.equals(PairSetRepository.SFT);
        SafeZip.Entry rowsEntry = entries.get(BundleFormat.rows(n));
        if (rowsEntry == null) throw new InputException(file, 0, null, "has " + metaName + " but no " + BundleFormat.rows(n));
        String rowsWhere = file + ":" + BundleFormat.rows(n);
        List<Row> rows = new ArrayList<>();
        forEachLine(rowsEntry, rowsWhere, (ln, line) -> {
            ObjectNode o = object(Json.parse(line, rowsWhere, ln), rowsWhere + ":" + ln);
            String pid = text(o, "prompt_id", rowsWhere, ln, 200, false);
            BundlePrompt p = prompts.get(pid);
            if (p == null) throw new InputException(rowsWhere, ln, "prompt_id", "'" + pid + "' is not in " + BundleFormat.CANDIDATES);
            int chosen = index(o, "chosen_index", p, rowsWhere, ln);
            String chosenText = text(o, sft ? "completion" : "chosen", rowsWhere, ln, Json.MAX_STRING, true);
            if (hash(chosenText) != p.textHashes()[chosen]) {
                throw new InputException(rowsWhere, ln, sft ? "completion" : "chosen", "differs from candidate " + chosen + " of prompt '" + pid + "'");
            }
            int rejected = -1;
            if (!sft) {
                rejected = index(o, "rejected_index", p, rowsWhere, ln);
                if (rejected == chosen) throw new InputException(rowsWhere, ln, "rejected_index", "is the chosen candidate");
                if (hash(text(o, "rejected", rowsWhere, ln, Json.MAX_STRING, true)) != p.textHashes()[rejected]) {
                    throw new InputException(rowsWhere, ln, "rejected", "differs from candidate " + rejected + " of prompt '" + pid + "'");
                }
            }
            double cs = number(o, sft ? "score" : "chosen_score", rowsWhere, ln);
            double rs = sft ? Double.NaN : number(o, "rejected_score", rowsWhere, ln);
            double m = sft ? Double.NaN : number(o, "margin", rowsWhere, ln);
            String reason = text(o, "reason", rowsWhere, ln, 200, false);
            rows.add(new Row(pid, chosen, rejected, cs, rs, m, reason));
        });
        if (meta.path("pairs").asInt(-1) != rows.size()) {
            throw new InputException(where, 0, "pairs", "says " + meta.path("pairs").asText() + " but " + BundleFormat.rows(n) + " has " + rows.size() + " rows");
        }
        return new BundledSet(meta, rows);
    }

    /**
     * Runs every regex of the bundle's LFs under a CPU-time budget on probe texts made to trip catastrophic
     * backtracking (long runs of each character the pattern names) and on a sample of the bundle's candidates:
     * a pattern that runs out of budget is refused before anything is written.
     */
    private void probeRegexes(List<LfSpec> specs, Map<String, BundlePrompt> prompts, String where, Progress progress) {
        List<LfSpec> probes = new ArrayList<>();
        List<String> owners = new ArrayList<>();
        Set<Character> chars = new java.util.TreeSet<>(List.of('a', '0', ' ', 'x'));
        for (int i = 0; i < specs.size(); i++) {
            LfSpec s = specs.get(i);
            int index = i;
            walk(s.promptScope(), c -> collect(c, probes, owners, chars, "lfs[" + index + "] (" + s.name() + ")"));
            walk(s.when(), c -> collect(c, probes, owners, chars, "lfs[" + index + "] (" + s.name() + ")"));
        }
        if (probes.isEmpty()) return;
        Corpus.Builder b = Corpus.builder();
        b.prompt(1, "probe", null);
        long id = 1;
        int k = 0;
        for (char c : chars) {
            if (k++ > 40) break;
            String run = String.valueOf(c).repeat(48);
            b.candidate(id++, 1, run + "!");
            b.candidate(id++, 1, run + "\u0000");
        }
        int sample = 0;
        for (BundlePrompt p : prompts.values()) {
            if (sample++ >= 200) break;
            b.candidate(id++, 1, p.text());
        }
        try (LfEngine engine = new LfEngine(b.build(), LfEngine.Config.defaults().withRegexBudget(REGEX_BUDGET))) {
            ApplyResult r = engine.apply(probes, progress);
            for (int i = 0; i < probes.size(); i++) {
                ApplyResult.Column col = r.columns().get(i);
                if (col.source() == ApplyResult.Source.FAILED) {
                    throw new InputException(where, 0, owners.get(i), "refused: " + col.error() + "; nothing was imported");
                }
            }
        }
    }

    private static void collect(Condition c, List<LfSpec> probes, List<String> owners, Set<Character> chars, String owner) {
        if (!(c instanceof Condition.Regex r) || r.pattern() == null) return;
        probes.add(new LfSpec("probe " + probes.size(), "probe", dev.prefwork.core.Verdict.GOOD, null, null, new Condition.Regex(r.pattern(), r.caseSensitive())));
        owners.add(owner);
        for (char ch : r.pattern().toCharArray()) if (Character.isLetterOrDigit(ch) && chars.size() < 40) chars.add(ch);
    }

    private static void walk(Condition c, java.util.function.Consumer<Condition> visitor) {
        if (c == null) return;
        visitor.accept(c);
        if (c instanceof Condition.And a && a.conditions() != null) a.conditions().forEach(x -> walk(x, visitor));
        else if (c instanceof Condition.Or o && o.conditions() != null) o.conditions().forEach(x -> walk(x, visitor));
        else if (c instanceof Condition.Not n) walk(n.condition(), visitor);
    }

    private List<String> preview(Map<String, BundlePrompt> prompts, CheckedLibrary library, List<GoldFile.GoldLine> gold, List<BundledSet> sets) {
        int same = 0, clash = 0;
        for (BundlePrompt p : prompts.values()) {
            Boolean identical = identicalInWorkspace(p);
            if (identical == null) continue;
            if (identical) same++;
            else clash++;
        }
        int created = 0, versions = 0, unchanged = 0;
        for (int i = 0; i < library.drafts().size(); i++) {
            LabelingFunctionRepository.LfDraft d = library.drafts().get(i);
            StoredLf lf = workspace.labelingFunctions().byName(d.name()).orElse(null);
            if (lf == null) created++;
            else if (lf.current().specJson().equals(d.specJson()) && lf.aspect().equals(d.aspect()) && lf.name().equals(d.name())) unchanged++;
            else versions++;
        }
        List<String> out = new ArrayList<>();
        int fresh = prompts.size() - same - clash;
        out.add(String.format(Locale.ROOT, "%,d prompts with their candidates: %,d new%s%s", prompts.size(), fresh,
                same == 0 ? "" : String.format(Locale.ROOT, ", %,d already in this workspace (kept as they are)", same),
                clash == 0 ? "" : String.format(Locale.ROOT, ", %,d whose id is taken by another prompt here (imported under a new id)", clash)));
        out.add(String.format(Locale.ROOT, "%,d labeling functions: %,d new, %,d as a new version of the one with the same name, %,d unchanged",
                library.drafts().size(), created, versions, unchanged));
        out.add(String.format(Locale.ROOT, "Gold for %,d prompts, merged: where you have already judged something, your judgment stays", gold.size()));
        for (BundledSet s : sets) {
            out.add(String.format(Locale.ROOT, "%s \"%s\" (%s): %,d %s", s.sft() ? "SFT set" : "Pair set", s.meta().path("name").asText(),
                    s.meta().path("strategy").asText(), s.rows().size(), s.sft() ? "examples" : "pairs"));
        }
        return out;
    }

    /** null: no prompt with this id here; true: one with the same texts; false: another prompt holds the id. */
    private Boolean identicalInWorkspace(BundlePrompt p) {
        return workspace.jdbc().inTransaction(c -> identical(c, p));
    }

    private static Boolean identical(Connection c, BundlePrompt p) throws SQLException {
        List<Object[]> rows = Jdbc.list(c, "SELECT id, text FROM prompt WHERE source_id = ?", rs -> new Object[]{rs.getLong(1), rs.getString(2)}, p.id());
        if (rows.isEmpty()) return null;
        if (!p.text().equals(rows.get(0)[1])) return false;
        List<String> texts = Jdbc.list(c, "SELECT text FROM candidate WHERE prompt_id = ? ORDER BY position", rs -> rs.getString(1), rows.get(0)[0]);
        if (texts.size() != p.candidates()) return false;
        for (int i = 0; i < texts.size(); i++) if (hash(texts.get(i)) != p.textHashes()[i]) return false;
        return true;
    }

    // ---- step 2: merge in one transaction ----------------------------------------------------------------------

    public Summary apply(Plan plan, Progress progress) {
        String file = plan.fileName();
        try (Connection c = workspace.connection()) {
            c.setAutoCommit(false);
            try {
                Summary s = merge(c, plan, progress);
                Jdbc.commitDurably(c);
                return s;
            } catch (Throwable t) {
                c.rollback();
                throw t;
            }
        } catch (SQLException e) {
            throw new dev.prefwork.store.StoreException("import of " + file + " failed and was rolled back: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("import of " + file + " failed and was rolled back: " + e.getMessage(), e);
        }
    }

    private Summary merge(Connection c, Plan plan, Progress progress) throws SQLException, IOException {
        // prompts: reuse identical ones, rename clashing ones, import the rest as a new dataset
        Map<String, String> idHere = new HashMap<>();
        Set<String> toImport = new LinkedHashSet<>();
        int reused = 0, renamed = 0;
        String stem = plan.fileName().replaceFirst("(?i)\\.prefwork\\.zip$", "").replaceFirst("(?i)\\.zip$", "");
        for (BundlePrompt p : plan.prompts.values()) {
            Boolean same = identical(c, p);
            if (same == null) {
                idHere.put(p.id(), p.id());
                toImport.add(p.id());
            } else if (same) {
                idHere.put(p.id(), p.id());
                reused++;
            } else {
                String base = p.id().length() > 150 ? p.id().substring(0, 150) : p.id();
                String fresh = base + " (" + (stem.length() > 40 ? stem.substring(0, 40) : stem) + ")";
                for (int i = 2; !Jdbc.list(c, "SELECT id FROM prompt WHERE source_id = ?", rs -> rs.getLong(1), fresh).isEmpty(); i++) {
                    fresh = base + " (" + stem + " " + i + ")";
                }
                idHere.put(p.id(), fresh);
                toImport.add(p.id());
                renamed++;
            }
        }
        String dataset = null;
        if (!toImport.isEmpty()) {
            Path derived = plan.dir.resolve("import.jsonl");
            java.security.MessageDigest sha = SafeZip.sha256();
            try (BufferedWriter w = Files.newBufferedWriter(derived, StandardCharsets.UTF_8)) {
                forEachLine(plan.entries.get(BundleFormat.CANDIDATES), BundleFormat.CANDIDATES, (n, line) -> {
                    ObjectNode o = (ObjectNode) Json.parse(line, BundleFormat.CANDIDATES, n);
                    String id = o.get("id").asText();
                    if (!toImport.contains(id)) return;
                    o.put("id", idHere.get(id));
                    String s = Json.write(o);
                    try {
                        w.write(s);
                        w.write('\n');
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    sha.update(s.getBytes(StandardCharsets.UTF_8));
                });
            }
            ImportSource derivedSource = new ImportSource() {
                @Override public String name() { return plan.fileName() + ":" + BundleFormat.CANDIDATES; }
                @Override public long size() { return ImportSource.of(derived).size(); }
                @Override public InputStream open() throws IOException { return Files.newInputStream(derived); }
            };
            Importer.Result r = Importer.importOn(c, derivedSource, ImportFormat.CANDIDATES, "bundle " + stem,
                    java.util.HexFormat.of().formatHex(sha.digest()), progress);
            dataset = r.dataset().name();
        }
        progress.checkCancelled();

        // LFs: a name that exists becomes its next version (unless unchanged)
        List<LabelingFunctionRepository.Saved> saved = LabelingFunctionRepository.saveAll(c, plan.library.drafts(), plan.library.enabled());
        int created = (int) saved.stream().filter(s -> s.outcome() == LabelingFunctionRepository.Outcome.CREATED).count();
        int versions = (int) saved.stream().filter(s -> s.outcome() == LabelingFunctionRepository.Outcome.NEW_VERSION).count();

        // gold: the workspace's own judgments stay
        Map<String, long[]> candidates = new HashMap<>();
        Map<String, Long> promptHere = new HashMap<>();
        java.util.function.Function<String, long[]> candidatesOf = id -> candidates.computeIfAbsent(id, k -> {
            try {
                List<long[]> rows = Jdbc.list(c, "SELECT c.id, c.prompt_id FROM candidate c JOIN prompt p ON p.id = c.prompt_id WHERE p.source_id = ? ORDER BY c.position",
                        rs -> new long[]{rs.getLong(1), rs.getLong(2)}, idHere.get(k));
                if (!rows.isEmpty()) promptHere.put(k, rows.get(0)[1]);
                return rows.stream().mapToLong(x -> x[0]).toArray();
            } catch (SQLException e) {
                throw new dev.prefwork.store.StoreException(e.getMessage(), e);
            }
        });
        GoldFile.MergeResult gold = GoldFile.mergeKeepingExisting(c, plan.gold, candidatesOf);

        // pair sets
        List<Long> setIds = new ArrayList<>();
        for (BundledSet s : plan.sets) {
            int n = s.rows().size();
            long[] promptIds = new long[n], chosen = new long[n], rejected = new long[n];
            double[] cs = new double[n], rs = new double[n], margins = new double[n];
            String[] reasons = new String[n];
            Set<Long> distinct = new java.util.HashSet<>();
            for (int i = 0; i < n; i++) {
                Row r = s.rows().get(i);
                long[] cands = candidatesOf.apply(r.promptId());
                chosen[i] = cands[r.chosen()];
                rejected[i] = r.rejected() < 0 ? -1 : cands[r.rejected()];
                promptIds[i] = promptHere.get(r.promptId());
                distinct.add(promptIds[i]);
                cs[i] = r.chosenScore();
                rs[i] = r.rejectedScore();
                margins[i] = r.margin();
                reasons[i] = r.reason();
            }
            ObjectNode meta = s.meta();
            ObjectNode provenance = (ObjectNode) meta.get("provenance").deepCopy();
            ObjectNode from = provenance.putObject("importedFrom");
            from.put("file", plan.fileName());
            from.put("appVersion", plan.manifest.path("app_version").asText());
            from.put("created", plan.manifest.path("created").asText());
            from.put("setCreated", meta.path("created").asText());
            from.put("setOrigin", meta.path("origin").asText());
            JsonNode ranking = provenance.path("ranking");
            long id = PairSetRepository.save(c, new PairSetToSave(meta.get("kind").asText(), meta.get("name").asText(), meta.get("strategy").asText(),
                    Json.write(meta.get("parameters")), Json.write(meta.get("funnel")), Json.write(provenance),
                    ranking.path("source").asText("imported"), ranking.hasNonNull("version") ? ranking.get("version").asLong() : null,
                    "from " + plan.fileName() + ": " + ranking.path("description").asText("unknown ranking"), ranking.path("stale").asBoolean(false),
                    null, new long[0], "imported", origin(plan.manifestSha), distinct.size(),
                    new PairRows(promptIds, chosen, rejected, cs, rs, margins, reasons)));
            setIds.add(id);
        }
        List<String> lines = new ArrayList<>();
        lines.add(dataset == null ? String.format(Locale.ROOT, "No new prompts: all %,d were already here", reused)
                : String.format(Locale.ROOT, "Dataset \"%s\": %,d prompts added%s%s", dataset, toImport.size(),
                reused == 0 ? "" : String.format(Locale.ROOT, ", %,d already here", reused),
                renamed == 0 ? "" : String.format(Locale.ROOT, " (%,d under a new id: theirs was taken here)", renamed)));
        lines.add(String.format(Locale.ROOT, "Labeling functions: %,d added, %,d new versions, %,d unchanged", created, versions, saved.size() - created - versions));
        lines.add(String.format(Locale.ROOT, "Gold: %,d judgments added on %,d prompts, %,d of theirs left out where yours differ", gold.added(), gold.prompts(), gold.keptExisting()));
        for (int i = 0; i < plan.sets.size(); i++) {
            lines.add(String.format(Locale.ROOT, "Pair set #%d \"%s\": %,d rows", setIds.get(i), plan.sets.get(i).meta().get("name").asText(), plan.sets.get(i).rows().size()));
        }
        return new Summary(dataset, toImport.size() - renamed, reused, renamed, created, versions, saved.size() - created - versions,
                gold.added(), gold.keptExisting(), setIds, lines);
    }

    static String origin(String manifestSha) {
        return "bundle sha256:" + manifestSha;
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    @FunctionalInterface
    interface LineSink {
        void line(long n, String line);
    }

    /** Reads a JSONL entry line by line, refusing invalid UTF-8 and lines over {@link #MAX_LINE} bytes. */
    private static void forEachLine(SafeZip.Entry e, String where, LineSink sink) {
        try (InputStream in = Files.newInputStream(e.file());
             BufferedReader r = new BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                     .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16)) {
            StringBuilder sb = new StringBuilder();
            long n = 0;
            int ch;
            while (true) {
                sb.setLength(0);
                while ((ch = r.read()) >= 0 && ch != '\n') {
                    sb.append((char) ch);
                    if (sb.length() > MAX_LINE) throw new InputException(where, n + 1, null, "the line is longer than " + (MAX_LINE >> 20) + " MB");
                }
                if (ch < 0 && sb.length() == 0) break;
                n++;
                String line = sb.toString();
                if (!line.isBlank()) sink.line(n, line);
                if (ch < 0) break;
            }
        } catch (java.nio.charset.CharacterCodingException ex) {
            throw new InputException(where, 0, null, "is not valid UTF-8");
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static ImportSource source(SafeZip.Entry e, String name) {
        return new ImportSource() {
            @Override public String name() { return name; }
            @Override public long size() { return e.size(); }
            @Override public InputStream open() throws IOException { return Files.newInputStream(e.file()); }
        };
    }

    private static ObjectNode object(JsonNode n, String where) {
        if (!n.isObject()) throw new InputException(where, 0, null, "expected a JSON object");
        return (ObjectNode) n;
    }

    private static String text(ObjectNode o, String field, String file, long line, int max, boolean emptyOk) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) throw new InputException(file, line, field, v == null ? "is missing" : "expected a string");
        String s = v.asText();
        if (!emptyOk && s.isBlank()) throw new InputException(file, line, field, "is empty");
        if (s.length() > max) throw new InputException(file, line, field, "is longer than " + max + " characters");
        return s;
    }

    private static int index(ObjectNode o, String field, BundlePrompt p, String file, long line) {
        JsonNode v = o.get(field);
        if (v == null || !v.isIntegralNumber() || v.asInt() < 0 || v.asInt() >= p.candidates()) {
            throw new InputException(file, line, field, "expected a candidate position 0.." + (p.candidates() - 1) + " of prompt '" + p.id() + "'");
        }
        return v.asInt();
    }

    private static double number(ObjectNode o, String field, String file, long line) {
        JsonNode v = o.get(field);
        if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) throw new InputException(file, line, field, "expected a number");
        return v.asDouble();
    }

    /** 64 bits of a text's SHA-256: enough to tell texts apart, small enough to keep for 500K candidates. */
    static long hash(String s) {
        byte[] d = SafeZip.sha256().digest(s.getBytes(StandardCharsets.UTF_8));
        long h = 0;
        for (int i = 0; i < 8; i++) h = (h << 8) | (d[i] & 0xFF);
        return h;
    }
}
