package dev.prefwork.labeling.service;

import dev.prefwork.core.Progress;
import dev.prefwork.labeling.service.LabelModelService.FitRequest;
import dev.prefwork.labeling.service.LabelModelService.UncertainCandidate;
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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Fitting, storing and reading label-model runs on the demo workspace with its starter LFs. */
class LabelModelServiceTest {

    static final Path DEMO = Path.of("../../assets/demo");

    @TempDir
    Path dir;
    Workspace ws;
    LabelingService labeling;
    LabelModelService service;

    @BeforeEach
    void loadDemo() throws IOException {
        ws = Workspace.open(dir.resolve("demo"));
        new Importer(ws).importFile(DEMO.resolve("prompts.jsonl"), Importer.Options.DETECT, Progress.NONE);
        new GoldFile(ws).importGold(ImportSource.of(DEMO.resolve("gold.jsonl")));
        labeling = new LabelingService(ws);
        labeling.importLibrary(DEMO.resolve("lfs.json"));
        service = new LabelModelService(ws, labeling);
    }

    @AfterEach
    void close() {
        labeling.close();
        ws.close();
    }

    @Test
    void aFitIsStoredAndReadBackWithLearnedAccuraciesThatAgreeWithGold() {
        assertThat(service.latest()).isEmpty();
        LabelModelRun run = service.fit(FitRequest.defaults(), Progress.NONE);
        System.out.println(table(run));

        assertThat(run.kind()).isEqualTo("snorkel");
        assertThat(run.stale()).isFalse();
        assertThat(run.lfs()).hasSize(labeling.list().size());
        assertThat(run.summary().rows()).isEqualTo(330);
        assertThat(run.summary().histogram()).hasSize(LabelModelService.HISTOGRAM_BINS);
        assertThat(java.util.Arrays.stream(run.summary().histogram()).sum()).isEqualTo(330);
        assertThat(run.priorMode()).isEqualTo("fixed"); // the demo has plenty of gold
        // the "tone" aspect has one LF: majority vote stands in, and says why
        LabelModelRun.Aspect tone = run.aspects().stream().filter(a -> a.aspect().equals("tone")).findFirst().orElseThrow();
        assertThat(tone.fallback()).isTrue();
        assertThat(tone.kind()).isEqualTo("majority");
        assertThat(tone.reason()).contains("only 1 LF").contains("at least 3");
        assertThat(run.aspects().stream().filter(a -> a.aspect().equals("helpfulness")).findFirst().orElseThrow().fallback()).isFalse();

        // learned accuracies make sense against gold: on the LFs gold covers well, close on average
        double sumDiff = 0;
        int n = 0;
        for (LabelModelRun.Lf lf : run.lfs()) {
            if (lf.goldHits() >= 10 && !Double.isNaN(lf.learnedAccuracy())) {
                sumDiff += Math.abs(lf.learnedAccuracy() - lf.empiricalAccuracy());
                n++;
            }
        }
        assertThat(n).isGreaterThanOrEqualTo(5);
        assertThat(sumDiff / n).as("mean |learned − gold accuracy|").isLessThan(0.2);
        assertThat(run.summary().goldAccuracy()).as("P(GOOD) agrees with gold").isGreaterThan(0.7);

        // round trip: what the store gives back equals what the fit returned
        LabelModelRun back = new LabelModelService(ws, labeling).latest().orElseThrow();
        assertThat(back.id()).isEqualTo(run.id());
        assertThat(back.lfs()).isEqualTo(run.lfs());
        assertThat(back.aspects()).isEqualTo(run.aspects());
        assertThat(back.summary().histogram()).isEqualTo(run.summary().histogram());
        assertThat(back.classBalance()).isEqualTo(run.classBalance());
    }

    @Test
    void theRunGoesStaleWhenLfsChangeAndFreshAgainWhenTheyAreBack() {
        service.fit(FitRequest.of("majority"), Progress.NONE);
        assertThat(service.latest().orElseThrow().stale()).isFalse();
        long lfId = labeling.list().get(0).id();
        labeling.setEnabled(lfId, false);
        LabelModelRun stale = service.latest().orElseThrow();
        assertThat(stale.stale()).isTrue();
        assertThat(stale.staleness().reason()).contains("labeling functions changed");
        labeling.setEnabled(lfId, true);
        assertThat(service.latest().orElseThrow().stale()).isFalse();

        labeling.setEnabled(lfId, false);
        LabelModelRun refit = service.fit(FitRequest.of("dawid-skene"), Progress.NONE);
        assertThat(refit.stale()).isFalse();
        assertThat(refit.lfs()).hasSize(labeling.list().size() - 1);
        assertThat(service.runs()).hasSize(2);
    }

    @Test
    void pGoodExplanationsAndTheLeastCertainQueueComeFromTheLatestRun() {
        LabelModelRun run = service.fit(new FitRequest("snorkel", Map.of("epochs", 200.0), Map.of("policy", 2.0),
                LabelModelService.PriorSource.ESTIMATED), Progress.NONE);
        assertThat(run.parameters()).containsEntry("priorMode", "estimated");
        assertThat(run.aspectWeights()).containsEntry("policy", 2.0).containsEntry("helpfulness", 1.0);

        List<UncertainCandidate> queue = service.leastCertain(10);
        assertThat(queue).hasSize(10);
        for (int i = 1; i < queue.size(); i++) assertThat(queue.get(i).certainty()).isGreaterThanOrEqualTo(queue.get(i - 1).certainty());
        assertThat(queue).allSatisfy(u -> assertThat(u.promptId()).isPositive());

        // the most certain candidate with votes: its explanation reproduces its stored P(GOOD)
        long[] ids = service.predictions().orElseThrow().candidateIds();
        float[] p = service.predictions().orElseThrow().pGood();
        int b = 0;
        for (int i = 0; i < p.length; i++) if (Math.abs(p[i] - 0.5) > Math.abs(p[b] - 0.5)) b = i;
        int best = b;
        LabelModelService.CandidateExplanation e = service.explain(ids[best], Progress.NONE);
        assertThat(e.pGood()).isCloseTo(p[best], within(1e-4));
        assertThat(service.pGood(ids[best]).orElseThrow()).isCloseTo(p[best], within(1e-6));
        assertThat(e.contributions()).isNotEmpty();
        assertThat(service.pGood(-5)).isEmpty();

        labeling.setEnabled(labeling.list().get(0).id(), false);
        assertThatThrownBy(() -> service.explain(ids[best], Progress.NONE)).hasMessageContaining("stale");
    }

    static String table(LabelModelRun run) {
        StringBuilder sb = new StringBuilder();
        for (LabelModelRun.Lf lf : run.lfs()) {
            sb.append(String.format("%-40s %-11s learned %.2f gold %.2f (%d) prop %.3f%n", lf.name(), lf.aspect(),
                    lf.learnedAccuracy(), lf.empiricalAccuracy(), lf.goldHits(), lf.propensity()));
        }
        sb.append("balance ").append(run.classBalance()).append(" gold acc ").append(run.summary().goldAccuracy());
        return sb.toString();
    }
}
