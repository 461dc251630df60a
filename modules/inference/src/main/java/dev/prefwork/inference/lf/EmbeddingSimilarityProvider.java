package dev.prefwork.inference.lf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.Progress;
import dev.prefwork.inference.EmbeddingLookup;
import dev.prefwork.inference.EmbeddingModel;
import dev.prefwork.inference.EmbeddingService;
import dev.prefwork.inference.InferenceSettings;
import dev.prefwork.labeling.engine.Corpus;
import dev.prefwork.labeling.engine.ModelScoreProvider;
import dev.prefwork.labeling.lf.SpecError;
import dev.prefwork.store.Workspace;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code embedding_similarity}: the highest cosine between a candidate and any of the exemplar texts
 * ({@code params.exemplars}), with {@code params.model} ("bundled" by default, or a model folder). Candidate
 * texts without a cached vector are embedded first; exemplars go through the same cache.
 */
public final class EmbeddingSimilarityProvider implements ModelScoreProvider {

    public static final String NAME = "embedding_similarity";

    private final Workspace workspace;
    private final InferenceSettings settings;

    public EmbeddingSimilarityProvider(Workspace workspace, InferenceSettings settings) {
        this.workspace = workspace;
        this.settings = settings;
    }

    @Override public String name() { return NAME; }

    // The model's own id (file hash) is not known before it is opened; a folder's contents changing under the
    // same path is caught by the cache, which is keyed by that id.
    @Override public String version() { return "1"; }

    @Override
    public List<SpecError> validate(ObjectNode params) {
        List<SpecError> errors = new ArrayList<>(EmbeddingParams.validateModel(params));
        JsonNode ex = params.get("exemplars");
        if (ex == null || !ex.isArray() || ex.isEmpty()) {
            errors.add(new SpecError("exemplars", "give at least one exemplar text"));
        } else {
            for (int i = 0; i < ex.size(); i++) {
                if (!ex.get(i).isTextual() || ex.get(i).asText().isBlank()) errors.add(new SpecError("exemplars[" + i + "]", "must be a non-empty text"));
            }
        }
        return errors;
    }

    @Override
    public float[] scores(ObjectNode params, Corpus corpus, Progress progress) {
        List<String> exemplars = new ArrayList<>();
        params.withArray("exemplars").forEach(e -> exemplars.add(e.asText()));
        try (EmbeddingModel model = EmbeddingParams.openAndFill(workspace, settings, params, progress)) {
            float[][] vectors = new EmbeddingService(workspace).embedCached(model, exemplars);
            EmbeddingLookup lookup = new EmbeddingLookup(workspace);
            return EmbeddingParams.byRow(corpus, ids -> lookup.maxCosineToExemplars(model.id(), ids, vectors));
        }
    }
}
