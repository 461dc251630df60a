package dev.prefwork.app;

import dev.prefwork.inference.EmbeddingModels;
import dev.prefwork.inference.ExternalScorer;
import dev.prefwork.inference.InferenceEnvironment;
import dev.prefwork.inference.InferenceSettings;
import dev.prefwork.inference.ModelLoadException;
import dev.prefwork.core.InputException;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.reward.RewardService;
import dev.prefwork.store.Workspace;

/**
 * The one place the app (workbench and CLI) builds a {@link RewardService}: embedding models and external scorers
 * open offline with the user data folder's settings, and a model that cannot be loaded is the user's input error
 * (a wrong folder), named as such.
 */
public final class AppReward {

    private AppReward() { }

    public static RewardService service(Workspace workspace, LabelingService labeling, LabelModelService labelModel, AppPaths paths) {
        InferenceEnvironment.prepare(paths.home());
        InferenceSettings settings = InferenceSettings.defaults(paths.home());
        return new RewardService(workspace, labeling, labelModel,
                spec -> {
                    try {
                        return EmbeddingModels.open(spec, settings);
                    } catch (ModelLoadException e) {
                        throw new InputException("the embedding model '" + spec + "' cannot be loaded: " + e.getMessage());
                    }
                },
                folder -> {
                    try {
                        return ExternalScorer.fromFolder(folder, settings, ExternalScorer.Config.defaults());
                    } catch (ModelLoadException e) {
                        throw new InputException("the scorer in " + folder + " cannot be loaded: " + e.getMessage());
                    }
                },
                comparativeLfPairTargets(workspace, labeling));
    }

    /**
     * The comparative LFs' pair targets for the reward model's Bradley–Terry term. TO WIRE: none yet — the comparative
     * LFs are being built in modules/labeling; when they land, return their pairwise votes here (preferred, other,
     * weight, LF name) and the reward model trains on them with no other change.
     */
    static RewardService.PairTargetSource comparativeLfPairTargets(Workspace workspace, LabelingService labeling) {
        return RewardService.PairTargetSource.NONE;
    }
}
