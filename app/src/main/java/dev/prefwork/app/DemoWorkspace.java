package dev.prefwork.app;

import dev.prefwork.core.Progress;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.gold.GoldFile;
import dev.prefwork.store.importer.ImportFormat;
import dev.prefwork.store.importer.ImportSource;
import dev.prefwork.store.importer.Importer;

import java.nio.file.Path;

/**
 * The demo workspace: prompts, five candidates each and the expert's gold for about a third of them, written
 * for Prefwork and shipped in the jar from {@code assets/demo}. The workbench opens it on first start so an
 * expert has something to look at before importing their own data.
 */
public final class DemoWorkspace {

    static final String PROMPTS = "/dev/prefwork/demo/prompts.jsonl";
    static final String GOLD = "/dev/prefwork/demo/gold.jsonl";
    public static final String DATASET_NAME = "demo";

    private DemoWorkspace() {
    }

    /** Opens {@code dir}, filling it with the demo data when it holds no dataset yet. The caller closes it. */
    public static Workspace openOrCreate(Path dir, Progress progress) {
        Workspace ws = Workspace.open(dir);
        try {
            if (ws.datasets().list().isEmpty()) fill(ws, progress);
            return ws;
        } catch (RuntimeException e) {
            ws.close();
            throw e;
        }
    }

    /** Imports the demo prompts and gold into an open workspace. */
    public static void fill(Workspace ws, Progress progress) {
        new Importer(ws).importSource(ImportSource.ofResource(DemoWorkspace.class, PROMPTS),
                new Importer.Options(ImportFormat.CANDIDATES, DATASET_NAME), progress);
        new GoldFile(ws).importGold(ImportSource.ofResource(DemoWorkspace.class, GOLD));
    }
}
