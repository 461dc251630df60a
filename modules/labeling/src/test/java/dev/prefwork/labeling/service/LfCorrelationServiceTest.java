package dev.prefwork.labeling.service;

import dev.prefwork.core.Progress;
import dev.prefwork.labeling.engine.CandidateMeasure;
import dev.prefwork.labeling.model.AspectPredictions;
import dev.prefwork.labeling.model.LfGroup;
import dev.prefwork.labeling.service.LabelModelService.FitRequest;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.gold.GoldFile;
import dev.prefwork.store.importer.ImportSource;
import dev.prefwork.store.importer.Importer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The demo workspace plus seven planted LFs that only measure length: the warning, the grouping, the refit. */
class LfCorrelationServiceTest {

    static final Path DEMO = Path.of("../../assets/demo");
    static final Path LENGTH_LFS = Path.of("src/test/resources/length-lfs.json");
    static final Set<String> PLANTED = Set.of("Long answer", "Detailed answer", "Thorough answer", "Short answer",
            "Brief answer", "Longest of its prompt", "Shortest of its prompt");

    @TempDir
    Path dir;
    Workspace ws;
    LabelingService labeling;
    LabelModelService labelModel;
    LfCorrelationService service;

    @BeforeEach
    void loadDemo() throws IOException {
        ws = Workspace.open(dir.resolve("demo"));
        new Importer(ws).importFile(DEMO.resolve("prompts.jsonl"), Importer.Options.DETECT, Progress.NONE);
        new GoldFile(ws).importGold(ImportSource.of(DEMO.resolve("gold.jsonl")));
        labeling = new LabelingService(ws);
        labeling.importLibrary(DEMO.resolve("lfs.json"));
        labeling.importLibrary(LENGTH_LFS);
        labelModel = new LabelModelService(ws, labeling);
        service = new LfCorrelationService(ws, labeling, labelModel);
    }

    @AfterEach
    void close() {
        labeling.close();
        ws.close();
    }

