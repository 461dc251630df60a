package dev.prefwork.app.reliability;

import dev.prefwork.app.DemoWorkspace;
import dev.prefwork.core.Progress;
import dev.prefwork.labeling.engine.Corpus;
import dev.prefwork.labeling.engine.LfEngine;
import dev.prefwork.labeling.lf.LfJson;
import dev.prefwork.labeling.lf.LfSpec;
import dev.prefwork.labeling.service.LabelingFunction;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.labeling.service.LfApplyReport;
import dev.prefwork.labeling.service.LibraryImport;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.importer.Importer;
import dev.prefwork.testkit.SyntheticDataset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The LF studio's writes, at random: importing a library of four new LFs, editing an LF (a library with an
 * existing name makes its next version), applying every LF. After a kill: every library is whole (all four LFs
 * or none), every acknowledged version exists, every acknowledged apply left stored votes for each version it
 * reported, and every stored votes row that claims to be fresh equals a recomputation from scratch.
 */
final class LfTorture implements TortureOperation {

    static final int LIBRARY_SIZE = 4;
    private static final String[] WORDS = {"moon", "tide", "sea", "sorry", "cannot", "example", "code", "list", "step",
            "first", "because", "however", "table", "answer", "question", "simple", "river", "gravity", "ocean", "wave"};

    @Override
    public void prepare(Path dir, Path scratch) {
        try (Workspace ws = Workspace.open(dir)) {
            Path file = SyntheticDataset.builder().prompts(150).candidatesPerPrompt(4).seed(7).build()
                    .writeJsonl(scratch.resolve("synthetic.jsonl")).file();
            new Importer(ws).importFile(file, Importer.Options.DETECT, Progress.NONE);
            try (LabelingService lfs = new LabelingService(ws)) {
                lfs.importLibrary(DemoWorkspace.starterLibrary(), "demo lfs.json");
                lfs.apply(Progress.NONE);
            }
        }
    }

    @Override
    public int maxStepsBeforeKill() {
        return 4;
    }

    @Override
    public void work(ChildContext ctx) {
        try (Workspace ws = ctx.openWorkspace(); LabelingService lfs = new LabelingService(ws)) {
            SplittableRandom rnd = ctx.random();
            ctx.ready();
            for (int i = 0; ; i++) {
                int r = rnd.nextInt(3);
                if (r == 0) {
                    String prefix = "lib-" + ctx.token() + "-" + i;
                    List<String> names = new ArrayList<>();
                    for (int k = 0; k < LIBRARY_SIZE; k++) names.add(prefix + "-" + k);
                    ctx.journal().begin("library", prefix);
                    lfs.importLibrary(library(names, rnd), prefix + ".json");
                    ctx.journal().ack("library", prefix, LIBRARY_SIZE);
                } else if (r == 1) {
                    List<LabelingFunction> all = lfs.list();
                    LabelingFunction lf = all.get(rnd.nextInt(all.size()));
                    ctx.journal().begin("edit", lf.id());
                    LibraryImport imported = lfs.importLibrary(library(List.of(lf.name()), rnd), "edit.json");
                    ctx.journal().ack("version", lf.id(), imported.lfs().get(0).versionId());
                } else {
                    ctx.journal().begin("apply");
                    LfApplyReport report = lfs.apply(Progress.NONE);
                    ctx.journal().ack("apply", report.lfs().stream().map(row -> Long.toString(row.lf().versionId()))
                            .collect(Collectors.joining(",")));
                }
            }
        }
    }

    /** An lfs.json with one keyword LF per name (random terms, GOOD or BAD). */
    static String library(List<String> names, SplittableRandom rnd) {
        StringBuilder sb = new StringBuilder("{\"format\":\"prefwork-lfs\",\"version\":1,\"lfs\":[");
        for (int i = 0; i < names.size(); i++) {
            int ia = rnd.nextInt(WORDS.length);
            String a = WORDS[ia];
            String b = WORDS[(ia + 1 + rnd.nextInt(WORDS.length - 1)) % WORDS.length];
            sb.append(i > 0 ? "," : "").append("{\"name\":\"").append(names.get(i)).append("\",\"aspect\":\"helpfulness\",\"vote\":\"")
                    .append(rnd.nextBoolean() ? "GOOD" : "BAD").append("\",\"when\":{\"type\":\"keywords\",\"terms\":[\"")
                    .append(a).append("\",\"").append(b).append("\"],\"match\":\"").append(rnd.nextBoolean() ? "any" : "all")
                    .append("\",\"whole_word\":").append(rnd.nextBoolean()).append("}}");
        }
        return sb.append("]}").toString();
    }

    @Override
    public void check(CheckContext ctx) {
        Workspace ws = ctx.workspace();
        Map<String, Long> perLibrary = new HashMap<>();
        for (String name : ws.jdbc().list("SELECT name FROM labeling_function WHERE name LIKE 'lib-%'", rs -> rs.getString(1))) {
            perLibrary.merge(name.substring(0, name.lastIndexOf('-')), 1L, Long::sum);
        }
        perLibrary.forEach((prefix, n) -> assertThat(n).as("LFs of library %s (all or none)", prefix).isEqualTo(LIBRARY_SIZE));
        for (Journal.Entry ack : ctx.acks()) {
            switch (ack.field(0)) {
                case "library" -> assertThat(perLibrary).as("acknowledged library").containsKey(ack.field(1));
                case "version" -> assertThat(ws.labelingFunctions().version(ack.longField(2))).as("acknowledged version %s", ack.field(2)).isPresent();
                case "apply" -> {
                    List<Long> stored = ws.lfVotes().versionIds();
                    for (String v : ack.field(1).split(",")) {
                        assertThat(stored).as("votes of version %s, acknowledged as applied", v).contains(Long.parseLong(v));
                    }
                }
                default -> throw new AssertionError("unknown ack " + ack);
            }
        }
        assertStoredVotesAreTrue(ws);
    }

    /** Every stored votes row fresh for the current candidates equals what a new engine computes for its version. */
    static void assertStoredVotesAreTrue(Workspace ws) {
        Corpus.Builder b = Corpus.builder();
        String candidateSet = ws.bulk().read(b::prompt, b::candidate, Progress.NONE);
        try (LfEngine engine = new LfEngine(b.build(), LfEngine.Config.defaults().withThreads(1))) {
            for (var votes : ws.lfVotes().loadAll(ws.lfVotes().versionIds()).values()) {
                LfSpec spec = LfJson.parseSpec(ws.labelingFunctions().version(votes.versionId()).orElseThrow().specJson()).value();
                if (!votes.freshFor(candidateSet, engine.contextKey(spec)) || votes.error() != null) continue; // stale: recomputed on use
                byte[] expected = engine.apply(List.of(spec), Progress.NONE).matrix().column(0);
                assertThat(votes.votes()).as("stored votes of LF version %d", votes.versionId()).isEqualTo(expected);
            }
        }
    }
}
