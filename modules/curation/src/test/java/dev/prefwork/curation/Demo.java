package dev.prefwork.curation;

import dev.prefwork.core.Progress;
import dev.prefwork.curation.ranking.LabelModelRanking;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.gold.GoldFile;
import dev.prefwork.store.importer.ImportSource;
import dev.prefwork.store.importer.Importer;

import java.nio.file.Path;
import java.util.List;

/** The demo workspace (66 prompts × 5 candidates, gold, starter LFs) with a fitted label model, as tests use it. */
final class Demo implements AutoCloseable {

    static final Path ASSETS = Path.of("../../assets/demo");

    final Workspace ws;
    final LabelingService labeling;
    final LabelModelService labelModel;
    final CurationService curation;
    final LabelModelRanking ranking;

    Demo(Path dir, boolean fit) {
        ws = Workspace.open(dir);
        labeling = new LabelingService(ws);
        labelModel = new LabelModelService(ws, labeling);
        ranking = new LabelModelRanking(labelModel);
        curation = new CurationService(ws, labelModel, List.of(ranking));
        if (fit) {
            new Importer(ws).importFile(ASSETS.resolve("prompts.jsonl"), Importer.Options.DETECT, Progress.NONE);
            new GoldFile(ws).importGold(ImportSource.of(ASSETS.resolve("gold.jsonl")));
            labeling.importLibrary(ASSETS.resolve("lfs.json"));
            labelModel.fit(LabelModelService.FitRequest.defaults(), Progress.NONE);
        }
    }

    static Demo fitted(Path dir) {
        return new Demo(dir, true);
    }

    static Demo empty(Path dir) {
        return new Demo(dir, false);
    }

    @Override
    public void close() {
        labeling.close();
        ws.close();
    }
}
