package dev.prefwork.curation;

import dev.prefwork.core.Progress;
import dev.prefwork.curation.pairs.CurationData;
import dev.prefwork.curation.pairs.CurationRequest;
import dev.prefwork.curation.pairs.CurationResult;
import dev.prefwork.curation.pairs.FunnelStep;
import dev.prefwork.curation.pairs.Strategy;
import dev.prefwork.store.PairSetRepository.StoredPairSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The three strategies and SFT top-k on the demo workspace, through the store. */
class CurationServiceTest {

    @TempDir
    static Path dir;
    static Demo demo;

    @BeforeAll
    static void open() {
        demo = Demo.fitted(dir.resolve("demo"));
    }

    @AfterAll
    static void close() {
        demo.close();
    }

    @Test
    void threeStrategiesPreviewOnTheDemoWithAFunnel() {
        CurationData data = demo.curation.data(demo.ranking, Progress.NONE);
        assertThat(data.prompts()).isEqualTo(66);
        assertThat(data.candidates()).isEqualTo(330);
        CurationRequest base = CurationRequest.defaults();
        CurationResult bw = demo.curation.preview(data, base, Progress.NONE);
        CurationResult br = demo.curation.preview(data, base.withStrategy(Strategy.BEST_RANDOM), Progress.NONE);
        CurationResult mg = demo.curation.preview(data, base.withStrategy(Strategy.MARGIN).withMarginThreshold(0.3), Progress.NONE);
        for (CurationResult r : new CurationResult[]{bw, br, mg}) {
            System.out.println(r.request().strategy() + ":");
            for (FunnelStep f : r.funnel()) System.out.println("  " + f);
            assertThat(r.size()).isPositive();
            assertThat(r.funnel().get(0).prompts()).isEqualTo(66);
            FunnelStep last = r.funnel().get(r.funnel().size() - 1);
            assertThat(last.pairs()).isEqualTo(r.size());
            for (int i = 0; i < r.size(); i++) {
                assertThat(r.chosenId(i)).isNotEqualTo(r.rejectedId(i));
            }
        }
        // one pair per prompt for best-worst and best-random; more for margin
        assertThat(bw.size()).isEqualTo(bw.prompts());
        assertThat(br.size()).isEqualTo(br.prompts());
        assertThat(mg.size()).isGreaterThan(mg.prompts());
        // the expert's picks win: every gold prompt's pair is their best vs their worst
        int goldPairs = 0;
        for (int i = 0; i < bw.size(); i++) {
            if (bw.pairs().gold(i)) {
                goldPairs++;
                assertThat(bw.reason(i)).contains("your best and worst picks");
            }
        }
        assertThat(goldPairs).isEqualTo(24);
        // the length guard: the demo's expert prefers the longer answer in nearly every pair; the guard drops the
        // model's long-chosen pairs down to the cap and keeps the expert's own
        assertThat(bw.chosenLongerShare()).isGreaterThan(0.9);
        CurationResult guarded = demo.curation.preview(data, base.withStrategy(Strategy.BEST_RANDOM).withMaxChosenLonger(0.6), Progress.NONE);
        assertThat(guarded.chosenLongerShare()).isLessThanOrEqualTo(0.6 + 1e-9);
        assertThat(guarded.funnel().get(guarded.funnel().size() - 1).label()).isEqualTo("Chosen longer in ≤ 60 % of pairs");
        CurationResult bwGuarded = demo.curation.preview(data, base.withMaxChosenLonger(0.6), Progress.NONE);
        assertThat(bwGuarded.funnel().get(bwGuarded.funnel().size() - 1).note()).contains("your own picks are kept");
        for (int i = 0; i < bwGuarded.size(); i++) {
            if (!bwGuarded.pairs().gold(i)) assertThat(bwGuarded.chosenLength(i)).isLessThanOrEqualTo(bwGuarded.rejectedLength(i));
        }
    }

    @Test
    void sftTopKKeepsHalfThePromptsAndASavedSetReadsBackWithItsProvenance() {
        CurationResult sft = demo.curation.build(demo.ranking, CurationRequest.defaults().withStrategy(Strategy.SFT_TOP_K)
                .withTopPercent(50), Progress.NONE);
        int eligible = sft.funnel().get(sft.funnel().size() - 2).pairs();
        assertThat(sft.size()).isEqualTo((int) Math.ceil(eligible / 2.0));
        Set<Long> prompts = new HashSet<>();
        for (int i = 0; i < sft.size(); i++) {
            assertThat(sft.rejectedId(i)).isEqualTo(-1);
            assertThat(prompts.add(sft.promptId(i))).isTrue();
        }
        StoredPairSet saved = demo.curation.save(sft, "half");
        assertThat(saved.sft()).isTrue();
        assertThat(saved.pairs()).isEqualTo(sft.size());
        assertThat(saved.rankingSource()).isEqualTo("label-model");
        assertThat(saved.rankingDescription()).startsWith("label model run #");
        assertThat(saved.lfVersionIds()).isNotEmpty();
        assertThat(saved.labelModelRunId()).isNotNull();
        assertThat(CurationService.funnel(saved)).isEqualTo(sft.funnel());
        assertThat(Json.read(saved.provenanceJson()).at("/labelModel/lfs").size()).isEqualTo(demo.labeling.list().size());
        assertThat(CurationService.request(Json.read(saved.parametersJson()))).isEqualTo(sft.request());
    }
}
