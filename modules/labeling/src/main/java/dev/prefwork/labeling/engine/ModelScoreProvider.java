package dev.prefwork.labeling.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.Progress;
import dev.prefwork.labeling.lf.SpecError;

import java.util.List;

/**
 * The extension point for model-based templates ({@code {"type": "model_score", "provider": …, "params": {…},
 * "min": …}}): embedding similarity to exemplar texts, an external ONNX scorer. A provider turns its params
 * into one score per candidate of a corpus; the engine calls it once per (params, corpus), caches the scores
 * and evaluates the thresholds itself, so re-applying an edited threshold is as fast as a length rule.
 * Providers are registered with {@link LfEngine.Config#withProvider}; none ship with the labeling module.
 */
public interface ModelScoreProvider {

    /** The name specs use in {@code "provider"}, e.g. {@code embedding_similarity}. */
    String name();

    /**
     * Changes whenever the same params would give different scores (another model file, another version):
     * stored votes computed under another version are stale and recomputed.
     */
    String version();

    /** Problems with {@code params}, paths relative to {@code params} ({@code exemplars[0]}); never throws. */
    default List<SpecError> validate(ObjectNode params) {
        return List.of();
    }

    /**
     * One score per row of {@code corpus} (NaN where there is none: the condition is then false). Long
     * computations report to and stop on {@code progress}. A thrown exception puts only the LFs that use this
     * provider in an error state.
     */
    float[] scores(ObjectNode params, Corpus corpus, Progress progress);
}
