package dev.prefwork.app;

import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.reward.FitRequest;
import dev.prefwork.reward.RewardModel;
import dev.prefwork.reward.RewardScores;
import dev.prefwork.reward.RewardService;
import dev.prefwork.store.Workspace;
import dev.prefwork.training.ComparisonService;
import dev.prefwork.training.TrainerGenerate;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The one place the app builds a {@link ComparisonService}: its scorer is the workspace's reward model, refitted with
 * the latest model's settings (the defaults when there is none) so that the new base and tuned candidates get scores
 * from the same features (LF votes, label model, embeddings) as every other candidate. Lives in the composition
 * root because training does not depend on the reward module.
 */
public final class AppComparisons {

    private AppComparisons() { }

    /** @param python the interpreter for the trainer's generate mode; null when both sides answer from servers */
    public static ComparisonService service(Workspace workspace, AppPaths paths, Path python) {
        TrainerGenerate trainer = python == null ? null : new TrainerGenerate(python, paths.trainerTools());
        return new ComparisonService(workspace, trainer, rewardScorer(workspace, paths));
    }

    static ComparisonService.Scorer rewardScorer(Workspace workspace, AppPaths paths) {
        return (ids, progress) -> {
            LabelingService labeling = AppLabeling.service(workspace, paths);
            RewardService rewards = AppReward.service(workspace, labeling, new LabelModelService(workspace, labeling), paths);
            FitRequest request = rewards.latest().map(AppComparisons::sameSettings).orElse(FitRequest.defaults())
                    .withUpdateReviewQueue(false);
            rewards.fit(request, progress);
            RewardScores s = rewards.latestScores().orElseThrow();
            Map<Long, Double> byCandidate = new HashMap<>();
            for (long id : ids) {
                if (s.rowOf(id) >= 0) byCandidate.put(id, (double) s.score(id));
            }
            return new ComparisonService.Scorer.Scores(s.modelId(), byCandidate);
        };
    }

    /** A fit request with the settings {@code m} was fitted with. */
    static FitRequest sameSettings(RewardModel m) {
        RewardModel.Parameters p = m.parameters();
        FitRequest d = FitRequest.defaults();
        try {
            return d.withKind(p.kind()).withFeatures(m.featureSpec()).withL2(p.l2()).withEmbeddingPenalty(p.embeddingPenalty())
                    .withLossWeights(p.lossWeights()).withFolds(p.folds()).withSeed(p.seed())
                    .withHidden(p.hidden() > 0 ? p.hidden() : d.hidden()).withMaxIterations(p.maxIterations());
        } catch (IllegalArgumentException e) {
            return d;   // settings this version no longer accepts: the defaults
        }
    }
}
