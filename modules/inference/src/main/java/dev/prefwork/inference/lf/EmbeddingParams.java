package dev.prefwork.inference.lf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.Progress;
import dev.prefwork.inference.EmbeddingModel;
import dev.prefwork.inference.EmbeddingModels;
import dev.prefwork.inference.EmbeddingService;
import dev.prefwork.inference.InferenceSettings;
import dev.prefwork.labeling.engine.Corpus;
import dev.prefwork.labeling.lf.SpecError;
import dev.prefwork.store.Workspace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** What the embedding-based providers share: the {@code model} param, filling the cache, reading in chunks. */
final class EmbeddingParams {

    /** Ids per lookup query: keeps the SQL array parameter small on large workspaces. */
    static final int CHUNK = 4_096;

    private EmbeddingParams() { }

    static String model(ObjectNode params) {
        JsonNode m = params.get("model");
        return m == null || m.isNull() ? EmbeddingModels.BUNDLED : m.asText();
    }

    static List<SpecError> validateModel(ObjectNode params) {
        JsonNode m = params.get("model");
        if (m == null || m.isNull()) return List.of();
        if (!m.isTextual() || m.asText().isBlank()) return List.of(new SpecError("model", "must be \"bundled\" or a model folder"));
        String name = m.asText();
        if (name.equals(EmbeddingModels.BUNDLED) || name.equals(dev.prefwork.inference.OnnxEmbeddingModel.BUNDLED_ID)) return List.of();
        if (!Files.isDirectory(Path.of(name))) return List.of(new SpecError("model", "no model folder at " + name));
        return List.of();
    }

    /** Opens the model and embeds every text of the workspace it has no vector for yet (a no-op once cached). */
    static EmbeddingModel openAndFill(Workspace workspace, InferenceSettings settings, ObjectNode params, Progress progress) {
        EmbeddingModel model = EmbeddingModels.open(model(params), settings);
        try {
            new EmbeddingService(workspace).embedMissing(model, progress);
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** One score per corpus row from a per-candidate lookup run chunk by chunk; NaN where there is none. */
    static float[] byRow(Corpus corpus, Function<List<Long>, Map<Long, Double>> lookup) {
        float[] out = new float[corpus.size()];
        Arrays.fill(out, Float.NaN);
        List<Long> ids = new ArrayList<>(CHUNK);
        for (int row = 0; row < corpus.size(); row++) {
            ids.add(corpus.candidateId(row));
            if (ids.size() == CHUNK || row == corpus.size() - 1) {
                lookup.apply(ids).forEach((id, s) -> {
                    int r = corpus.rowOf(id);
                    if (r >= 0 && s != null) out[r] = s.floatValue();
                });
                ids = new ArrayList<>(CHUNK);
            }
        }
        return out;
    }
}
