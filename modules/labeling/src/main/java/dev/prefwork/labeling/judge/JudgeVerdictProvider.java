package dev.prefwork.labeling.judge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.Progress;
import dev.prefwork.labeling.engine.Corpus;
import dev.prefwork.labeling.engine.LfEngine;
import dev.prefwork.labeling.engine.ModelScoreProvider;
import dev.prefwork.store.JudgeVerdictRepository;
import dev.prefwork.store.Workspace;

/**
 * The engine's view of pointwise judge LFs: the score of a candidate is the judge's cached answer (NaN where the
 * model was not asked yet or its answer could not be read, so the LF abstains). It never asks the model — applying
 * the library stays fast and free; a judge job asks, explicitly, with an estimate first. Its version is the cache's
 * signature, so votes stored before new answers arrived are stale and re-read.
 */
public final class JudgeVerdictProvider implements ModelScoreProvider {

    private final Workspace workspace;

    public JudgeVerdictProvider(Workspace workspace) {
        this.workspace = workspace;
    }

    @Override
    public String name() {
        return LfEngine.JUDGE_PROVIDER;
    }

    @Override
    public String version() {
        return "answers:" + workspace.judgeVerdicts().signature();
    }

    @Override
    public float[] scores(ObjectNode params, Corpus corpus, Progress progress) {
        float[] out = new float[corpus.size()];
        java.util.Arrays.fill(out, Float.NaN);
        for (JudgeVerdictRepository.Verdict v : workspace.judgeVerdicts().all(params.path("key").asText())) {
            if (v.otherId() != 0 || v.value() == null) continue;
            int row = corpus.rowOf(v.candidateId());
            if (row >= 0) out[row] = v.value().floatValue();
        }
        return out;
    }
}
