package dev.prefwork.app;

import dev.prefwork.core.Progress;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.gold.GoldFile;
import dev.prefwork.store.importer.ImportFormat;
import dev.prefwork.store.importer.ImportSource;
import dev.prefwork.store.importer.Importer;

import dev.prefwork.labeling.service.LabelingService;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The demo workspace: prompts, five candidates each and the expert's gold for about a third of them, written
 * for Prefwork and shipped in the jar from {@code assets/demo}. The workbench opens it on first start so an
 * expert has something to look at before importing their own data.
 */
public final class DemoWorkspace {

    static final String PROMPTS = "/dev/prefwork/demo/prompts.jsonl";
    static final String GOLD = "/dev/prefwork/demo/gold.jsonl";
    static final String LFS = "/dev/prefwork/demo/lfs.json";
    public static final String DATASET_NAME = "demo";

    private DemoWorkspace() {
    }

    /**
     * Opens {@code dir}, filling it with the demo data when it holds no dataset yet. The caller closes it. A new demo
     * workspace is built in a sibling folder and renamed into place once complete, so a kill during the build
     * leaves no half-filled demo (prompts without gold or LFs) that the next start would take as done.
     */
    public static Workspace openOrCreate(Path dir, Progress progress) {
        if (!Workspace.exists(dir)) buildAside(dir, progress);
        Workspace ws = Workspace.open(dir);
        try {
            if (ws.datasets().list().isEmpty()) fill(ws, progress);
            return ws;
        } catch (RuntimeException e) {
            ws.close();
            throw e;
        }
    }

    private static void buildAside(Path dir, Progress progress) {
        Path abs = dir.toAbsolutePath().normalize();
        Path building = abs.resolveSibling(abs.getFileName() + ".building");
        try {
            deleteTree(building); // a build killed earlier
            try (Workspace ws = Workspace.open(building)) {
                fill(ws, progress);
            }
            if (Files.exists(abs)) {
                if (!isEmptyTree(abs)) { // something else is there: it is opened and filled in place
                    deleteTree(building);
                    return;
                }
                deleteTree(abs);
            }
            Files.move(building, abs, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the demo workspace in " + abs + ": " + e.getMessage(), e);
        }
    }

    /** True when {@code dir} holds folders only (what opening a workspace creates), no file. */
    private static boolean isEmptyTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.noneMatch(Files::isRegularFile);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    /** Imports the demo prompts, gold and starter LF library into an open workspace, and applies the LFs. */
    public static void fill(Workspace ws, Progress progress) {
        new Importer(ws).importSource(ImportSource.ofResource(DemoWorkspace.class, PROMPTS),
                new Importer.Options(ImportFormat.CANDIDATES, DATASET_NAME), progress);
        new GoldFile(ws).importGold(ImportSource.ofResource(DemoWorkspace.class, GOLD));
        try (LabelingService lfs = new LabelingService(ws)) {
            lfs.importLibrary(starterLibrary(), "demo lfs.json");
            lfs.apply(progress);
        }
    }

    /** The starter LF library (lfs.json) shipped with the demo. */
    public static String starterLibrary() {
        try (InputStream in = DemoWorkspace.class.getResourceAsStream(LFS)) {
            if (in == null) throw new IllegalStateException("the demo LF library " + LFS + " is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
