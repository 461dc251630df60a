package dev.prefwork.inference.lf;

import dev.prefwork.inference.InferenceSettings;
import dev.prefwork.labeling.engine.LfEngine;
import dev.prefwork.store.Workspace;

/**
 * Registers the model-based LF templates ({@code embedding_similarity}, {@code prompt_similarity},
 * {@code external_score}) with an LF engine config. The app's composition root and the CLI build their
 * {@code LabelingService} with {@link #engineConfig(Workspace, InferenceSettings)}.
 */
public final class ModelScoreProviders {

    private ModelScoreProviders() { }

    /** The default engine config with the three model providers of {@code workspace}. */
    public static LfEngine.Config engineConfig(Workspace workspace, InferenceSettings settings) {
        return withModelProviders(LfEngine.Config.defaults(), workspace, settings);
    }

    /** {@code base} with the three model providers added. */
    public static LfEngine.Config withModelProviders(LfEngine.Config base, Workspace workspace, InferenceSettings settings) {
        return base.withProvider(new EmbeddingSimilarityProvider(workspace, settings))
                .withProvider(new PromptSimilarityProvider(workspace, settings))
                .withProvider(new ExternalScoreProvider(workspace, settings));
    }
}
