package dev.prefwork.curation.bundle;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.Candidate;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.core.Prompt;
import dev.prefwork.curation.CurationService;
import dev.prefwork.curation.Json;
import dev.prefwork.curation.export.AtomicFiles;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.store.PairSetRepository;
import dev.prefwork.store.PairSetRepository.StoredPairSet;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.gold.GoldFile;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a colleague bundle (see {@link BundleFormat}): the chosen pair sets, the prompts they and the gold refer to,
 * the LF library, the gold and the label model's summary, with a manifest of every entry's SHA-256. Entries carry a
 * fixed timestamp, so only the manifest's {@code created} differs between two bundles of the same workspace.
 */
public final class BundleWriter {

    /** What was written. */
    public record Result(Path file, int sets, int prompts, int lfs, int goldPrompts, long bytes) {
    }

    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);

    private final Workspace workspace;
    private final LabelingService labeling;
    private final LabelModelService labelModel;
    private final CurationService curation;
    private final String appVersion;
    private final Clock clock;

    public BundleWriter(Workspace workspace, LabelingService labeling, LabelModelService labelModel, CurationService curation,
                        String appVersion, Clock clock) {
        this.workspace = workspace;
        this.labeling = labeling;
        this.labelModel = labelModel;
        this.curation = curation;
        this.appVersion = appVersion;
        this.clock = clock;
    }

    /** The sets a bundle carries by default: the newest DPO pair set and the newest SFT set, where they exist. */
    public List<StoredPairSet> defaultSets() {
        List<StoredPairSet> out = new ArrayList<>();
        workspace.pairSets().latest(PairSetRepository.PAIRS).ifPresent(out::add);
        workspace.pairSets().latest(PairSetRepository.SFT).ifPresent(out::add);
        return out;
    }

    /** One staged entry: written to a temporary file as it is made, with its size and SHA-256. */
    private record Staged(Path file, long size, String sha256) {
    }

    @FunctionalInterface
    private interface EntryBody {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes the bundle. Entries are staged in temporary files (a 500K-candidate workspace's prompts do not fit in
     * memory twice), hashed as they are written, then zipped with the manifest first.
     */
    public Result write(Path zip, List<StoredPairSet> sets, Progress progress) throws IOException {
        if (sets.size() > 999) throw new InputException("a bundle holds at most 999 pair sets");
        Path stage = Files.createTempDirectory("prefwork-bundle-out");
        try {
            Map<String, Staged> entries = new LinkedHashMap<>();
            stage(stage, entries, BundleFormat.LFS, out -> out.write(labeling.exportLibrary().getBytes(StandardCharsets.UTF_8)));
            progress.update(0, 4, "Gold");
            Path goldTmp = stage.resolve("gold-export.jsonl");
            int goldPrompts = new GoldFile(workspace).export(goldTmp);
            stage(stage, entries, BundleFormat.GOLD, out -> Files.copy(goldTmp, out));
            Files.delete(goldTmp);
            var run = labelModel.latest();
            if (run.isPresent()) {
                byte[] summary = Json.writePretty(curation.labelModelSummary(run.get())).getBytes(StandardCharsets.UTF_8);
                stage(stage, entries, BundleFormat.LABEL_MODEL, out -> out.write(summary));
            }
            TreeSet<Long> prompts = new TreeSet<>(workspace.gold().labelledPromptIds());
            progress.update(1, 4, "Pair sets");
            for (int i = 0; i < sets.size(); i++) {
                StoredPairSet set = sets.get(i);
                byte[] doc = Json.writePretty(setDocument(set)).getBytes(StandardCharsets.UTF_8);
                stage(stage, entries, BundleFormat.setJson(i + 1), out -> out.write(doc));
                stage(stage, entries, BundleFormat.rows(i + 1), out -> rows(set, out, prompts));
            }
            progress.update(2, 4, "Prompts and candidates");
            stage(stage, entries, BundleFormat.CANDIDATES, out -> candidates(prompts, out, progress));

            ObjectNode manifest = Json.MAPPER.createObjectNode();
            manifest.put("format", BundleFormat.FORMAT);
            manifest.put("format_version", BundleFormat.VERSION);
            manifest.put("app_version", appVersion);
            manifest.put("created", clock.instant().toString());
            ArrayNode list = manifest.putArray("entries");
            for (Map.Entry<String, Staged> e : entries.entrySet()) {
                list.addObject().put("name", e.getKey()).put("size", e.getValue().size()).put("sha256", e.getValue().sha256());
            }
            progress.update(3, 4, "Writing the bundle");
            AtomicFiles.write(zip, out -> {
                try (ZipOutputStream z = new ZipOutputStream(nonClosing(out), StandardCharsets.UTF_8)) {
                    z.setLevel(6);
                    put(z, BundleFormat.MANIFEST, Json.writePretty(manifest).getBytes(StandardCharsets.UTF_8));
                    for (Map.Entry<String, Staged> e : entries.entrySet()) {
                        ZipEntry ze = new ZipEntry(e.getKey());
                        ze.setTimeLocal(ENTRY_TIME);
                        z.putNextEntry(ze);
                        Files.copy(e.getValue().file(), z);
                        z.closeEntry();
                    }
                }
            });
            progress.update(4, 4, "Done");
            return new Result(zip.toAbsolutePath(), sets.size(), prompts.size(), labeling.list().size(), goldPrompts, Files.size(zip));
        } finally {
            AtomicFiles.deleteQuietly(stage);
        }
    }

    private static void stage(Path dir, Map<String, Staged> entries, String name, EntryBody body) throws IOException {
        Path file = dir.resolve("entry-" + entries.size());
        MessageDigest md = SafeZip.sha256();
        try (OutputStream out = new java.security.DigestOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16), md)) {
            body.write(out);
        }
        entries.put(name, new Staged(file, Files.size(file), HexFormat.of().formatHex(md.digest())));
    }

    /** A set's rows: TRL (or SFT) JSONL with provenance and the candidates' positions; notes the prompts used. */
    private void rows(StoredPairSet set, OutputStream out, TreeSet<Long> prompts) throws IOException {
        JsonGenerator g = Json.MAPPER.getFactory().createGenerator(nonClosing(out), JsonEncoding.UTF8);
        g.setRootValueSeparator(null);
        IOException[] failure = new IOException[1];
        workspace.pairSets().forEachPair(set.id(), p -> {
            if (failure[0] != null) return;
            prompts.add(p.promptId());
            try {
                g.writeStartObject();
                g.writeStringField("prompt", p.prompt());
                if (set.sft()) {
                    g.writeStringField("completion", p.chosen());
                } else {
                    g.writeStringField("chosen", p.chosen());
                    g.writeStringField("rejected", p.rejected());
                }
                g.writeStringField("prompt_id", p.promptSourceId());
                if (set.sft()) {
                    g.writeNumberField("score", p.chosenScore());
                } else {
                    g.writeNumberField("chosen_score", p.chosenScore());
                    g.writeNumberField("rejected_score", p.rejectedScore());
                    g.writeNumberField("margin", p.margin());
                }
                g.writeNumberField("chosen_index", p.chosenIndex());
                if (!set.sft()) g.writeNumberField("rejected_index", p.rejectedIndex());
                g.writeStringField("reason", p.reason());
                g.writeEndObject();
                g.writeRaw('\n');
            } catch (IOException e) {
                failure[0] = e;
            }
        });
        if (failure[0] != null) throw failure[0];
        g.close();
    }

    static ObjectNode setDocument(StoredPairSet set) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("kind", set.kind());
        o.put("name", set.name());
        o.put("strategy", set.strategy());
        o.set("parameters", Json.read(set.parametersJson()));
        o.set("funnel", Json.read(set.funnelJson()));
        o.set("provenance", Json.read(set.provenanceJson()));
        o.put("pairs", set.pairs());
        o.put("prompts", set.prompts());
        o.put("created", set.createdAt().toString());
        o.put("origin", set.origin());
        return o;
    }

    /** The prompts, each with all its candidates in position order, in the import format. */
    private void candidates(TreeSet<Long> promptIds, OutputStream out, Progress progress) throws IOException {
        JsonGenerator g = Json.MAPPER.getFactory().createGenerator(nonClosing(out), JsonEncoding.UTF8);
        g.setRootValueSeparator(null);
        int n = 0;
        for (long id : promptIds) {
            Prompt p = workspace.prompts().get(id).orElseThrow();
            g.writeStartObject();
            g.writeStringField("id", p.sourceId());
            g.writeStringField("prompt", p.text());
            if (p.category() != null) g.writeStringField("category", p.category());
            g.writeArrayFieldStart("candidates");
            for (Candidate c : workspace.candidates().forPrompt(id)) {
                g.writeStartObject();
                g.writeStringField("text", c.text());
                if (c.model() != null) g.writeStringField("model", c.model());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeRaw('\n');
            if ((++n & 0xFF) == 0) {
                progress.checkCancelled();
                progress.update(n, promptIds.size(), String.format(java.util.Locale.ROOT, "Prompts: %,d of %,d", n, promptIds.size()));
            }
        }
        g.close();
    }

    private static void put(ZipOutputStream z, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTimeLocal(ENTRY_TIME);
        z.putNextEntry(e);
        z.write(data);
        z.closeEntry();
    }

    static String sha256(byte[] data) {
        MessageDigest md = SafeZip.sha256();
        return HexFormat.of().formatHex(md.digest(data));
    }

    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}
