package dev.prefwork.app;

import dev.prefwork.inference.InferenceEnvironment;
import dev.prefwork.inference.InferenceSettings;
import dev.prefwork.inference.lf.ModelScoreProviders;
import dev.prefwork.labeling.service.JudgeService;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.store.Workspace;

/**
 * The one place the app (workbench and CLI) builds a {@link LabelingService}: with the model-based LF templates
 * ({@code embedding_similarity}, {@code prompt_similarity}, {@code external_score}) registered, so a spec
 * that uses them validates and applies the same everywhere.
 */
public final class AppLabeling {

    private AppLabeling() { }

    /** A labeling service for {@code workspace}; models run offline, DJL's cache in {@code paths}' user data folder. */
    public static LabelingService service(Workspace workspace, AppPaths paths) {
        InferenceEnvironment.prepare(paths.home());
        return new LabelingService(workspace, ModelScoreProviders.engineConfig(workspace, InferenceSettings.defaults(paths.home())));
    }

    /** Asking the models of judge LFs, over the OpenAI-compatible client; {@code backend} holds the session's typed keys. */
    public static JudgeService judge(Workspace workspace, LabelingService labeling, OpenAiJudgeBackend backend) {
        return new JudgeService(workspace, labeling, backend);
    }
}
