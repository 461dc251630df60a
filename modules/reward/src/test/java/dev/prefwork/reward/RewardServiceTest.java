package dev.prefwork.reward;

import dev.prefwork.core.Progress;
import dev.prefwork.core.PromptGold;
import dev.prefwork.reward.features.FeatureGroup;
import dev.prefwork.store.ReviewRepository;
import dev.prefwork.store.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The reward service through the store, on the demo workspace with real ONNX models (the tiny test embedder and
 * scorer): a fit stored and read back, its scores for curation, live re-weighting, determinism, staleness, and the
 * active-learning loop (a correction in the review queue becomes gold that the next fit uses).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RewardServiceTest {

    @TempDir
    static Path tmp;

    private Workspace ws;
    private DemoData.Services services;
    private RewardModel fitted;

    @BeforeAll
    void fitOnce() {
        ws = DemoData.workspace(tmp.resolve("demo"));
        services = DemoData.services(ws, tmp.resolve("home"));
        fitted = services.reward().fit(DemoData.request(), Progress.NONE);
    }

    @AfterAll
    void close() {
        services.close();
        ws.close();
    }

    @Test
    void aFitIsStoredWithItsMetricsAndReadsBackTheSame() {
        RewardModel latest = services.reward().latest().orElseThrow();
        assertThat(latest.id()).isEqualTo(fitted.id());
        assertThat(latest.stale()).as(latest.staleness().reason()).isFalse();
        assertThat(latest.rows()).isEqualTo(330);
        assertThat(latest.featureSpec().groups()).containsExactlyInAnyOrder(FeatureGroup.values());
        assertThat(latest.embeddingModelId()).startsWith("onnx:embedder@");
        assertThat(latest.labelModelRunId()).isEqualTo(ws.labelModelRuns().latest().orElseThrow().id());
        assertThat(latest.lfVersionIds()).hasSize(16);
        assertThat(latest.theta()).containsExactly(fitted.theta());
        assertThat(latest.columns()).extracting(c -> c.key()).contains("prompt_cosine", "text:length_z", "aspect:policy")
                .anyMatch(k -> k.startsWith("lf:")).anyMatch(k -> k.startsWith("embedding:"));
        assertThat(latest.explanations()).anyMatch(g -> g.label().equals("LF: Refusal or deflection") && "BAD".equals(g.vote()));

        RewardMetrics m = latest.metrics();
        assertThat(m.folds()).isEqualTo(5);
        assertThat(m.labelledPrompts()).isEqualTo(24);
        assertThat(m.goldPairs()).isGreaterThan(150);
        assertThat(m.comparisons()).extracting(RewardMetrics.Comparison::key)
                .containsExactly(RewardMetrics.MODEL, RewardMetrics.LABEL_MODEL, RewardMetrics.LF_MAJORITY, RewardMetrics.LENGTH);
        assertThat(m.beatsBaselines()).as("held out %.3f vs LF majority %.3f and length %.3f", m.accuracy(),
                m.accuracyOf(RewardMetrics.LF_MAJORITY), m.accuracyOf(RewardMetrics.LENGTH)).isTrue();
        assertThat(m.calibration().count()).isEqualTo(m.goldLabels());
        assertThat(m.calibration().ece()).isBetween(0.0, 0.5);
        assertThat(m.lengthSpearman()).isBetween(-1.0, 1.0);
        assertThat(m.notes()).anyMatch(n -> n.contains("no label model had been fitted"));
    }

    @Test
    void latestScoresGiveEveryCandidateAScoreAndPGood() {
        RewardScores s = services.reward().latestScores().orElseThrow();
        assertThat(s.modelId()).isEqualTo(fitted.id());
        assertThat(s.stale()).isFalse();
        assertThat(s.candidateIds()).hasSize(330).isSorted();
        assertThat(s.scores()).hasSize(330);
        for (int i = 0; i < 330; i++) {
            assertThat((double) s.pGood()[i]).isCloseTo(1 / (1 + Math.exp(-s.scores()[i])), within(1e-6));
        }
        long someId = s.candidateIds()[17];
        assertThat(s.score(someId)).isEqualTo(s.scores()[17]);
        assertThat(s.score(-5)).isNaN();
    }

    @Test
    void rankingsExplainTheScoreAndReweighAspectsLive() {
        Rankings r = services.reward().rankings().orElseThrow();
        Rankings.Weighted same = r.weigh(Map.of());
        RewardScores s = services.reward().latestScores().orElseThrow();
        for (int i = 0; i < 330; i++) assertThat(same.scores()[i]).isEqualTo(s.scores()[i]);
        assertThat(same.heldOut().accuracy()).isCloseTo(fitted.metrics().accuracy(), within(1e-9));

        // the linear model's parts add up: bias + Σ contributions = score
        Rankings.PromptRanking first = r.prompt(0, same);
        assertThat(first.candidates()).hasSize(5).isSortedAccordingTo(Comparator.comparingDouble(c -> -c.score()));
        assertThat(first.margin()).isCloseTo(first.candidates().get(0).score() - first.candidates().get(4).score(), within(1e-9));
        assertThat(first.candidates().get(0).why()).isNotEmpty().hasSizeLessThanOrEqualTo(Rankings.WHY);

        // policy weighed 0: only the policy groups' contributions leave the score
        assertThat(r.aspects()).contains("policy", "helpfulness");
        Rankings.Weighted noPolicy = r.weigh(Map.of("policy", 0.0));
        boolean changed = false;
        for (int i = 0; i < 330; i++) changed |= noPolicy.scores()[i] != same.scores()[i];
        assertThat(changed).isTrue();
        Rankings.Weighted doubled = r.weigh(Map.of("policy", 2.0));
        for (int i = 0; i < 330; i++) {
            // linear in the weight: s(2) − s(1) = s(1) − s(0)
            assertThat(doubled.scores()[i] - same.scores()[i]).isCloseTo(same.scores()[i] - noPolicy.scores()[i], within(1e-5));
        }
        assertThat(noPolicy.heldOut().pairs()).isEqualTo(same.heldOut().pairs());
        Rankings.Histogram h = Rankings.histogram(same.margins(), 12);
        assertThat(java.util.Arrays.stream(h.counts()).sum()).isEqualTo(66);
    }

    @Test
    void theReviewQueueIsFilledWithReasons() {
        List<ReviewRepository.ReviewItem> items = ws.reviews().list().stream().filter(i -> i.source().equals(ReviewQueue.SOURCE)).toList();
        assertThat(items).hasSize(ReviewQueue.defaultLimit(66));
        assertThat(items).allMatch(i -> i.reason() != null && !i.reason().isBlank());
        assertThat(items).extracting(ReviewRepository.ReviewItem::priority).isSortedAccordingTo(Comparator.reverseOrder());
    }

    @Test
    void theMostInformativeQueueIsItsOwnQueueOfUnflaggedPrompts() {
        List<ReviewRepository.ReviewItem> informative = ws.reviews().list().stream()
                .filter(i -> i.source().equals(ReviewQueue.SOURCE_INFORMATIVE)).toList();
        assertThat(informative).isNotEmpty().hasSizeLessThanOrEqualTo(ReviewQueue.defaultLimit(66));
        assertThat(informative).allMatch(i -> i.reason().startsWith("most informative: ") && i.priority() >= 0 && i.priority() <= 2);
        // the Compare step's two queues: needs review holds the rankings' flags only, most informative the rest
        dev.prefwork.store.QueueRepository.QueueIds review = ws.queues().load(new dev.prefwork.core.LabelQueue.NeedsReview());
        dev.prefwork.store.QueueRepository.QueueIds mi = ws.queues().load(new dev.prefwork.core.LabelQueue.MostInformative());
        assertThat(review.size()).isEqualTo(ReviewQueue.defaultLimit(66));
        assertThat(mi.size()).isEqualTo(informative.size());
        for (long id : mi.ids()) assertThat(review.indexOf(id)).isEqualTo(-1);
        assertThat(ws.reviews().pending()).isEqualTo(ReviewQueue.defaultLimit(66));
    }

    @Test
    void theSameSeedGivesTheSameModel() {
        Path dir = tmp.resolve("again");
        try (Workspace other = DemoData.workspace(dir); DemoData.Services s = DemoData.services(other, tmp.resolve("home2"))) {
            RewardModel a = s.reward().fit(DemoData.request().withUpdateReviewQueue(false), Progress.NONE);
            RewardModel b = s.reward().fit(DemoData.request().withUpdateReviewQueue(false), Progress.NONE);
            assertThat(b.theta()).containsExactly(a.theta());
            assertThat(b.metrics().accuracy()).isEqualTo(a.metrics().accuracy());
            assertThat(s.reward().model(a.id()).orElseThrow().theta()).containsExactly(fitted.theta());
        }
    }

    @Test
    void aCorrectionInTheReviewQueueBecomesGoldThatTheNextFitUses() {
        try (Workspace other = DemoData.workspace(tmp.resolve("loop")); DemoData.Services s = DemoData.services(other, tmp.resolve("home3"))) {
            // the same settings both times (auto length control and gold weight could choose differently after the correction)
            FitRequest request = DemoData.request().withLengthControl(LengthControl.OFF).withGoldWeight(1);
            RewardModel before = s.reward().fit(request, Progress.NONE);
            // an unlabelled prompt the model is unsure about, from the queue the fit filled
            ReviewRepository.ReviewItem item = other.reviews().list().stream()
                    .filter(i -> i.reason().startsWith("least sure")).findFirst().orElseThrow();
            Rankings r = s.reward().rankings().orElseThrow();
            Rankings.PromptRanking ranking = r.prompt(r.index().promptIndex(item.promptId()), r.weigh(Map.of()));
            long top = ranking.candidates().get(0).candidateId();
            long second = ranking.candidates().get(1).candidateId();
            long bottom = ranking.candidates().get(ranking.candidates().size() - 1).candidateId();
            RewardScores was = s.reward().latestScores().orElseThrow();
            // the expert settles it: the model's second is the best, its last the worst
            other.gold().setPromptGold(new PromptGold(item.promptId(), second, bottom, null), null);
            assertThat(other.reviews().get(item.promptId()).orElseThrow().reviewed()).isTrue();
            assertThat(s.reward().latest().orElseThrow().staleness().reason()).contains("your gold changed");

            RewardModel after = s.reward().fit(request, Progress.NONE);
            assertThat(after.stale()).isFalse();
            assertThat(after.metrics().labelledPrompts()).isEqualTo(before.metrics().labelledPrompts() + 1);
            assertThat(after.metrics().goldPairs()).isEqualTo(before.metrics().goldPairs() + 2 * ranking.candidates().size() - 3);
            RewardScores now = s.reward().latestScores().orElseThrow();
            assertThat(now.score(second) - now.score(top)).as("the new best gained on the old first")
                    .isGreaterThan(was.score(second) - was.score(top));
            Rankings r2 = s.reward().rankings().orElseThrow();
            Rankings.PromptRanking reranked = r2.prompt(r2.index().promptIndex(item.promptId()), r2.weigh(Map.of()));
            assertThat(reranked.candidates().get(0).candidateId()).as("the expert's best now ranks first").isEqualTo(second);
            assertThat(reranked.candidates().get(reranked.candidates().size() - 1).candidateId()).isEqualTo(bottom);
            // the prompt is no longer "least sure": it has gold now
            assertThat(other.reviews().get(item.promptId()).map(ReviewRepository.ReviewItem::reason).orElse(""))
                    .doesNotStartWith("least sure");
        }
    }

    @Test
    void anExternalScorerIsComparedOnTheSamePairs() {
        try (Workspace other = DemoData.workspace(tmp.resolve("ext")); DemoData.Services s = DemoData.services(other, tmp.resolve("home4"))) {
            RewardModel m = s.reward().fit(DemoData.request().withExternalScorer(DemoData.SCORER.toAbsolutePath())
                    .withFeatures(DemoData.request().features().without(FeatureGroup.EMBEDDING)), Progress.NONE);
            RewardMetrics.Comparison ext = m.metrics().comparison(RewardMetrics.EXTERNAL).orElseThrow();
            assertThat(ext.accuracy().pairs()).isEqualTo(m.metrics().goldPairs());
            assertThat(m.metrics().external().scorerId()).startsWith("scorer:scorer-one-logit@");
            assertThat(m.metrics().external().top1Agreement()).isBetween(0.0, 1.0);
            assertThat(m.parameters().externalScorer()).isEqualTo(m.metrics().external().scorerId());
            assertThat(m.columns()).noneMatch(c -> c.group() == FeatureGroup.EMBEDDING);
            assertThat(other.externalScores().countPending(other.externalScores().findScorerKey(m.metrics().external().scorerId())
                    .orElseThrow())).isZero();
        }
    }

    @Test
    void aCancelledFitStoresNothingAndKeepsTheQueue() {
        try (Workspace other = DemoData.workspace(tmp.resolve("cancel")); DemoData.Services s = DemoData.services(other, tmp.resolve("home6"))) {
            int[] updates = {0};
            List<String> messages = new java.util.ArrayList<>();
            Progress cancelDuringTraining = new Progress() {
                @Override
                public void update(long done, long total, String message) {
                    messages.add(message);
                    if (message.startsWith("Training")) updates[0]++;
                }

                @Override
                public boolean isCancelled() {
                    return updates[0] >= 3;
                }
            };
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.reward().fit(DemoData.request(), cancelDuringTraining))
                    .isInstanceOf(Progress.Cancelled.class);
            assertThat(other.rewardModels().count()).isZero();
            assertThat(other.reviews().count()).isZero();
            assertThat(s.reward().latestScores()).isEmpty();
            // it reported what it was doing on the way: the LFs, the label model, the embeddings, the training
            assertThat(messages).anyMatch(m -> m.startsWith("Applying the labeling functions"))
                    .anyMatch(m -> m.contains("Embedding"))
                    .anyMatch(m -> m.startsWith("Training the reward model: iteration"));
        }
    }

    @Test
    void disablingAnLfMakesTheModelStale() {
        try (Workspace other = DemoData.workspace(tmp.resolve("stale")); DemoData.Services s = DemoData.services(other, tmp.resolve("home5"))) {
            s.reward().fit(DemoData.request().withUpdateReviewQueue(false).withFeatures(
                    DemoData.request().features().without(FeatureGroup.EMBEDDING).without(FeatureGroup.PROMPT_SIMILARITY)), Progress.NONE);
            assertThat(s.reward().latest().orElseThrow().stale()).isFalse();
            s.labeling().setEnabled(s.labeling().list().get(0).id(), false);
            RewardModel m = s.reward().latest().orElseThrow();
            assertThat(m.stale()).isTrue();
            assertThat(m.staleness().reason()).contains("labeling functions changed");
            assertThat(s.reward().latestScores().orElseThrow().stale()).isTrue();
        }
    }
}
