package dev.prefwork.inference.lf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.Progress;
import dev.prefwork.inference.EmbeddingLookup;
import dev.prefwork.inference.EmbeddingModel;
import dev.prefwork.inference.InferenceSettings;
import dev.prefwork.labeling.engine.Corpus;
import dev.prefwork.labeling.engine.ModelScoreProvider;
import dev.prefwork.labeling.lf.SpecError;
import dev.prefwork.store.Workspace;

import java.util.List;

/**
 * {@code prompt_similarity}: the cosine between a response and its own prompt ("stays on topic"), with
 * {@code params.model} ("bundled" by default, or a model folder). Missing vectors are embedded first.
 */
public final class PromptSimilarityProvider implements ModelScoreProvider {

    public static final String NAME = "prompt_similarity";

    private final Workspace workspace;
    private final InferenceSettings settings;

    public PromptSimilarityProvider(Workspace workspace, InferenceSettings settings) {
        this.workspace = workspace;
        this.settings = settings;
    }

    @Override public String name() { return NAME; }

    @Override public String version() { return "1"; }

    @Override
    public List<SpecError> validate(ObjectNode params) {
        return EmbeddingParams.validateModel(params);
    }

    @Override
    public float[] scores(ObjectNode params, Corpus corpus, Progress progress) {
        try (EmbeddingModel model = EmbeddingParams.openAndFill(workspace, settings, params, progress)) {
            EmbeddingLookup lookup = new EmbeddingLookup(workspace);
            return EmbeddingParams.byRow(corpus, ids -> lookup.promptResponseCosine(model.id(), ids));
        }
    }
}
