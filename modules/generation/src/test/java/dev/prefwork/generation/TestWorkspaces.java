package dev.prefwork.generation;

import dev.prefwork.core.Progress;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.importer.Importer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Workspaces for the generation tests, filled through the real importer. */
final class TestWorkspaces {

    private TestWorkspaces() {
    }

    /** {@code withCandidates} prompts with two candidates each ("old-<i>"), then {@code promptOnly} prompts without ("new-<i>"). */
    static Workspace create(Path dir, int withCandidates, int promptOnly) throws IOException {
        Workspace ws = Workspace.open(dir.resolve("ws"));
        if (withCandidates > 0) {
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i <= withCandidates; i++) {
                sb.append("{\"id\":\"old-").append(i).append("\",\"prompt\":\"Old question ").append(i)
                        .append("?\",\"category\":\"coding\",\"candidates\":[{\"text\":\"a\",\"model\":\"imported\"},{\"text\":\"b\"}]}\n");
            }
            Path f = Files.writeString(dir.resolve("old.jsonl"), sb);
            new Importer(ws).importFile(f, Importer.Options.DETECT, Progress.NONE);
        }
        if (promptOnly > 0) {
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i <= promptOnly; i++) {
                sb.append("{\"id\":\"new-").append(i).append("\",\"prompt\":\"New question number ").append(i)
                        .append("?\",\"category\":\"").append(i % 2 == 0 ? "writing" : "coding").append("\"}\n");
            }
            Path f = Files.writeString(dir.resolve("new.jsonl"), sb);
            new Importer(ws).importFile(f, Importer.Options.DETECT, Progress.NONE);
        }
        return ws;
    }
}
