package dev.prefwork.store;

import dev.prefwork.core.Progress;
import dev.prefwork.store.RewardModelRepository.ModelToSave;
import dev.prefwork.store.RewardModelRepository.Scores;
import dev.prefwork.store.RewardModelRepository.StoredModel;
import dev.prefwork.store.importer.Importer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RewardModelRepositoryTest {

    @TempDir
    Path dir;
    Workspace ws;

    @BeforeEach
    void open() {
        ws = Workspace.open(dir.resolve("ws"));
    }

    @AfterEach
    void close() {
        ws.close();
    }

    private static Scores scores(long[] ids, int groups) {
        int n = ids.length;
        float[] c = new float[n * groups];
        for (int i = 0; i < c.length; i++) c[i] = i * 0.5f;
        return new Scores(ids, new long[]{7, 7, 8}, new int[]{10, 200, 3000}, new float[]{1.5f, -0.25f, 3f},
                new float[]{0.8f, 0.4f, 0.95f}, groups, c, new long[]{ids[0], ids[2]}, new float[]{1f, 2f},
                oof(groups), new byte[]{1, -1}, new long[]{ids[2]}, new long[]{ids[0]}, new float[]{0.5f});
    }

    private static float[] oof(int groups) {
        float[] c = new float[2 * groups];
        for (int i = 0; i < c.length; i++) c[i] = i + 1;
        return c;
    }

    private static ModelToSave model(Long labelModelRun, Scores s) {
        return new ModelToSave("linear", "{\"groups\":[\"TEXT_STATS\"]}", "{\"columns\":[]}", "{\"l2\":0.01}", new double[]{0.1, -2.5, 1e-9},
                "{\"folds\":5}", labelModelRun, new long[]{9, 3}, "3:1:3:6", "0:0:0:x", 1234, s);
    }

    @Test
    void aModelAndItsScoresRoundTrip() {
        RewardModelRepository models = ws.rewardModels();
        assertThat(models.latest()).isEmpty();
        long id = models.save(model(null, scores(new long[]{10, 20, 30}, 2)));
        long id2 = models.save(model(null, scores(new long[]{10, 20, 31}, 2)));
        assertThat(id2).isGreaterThan(id);
        StoredModel m = models.get(id).orElseThrow();
        assertThat(m.kind()).isEqualTo("linear");
        assertThat(m.featureSetJson()).contains("TEXT_STATS");
        assertThat(m.weights()).containsExactly(0.1, -2.5, 1e-9);
        assertThat(m.lfVersionIds()).containsExactly(3, 9);
        assertThat(m.labelModelRunId()).isNull();
        assertThat(m.rows()).isEqualTo(3);
        assertThat(m.elapsedMs()).isEqualTo(1234);
        assertThat(models.latest().orElseThrow().id()).isEqualTo(id2);
        assertThat(models.list()).extracting(StoredModel::id).containsExactly(id2, id);

        Scores s = models.scores(id).orElseThrow();
        assertThat(s.candidateIds()).containsExactly(10, 20, 30);
        assertThat(s.promptIds()).containsExactly(7, 7, 8);
        assertThat(s.chars()).containsExactly(10, 200, 3000);
        assertThat(s.score()).containsExactly(1.5f, -0.25f, 3f);
        assertThat(s.pGood()).containsExactly(0.8f, 0.4f, 0.95f);
        assertThat(s.groups()).isEqualTo(2);
        assertThat(s.contributions()).containsExactly(0, 0.5f, 1, 1.5f, 2, 2.5f);
        assertThat(s.oofCandidateIds()).containsExactly(10, 30);
        assertThat(s.oofContributions()).containsExactly(1, 2, 3, 4);
        assertThat(s.oofGold()).containsExactly(1, -1);
        assertThat(s.pairWinners()).containsExactly(30);
        assertThat(s.pairLosers()).containsExactly(10);
        assertThat(s.rowOf(20)).isEqualTo(1);
        assertThat(s.rowOf(25)).isNegative();

        models.delete(id);
        assertThat(models.get(id)).isEmpty();
        assertThat(models.scores(id)).isEmpty();
        assertThat(models.count()).isEqualTo(1);
    }

    @Test
    void aBadScoreRowLeavesNoHalfModel() {
        RewardModelRepository models = ws.rewardModels();
        Scores uneven = new Scores(new long[]{1, 2, 3}, new long[]{1, 1, 1}, new int[]{1, 1, 1}, new float[]{1}, new float[]{1, 1, 1}, 1,
                new float[3], new long[0], new float[0], new float[0], new byte[0], new long[0], new long[0], new float[0]);
        assertThatThrownBy(() -> models.save(model(null, uneven))).isInstanceOf(StoreException.class).hasMessageContaining("scores");
        Scores unsorted = new Scores(new long[]{3, 2, 1}, new long[]{1, 1, 1}, new int[]{1, 1, 1}, new float[3], new float[3], 1,
                new float[3], new long[0], new float[0], new float[0], new byte[0], new long[0], new long[0], new float[0]);
        assertThatThrownBy(() -> models.save(model(null, unsorted))).isInstanceOf(StoreException.class).hasMessageContaining("ascending");
        assertThat(models.count()).isZero();
        assertThat(ws.jdbc().count("SELECT COUNT(*) FROM reward_model_score")).isZero();
    }

    @Test
    void deletingTheLabelModelRunKeepsTheModelAndForgetsTheLink() throws Exception {
        long run = ws.labelModelRuns().save(new LabelModelRunRepository.RunToSave("snorkel", 0.5, "{}", "{}", "[]", "[]", "{}",
                new long[0], "0:0:0:0", 1, new long[]{10}, new float[]{0.5f}));
        long id = ws.rewardModels().save(model(run, scores(new long[]{10, 20, 30}, 1)));
        assertThat(ws.rewardModels().get(id).orElseThrow().labelModelRunId()).isEqualTo(run);
        ws.labelModelRuns().delete(run);
        assertThat(ws.rewardModels().get(id).orElseThrow().labelModelRunId()).isNull();
    }

    @Test
    void theReviewQueueOfARankingIsReplacedWholeAndKeepsOtherSources() throws Exception {
        Path file = Fixtures.candidatesFile(dir, "p.jsonl", 4, 2);
        new Importer(ws).importFile(file, Importer.Options.DETECT, Progress.NONE);
        List<Long> prompts = ws.jdbc().list("SELECT id FROM prompt ORDER BY id", rs -> rs.getLong(1));
        ws.reviews().flag(prompts.get(3), "by hand", 1, "expert");
        ws.reviews().replace("rankings", List.of(new ReviewRepository.Flag(prompts.get(0), "least sure", 0.5),
                new ReviewRepository.Flag(prompts.get(1), "contradicts gold", 3.2), new ReviewRepository.Flag(999_999, "gone", 9)));
        assertThat(ws.reviews().list()).extracting(ReviewRepository.ReviewItem::promptId)
                .containsExactly(prompts.get(1), prompts.get(3), prompts.get(0));
        ws.reviews().replace("rankings", List.of(new ReviewRepository.Flag(prompts.get(2), "new", 0.9)));
        assertThat(ws.reviews().list()).extracting(ReviewRepository.ReviewItem::promptId).containsExactly(prompts.get(3), prompts.get(2));
        assertThat(ws.reviews().get(prompts.get(3)).orElseThrow().source()).isEqualTo("expert");
    }
}
