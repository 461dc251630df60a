package dev.prefwork.inference.lf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.Progress;
import dev.prefwork.inference.ExternalScorer;
import dev.prefwork.inference.InferenceSettings;
import dev.prefwork.inference.ScoringService;
import dev.prefwork.labeling.engine.Corpus;
import dev.prefwork.labeling.engine.ModelScoreProvider;
import dev.prefwork.labeling.lf.SpecError;
import dev.prefwork.store.Workspace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code external_score}: the score of an external ONNX scorer ({@code params.scorer}, a folder with
 * model.onnx and tokenizer.json; {@code params.positive_index} picks a classifier's positive class, default 1).
 * Candidates without a stored score are scored first; stored scores are reused.
 */
public final class ExternalScoreProvider implements ModelScoreProvider {

    public static final String NAME = "external_score";

    private final Workspace workspace;
    private final InferenceSettings settings;

    public ExternalScoreProvider(Workspace workspace, InferenceSettings settings) {
        this.workspace = workspace;
        this.settings = settings;
    }

    @Override public String name() { return NAME; }

    // Stored scores are keyed by the scorer's id, which includes a hash of model.onnx.
    @Override public String version() { return "1"; }

    @Override
    public List<SpecError> validate(ObjectNode params) {
        List<SpecError> errors = new ArrayList<>();
        JsonNode s = params.get("scorer");
        if (s == null || !s.isTextual() || s.asText().isBlank()) {
            errors.add(new SpecError("scorer", "give the scorer's folder (with model.onnx and tokenizer.json)"));
        } else if (!Files.isDirectory(Path.of(s.asText()))) {
            errors.add(new SpecError("scorer", "no folder at " + s.asText()));
        } else if (!Files.isRegularFile(Path.of(s.asText(), "model.onnx"))) {
            errors.add(new SpecError("scorer", "the folder " + s.asText() + " has no model.onnx"));
        }
        JsonNode p = params.get("positive_index");
        if (p != null && !p.isNull() && (!p.canConvertToInt() || !p.isIntegralNumber() || p.asInt() < 0)) {
            errors.add(new SpecError("positive_index", "must be a class index (0, 1, …)"));
        }
        return errors;
    }

    @Override
    public float[] scores(ObjectNode params, Corpus corpus, Progress progress) {
        ExternalScorer.Config config = new ExternalScorer.Config(params.path("positive_index").asInt(1), ExternalScorer.Config.defaults().maxTokens());
        try (ExternalScorer scorer = ExternalScorer.fromFolder(Path.of(params.get("scorer").asText()), settings, config)) {
            ScoringService service = new ScoringService(workspace);
            service.scoreMissing(scorer, progress);
            return EmbeddingParams.byRow(corpus, ids -> {
                Map<Long, Double> out = new LinkedHashMap<>();
                service.scores(scorer.id(), ids).forEach((id, score) -> out.put(id, score.score()));
                return out;
            });
        }
    }
}