    @Test
    void findsThePlantedLengthLfsWarnsAndGroupingThemReducesTheirShare() {
        LfCorrelationService.Report before = service.report(CandidateMeasure.CHARS, Progress.NONE);
        assertThat(before.lfs()).hasSize(23);
        assertThat(before.modelShare()).isFalse();
        LfCorrelationService.Cluster length = before.clusters().get(0);
        Set<String> names = Arrays.stream(length.lfs()).mapToObj(i -> before.lfs().get(i).name()).collect(Collectors.toSet());
        assertThat(names).containsAll(PLANTED);
        for (int i : length.lfs()) assertThat(Math.abs(before.lfs().get(i).lengthR())).isGreaterThanOrEqualTo(0.3);

        LabelModelRun plain = labelModel.fit(FitRequest.defaults(), Progress.NONE);
        LfCorrelationService.Report fitted = service.report(CandidateMeasure.WORDS, Progress.NONE);
        assertThat(fitted.modelShare()).isTrue();
        assertThat(fitted.measure()).isEqualTo(CandidateMeasure.WORDS);
        assertThat(fitted.warning()).isPresent();
        LfCorrelationService.Warning w = fitted.warning().orElseThrow();
        assertThat(w.text()).startsWith(w.cluster().lfs().length + " of your 23 LFs mostly measure response length; together they decide ");
        assertThat(w.share()).isGreaterThanOrEqualTo(LfCorrelationService.SHARE_THRESHOLD);
        assertThat(Arrays.stream(fitted.lfs().stream().mapToDouble(LfCorrelationService.LfRow::share).toArray()).sum()).isCloseTo(1, within(1e-9));

        List<Long> ids = Arrays.stream(w.cluster().lfs()).mapToObj(i -> fitted.lfs().get(i).lfId()).toList();
        service.group(ids, LfGroup.Mode.MERGE);
        assertThat(LfGroups.read(ws)).singleElement().satisfies(g -> assertThat(g.mode()).isEqualTo("merge"));
        LabelModelRun grouped = labelModel.fit(FitRequest.defaults(), Progress.NONE);
        LfCorrelationService.Report after = service.report(CandidateMeasure.CHARS, Progress.NONE);
        LfCorrelationService.Cluster lengthAfter = after.clusters().get(0);
        assertThat(lengthAfter.grouped()).isTrue();
        System.out.printf("length cluster share: plain %.3f, merged %.3f; gold accuracy: plain %.3f, merged %.3f%n",
                w.share(), lengthAfter.share(), plain.summary().goldAccuracy(), grouped.summary().goldAccuracy());
        assertThat(lengthAfter.share()).isLessThan(w.share() - 0.15);

        // the merged members show the group's estimate, and the stored run predicts what was stored
        List<LabelModelRun.Lf> members = grouped.lfs().stream().filter(lf -> ids.contains(lf.lfId())).toList();
        assertThat(members).hasSize(ids.size());
        // (a group spans aspects: within each aspect its members are merged)
        members.stream().collect(Collectors.groupingBy(LabelModelRun.Lf::aspect)).forEach((aspect, lfs) ->
                assertThat(lfs.stream().mapToDouble(LabelModelRun.Lf::learnedAccuracy).distinct().count()).as(aspect).isEqualTo(1));
        LfVotes votes = labeling.enabledVotes(Progress.NONE);
        AspectPredictions rebuilt = LabelModelService.aspectPredictions(grouped, votes);
        float[] again = rebuilt.combine(grouped.aspectWeights());
        float[] stored = labelModel.predictions().orElseThrow().pGood();
        for (int r = 0; r < stored.length; r++) assertThat(again[r]).isCloseTo(stored[r], within(1e-5f));

        // and a candidate's contributions add up to its log-odds
        long candidate = votes.candidateIds()[7];
        LabelModelService.CandidateExplanation e = labelModel.explain(candidate, Progress.NONE);
        assertThat(e.pGood()).isCloseTo(labelModel.pGood(candidate).orElseThrow(), within(1e-5));

        // ungrouping restores the plain fit
        service.ungroup(List.of());
        assertThat(LfGroups.read(ws)).isEmpty();
        LabelModelRun back = labelModel.fit(FitRequest.defaults(), Progress.NONE);
        assertThat(back.summary().goldAccuracy()).isEqualTo(plain.summary().goldAccuracy());
    }

    @Test
    void groupsAreKeptByLfIdAndAnLfIsInOneGroupAtATime() {
        LfGroups.group(ws, List.of(1L, 2L, 3L), LfGroup.Mode.MERGE);
        LfGroups.group(ws, List.of(3L, 4L), LfGroup.Mode.DEPENDENT);
        assertThat(LfGroups.read(ws)).containsExactly(new LfGroups.Group(List.of(1L, 2L), "merge"),
                new LfGroups.Group(List.of(3L, 4L), "dependent"));
        LfGroups.ungroup(ws, List.of(1L));
        assertThat(LfGroups.read(ws)).containsExactly(new LfGroups.Group(List.of(3L, 4L), "dependent"));
    }

    @Test
    void dependentModeRefitsAndStoresALogLinearRun() {
        LfCorrelationService.Report r = service.report(CandidateMeasure.CHARS, Progress.NONE);
        List<Long> ids = Arrays.stream(r.clusters().get(0).lfs()).mapToObj(i -> r.lfs().get(i).lfId()).toList();
        service.group(ids, LfGroup.Mode.DEPENDENT);
        LabelModelRun run = labelModel.fit(FitRequest.defaults(), Progress.NONE);
        LfVotes votes = labeling.enabledVotes(Progress.NONE);
        float[] again = LabelModelService.aspectPredictions(run, votes).combine(run.aspectWeights());
        float[] stored = labelModel.predictions().orElseThrow().pGood();
        for (int k = 0; k < stored.length; k++) assertThat(again[k]).isCloseTo(stored[k], within(1e-5f));
        assertThat(run.parameters().keySet()).anyMatch(k -> k.startsWith("designEffect"));
        System.out.printf("dependent: gold accuracy %.3f%n", run.summary().goldAccuracy());
    }
}
