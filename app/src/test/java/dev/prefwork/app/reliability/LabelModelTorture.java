package dev.prefwork.app.reliability;

import dev.prefwork.app.DemoWorkspace;
import dev.prefwork.core.Candidate;
import dev.prefwork.core.Progress;
import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.model.LabelModels;
import dev.prefwork.labeling.service.LabelModelRun;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelingFunction;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.store.LabelModelRunRepository;
import dev.prefwork.store.StoredLf;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.importer.Importer;
import dev.prefwork.testkit.SyntheticDataset;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Label-model fits (Snorkel, majority vote, Dawid–Skene in turn) while LFs are switched off and on and gold
 * grows. After a kill: every acknowledged run is there, every run has all its P(GOOD) (a number in [0, 1] per
 * candidate), the latest run reads back, and it is reported stale exactly when the enabled LF versions or the
 * candidates differ from the ones it was fitted on.
 */
final class LabelModelTorture implements TortureOperation {

    @Override
    public void prepare(Path dir, Path scratch) {
        try (Workspace ws = Workspace.open(dir)) {
            Path file = SyntheticDataset.builder().prompts(150).candidatesPerPrompt(4).seed(11).build()
                    .writeJsonl(scratch.resolve("synthetic.jsonl")).file();
            new Importer(ws).importFile(file, Importer.Options.DETECT, Progress.NONE);
            SplittableRandom rnd = new SplittableRandom(5);
            List<Long> prompts = ws.jdbc().list("SELECT id FROM prompt ORDER BY id LIMIT 60", rs -> rs.getLong(1));
            for (long p : prompts) {
                List<Candidate> c = ws.candidates().forPrompt(p);
                ws.gold().setLabel(c.get(rnd.nextInt(c.size())).id(), rnd.nextBoolean() ? Verdict.GOOD : Verdict.BAD, null);
            }
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
        List<String> kinds = LabelModels.kinds();
        try (Workspace ws = ctx.openWorkspace(); LabelingService lfs = new LabelingService(ws)) {
            LabelModelService models = new LabelModelService(ws, lfs);
            SplittableRandom rnd = ctx.random();
            List<Long> candidates = ws.jdbc().list("SELECT id FROM candidate ORDER BY id", rs -> rs.getLong(1));
            ctx.ready();
            while (true) {
                int r = rnd.nextInt(10);
                if (r < 2) {
                    List<LabelingFunction> all = lfs.list();
                    LabelingFunction lf = all.get(rnd.nextInt(all.size()));
                    boolean on = !lf.enabled() || all.stream().filter(LabelingFunction::enabled).count() <= 3;
                    ctx.journal().begin("enabled", lf.id(), on);
                    lfs.setEnabled(lf.id(), on);
                    ctx.journal().ack("enabled", lf.id(), on);
                } else if (r < 3) {
                    long id = candidates.get(rnd.nextInt(candidates.size()));
                    Verdict v = rnd.nextBoolean() ? Verdict.GOOD : Verdict.BAD;
                    ctx.journal().begin("gold", id, v);
                    ws.gold().setLabel(id, v, null);
                    ctx.journal().ack("gold", id, v);
                } else {
                    String kind = kinds.get(rnd.nextInt(kinds.size()));
                    ctx.journal().begin("fit", kind);
                    LabelModelRun run = models.fit(LabelModelService.FitRequest.of(kind), Progress.NONE);
                    ctx.journal().ack("fit", run.id(), kind);
                }
            }
        }
    }

    @Override
    public void check(CheckContext ctx) {
        Workspace ws = ctx.workspace();
        for (Journal.Entry ack : ctx.acks()) {
            switch (ack.field(0)) {
                case "fit" -> assertThat(ws.labelModelRuns().get(ack.longField(1))).as("acknowledged run %s", ack.field(1))
                        .hasValueSatisfying(r -> assertThat(r.kind()).isEqualTo(ack.field(2)));
                case "gold", "enabled" -> { } // later acks may change them again; the gold stream checks gold values
                default -> throw new AssertionError("unknown ack " + ack);
            }
        }
        for (LabelModelRunRepository.StoredRun run : ws.labelModelRuns().list()) {
            LabelModelRunRepository.Predictions p = ws.labelModelRuns().predictions(run.id()).orElseThrow();
            assertThat(p.candidateIds()).as("run %d: candidate ids", run.id()).hasSize(run.rows()).isSorted();
            for (float v : p.pGood()) assertThat(v).as("run %d: a P(GOOD)", run.id()).isBetween(0f, 1f);
        }
        var latestStored = ws.labelModelRuns().latest();
        if (latestStored.isEmpty()) return;
        try (LabelingService lfs = new LabelingService(ws)) {
            LabelModelRun latest = new LabelModelService(ws, lfs).latest().orElseThrow();
            long[] enabled = ws.labelingFunctions().list().stream().filter(StoredLf::enabled).mapToLong(lf -> lf.current().id()).sorted().toArray();
            long[] used = latestStored.get().lfVersionIds().clone();
            Arrays.sort(used);
            boolean stale = !Arrays.equals(enabled, used) || !ws.bulk().candidateSetKey().equals(latestStored.get().candidateSet());
            assertThat(latest.stale()).as("the latest run is reported stale exactly when its LFs or candidates changed").isEqualTo(stale);
        }
    }
}
