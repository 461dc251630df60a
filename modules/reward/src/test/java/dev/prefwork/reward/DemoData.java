package dev.prefwork.reward;

import dev.prefwork.core.Progress;
import dev.prefwork.inference.EmbeddingModels;
import dev.prefwork.inference.ExternalScorer;
import dev.prefwork.inference.InferenceEnvironment;
import dev.prefwork.inference.InferenceSettings;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.reward.features.FeatureSpec;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.gold.GoldFile;
import dev.prefwork.store.importer.ImportSource;
import dev.prefwork.store.importer.Importer;

import java.nio.file.Path;

/**
 * The demo workspace built from {@code assets/demo} (66 prompts × 5 candidates, gold for 24, the 16 starter LFs) and
 * a reward service over it with real ONNX models: the tiny test embedder and scorers of modules/inference (built by
 * its committed script), so a fit embeds in well under a second.
 */
final class DemoData {

    static final Path ASSETS = Path.of("../../assets/demo");
    static final Path TINY = Path.of("../inference/src/test/resources/tiny-models");
    static final Path EMBEDDER = TINY.resolve("embedder");
    static final Path SCORER = TINY.resolve("scorer-one-logit");

    private DemoData() {
    }

    static Workspace workspace(Path dir) {
        Workspace ws = Workspace.open(dir);
        new Importer(ws).importFile(ASSETS.resolve("prompts.jsonl"), Importer.Options.DETECT, Progress.NONE);
        new GoldFile(ws).importGold(ImportSource.of(ASSETS.resolve("gold.jsonl")));
        try (LabelingService lfs = new LabelingService(ws)) {
            lfs.importLibrary(ASSETS.resolve("lfs.json"));
        }
        return ws;
    }

    /** A service with its labeling service; close the labeling service when done. */
    record Services(LabelingService labeling, LabelModelService labelModel, RewardService reward) implements AutoCloseable {
        @Override
        public void close() {
            labeling.close();
        }
    }

    static Services services(Workspace ws, Path dataDir) {
        InferenceEnvironment.prepare(dataDir);
        InferenceSettings settings = InferenceSettings.defaults(dataDir);
        LabelingService labeling = new LabelingService(ws);
        LabelModelService labelModel = new LabelModelService(ws, labeling);
        RewardService reward = new RewardService(ws, labeling, labelModel, spec -> EmbeddingModels.open(spec, settings),
                folder -> ExternalScorer.fromFolder(folder, settings, ExternalScorer.Config.defaults()));
        return new Services(labeling, labelModel, reward);
    }

    /** The default request with the tiny embedder in place of the bundled MiniLM. */
    static FitRequest request() {
        return FitRequest.defaults().withFeatures(FeatureSpec.defaults().withEmbeddingModel(EMBEDDER.toAbsolutePath().toString()));
    }
}
