package dev.prefwork.app.ui;

import dev.prefwork.core.Candidate;
import dev.prefwork.core.Progress;
import dev.prefwork.core.Verdict;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.importer.Importer;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** Small workspaces built in the tests themselves: a JSONL written here, imported with the real importer. */
public final class TestData {

    /** Categories cycle through these; prompt i has category CATEGORIES[i % 3]. */
    public static final String[] CATEGORIES = {"coding", "writing", "math"};

    private TestData() {
    }

    /**
     * Writes {@code n} prompts ("p-00001" …) with two candidates each. Every 10th prompt (i % 10 == 0) mentions
     * "volcano"; categories cycle through {@link #CATEGORIES}.
     */
    public static Path writeJsonl(Path file, int n) {
        return writeJsonl(file, n, "p-");
    }

    /** As {@link #writeJsonl(Path, int)} with ids {@code prefix + "%05d"} (ids are unique in a workspace). */
    public static Path writeJsonl(Path file, int n, String prefix) {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < n; i++) {
                String topic = i % 10 == 0 ? "volcano" : "river";
                w.write(String.format("{\"id\":\"" + prefix + "%05d\",\"prompt\":\"Question %d about a %s: explain it.\",\"category\":\"%s\","
                                + "\"candidates\":[{\"text\":\"Short answer %d.\",\"model\":\"small-1b\"},"
                                + "{\"text\":\"A much longer answer number %d with more words in it.\",\"model\":\"big-70b\"}]}",
                        i, i, topic, CATEGORIES[i % 3], i, i));
                w.newLine();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** A workspace in {@code dir} holding {@code n} prompts from {@link #writeJsonl}. */
    public static Workspace workspace(Path dir, int n) {
        Workspace ws = Workspace.open(dir.resolve("ws"));
        Path file = writeJsonl(dir.resolve("prompts-" + n + ".jsonl"), n);
        new Importer(ws).importFile(file, Importer.Options.DETECT, Progress.NONE);
        return ws;
    }

    /**
     * A large workspace fast: the same prompts as {@link #writeJsonl} (two candidates each) written with JDBC batches in
     * one transaction, for tests about scale rather than import (the importer has its own tests and benchmark).
     */
    public static Workspace bulkWorkspace(Path dir, int n) {
        Workspace ws = Workspace.open(dir.resolve("ws"));
        try (Connection c = ws.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement d = c.prepareStatement(
                    "INSERT INTO dataset (id, name, format, imported_at) VALUES (1, 'bulk', 'candidates', CURRENT_TIMESTAMP)")) {
                d.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO prompt (id, dataset_id, source_id, text, category) VALUES (?, 1, ?, ?, ?)");
                 PreparedStatement k = c.prepareStatement("INSERT INTO candidate (prompt_id, position, text, model) VALUES (?, ?, ?, ?)")) {
                for (int i = 0; i < n; i++) {
                    long id = i + 1;
                    p.setLong(1, id);
                    p.setString(2, String.format("p-%05d", i));
                    p.setString(3, "Question " + i + " about a " + (i % 10 == 0 ? "volcano" : "river") + ": explain it.");
                    p.setString(4, CATEGORIES[i % 3]);
                    p.addBatch();
                    for (int pos = 0; pos < 2; pos++) {
                        k.setLong(1, id);
                        k.setInt(2, pos);
                        k.setString(3, pos == 0 ? "Short answer " + i + "." : "A much longer answer number " + i + " with more words in it.");
                        k.setString(4, pos == 0 ? "small-1b" : "big-70b");
                        k.addBatch();
                    }
                    if (i % 2000 == 1999) {
                        p.executeBatch();
                        k.executeBatch();
                    }
                }
                p.executeBatch();
                k.executeBatch();
            }
            c.commit();
        } catch (SQLException e) {
            ws.close();
            throw new IllegalStateException(e);
        }
        return ws;
    }

    /** Labels the first candidate of each given prompt (by source id) GOOD. */
    public static void label(Workspace ws, String... sourceIds) {
        for (String s : sourceIds) {
            long promptId = ws.prompts().bySourceId(s).orElseThrow().id();
            List<Candidate> cands = ws.candidates().forPrompt(promptId);
            ws.gold().setLabel(cands.get(0).id(), Verdict.GOOD, null);
        }
    }

    /** A candidates file whose line 2 has a single candidate (the importer needs two). */
    public static Path writeBadJsonl(Path file) {
        try {
            Files.writeString(file, """
                    {"id":"ok-1","prompt":"Fine","candidates":[{"text":"a"},{"text":"b"}]}
                    {"id":"bad-2","prompt":"Broken","candidates":[{"text":"only one"}]}
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
