package dev.prefwork.app.ui.workspace;

import dev.prefwork.app.ui.common.Fmt;
import dev.prefwork.app.ui.common.Notifier;
import dev.prefwork.app.ui.task.BackgroundTask;
import dev.prefwork.app.ui.task.ErrorMessages;
import dev.prefwork.app.ui.task.TaskExecutor;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.importer.ImportFormat;
import dev.prefwork.store.importer.Importer;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import java.nio.file.Path;

/**
 * Import… : one file into the open workspace as a background task (format detected from the file), then a
 * summary, or the error naming file, line and field. A successful import tells the workspace its data changed.
 */
public final class ImportViewModel {

    private final WorkspaceService workspaces;
    private final TaskExecutor executor;
    private final Notifier notifier;

    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running");
    private final ReadOnlyObjectWrapper<Importer.Result> lastResult = new ReadOnlyObjectWrapper<>(this, "lastResult");
    private final ReadOnlyStringWrapper lastError = new ReadOnlyStringWrapper(this, "lastError");
    private final BooleanBinding canImport;
    private TaskExecutor.TaskHandle handle = TaskExecutor.TaskHandle.DONE;

    public ImportViewModel(WorkspaceService workspaces, TaskExecutor executor, Notifier notifier) {
        this.workspaces = workspaces;
        this.executor = executor;
        this.notifier = notifier;
        this.canImport = Bindings.createBooleanBinding(() -> workspaces.workspace() != null && !running.get(),
                workspaces.workspaceProperty(), running);
    }

    public ReadOnlyBooleanProperty runningProperty() { return running.getReadOnlyProperty(); }

    public ReadOnlyObjectProperty<Importer.Result> lastResultProperty() { return lastResult.getReadOnlyProperty(); }

    /** The last import's error as the user saw it; null after a success. */
    public ReadOnlyStringProperty lastErrorProperty() { return lastError.getReadOnlyProperty(); }

    /** A workspace is open and no import is running. */
    public BooleanBinding canImportProperty() { return canImport; }

    public void importFile(Path file) {
        Workspace ws = workspaces.workspace();
        if (ws == null || running.get()) return;
        running.set(true);
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        handle = executor.execute(BackgroundTask.of("Importing " + name,
                        p -> new Importer(ws).importFile(file, Importer.Options.DETECT, p))
                .onSuccess(r -> {
                    lastResult.set(r);
                    lastError.set(null);
                    notifier.success("Import finished", summary(r, name));
                    if (workspaces.workspace() == ws) workspaces.dataChanged();
                })
                .onFailure(e -> {
                    lastError.set(ErrorMessages.userMessage(e));
                    notifier.error("Import of " + name + " failed; nothing was imported", e);
                })
                .onCancelled(() -> notifier.info("Import cancelled", "Nothing was imported from " + name + "."))
                .onFinished(() -> running.set(false)));
    }

    public void cancel() {
        handle.cancel();
    }

    /** "Imported 80 prompts and 400 candidates from x.jsonl as dataset 'x' (candidates JSONL)." */
    public static String summary(Importer.Result r, String fileName) {
        StringBuilder sb = new StringBuilder("Imported ").append(Fmt.count(r.prompts(), "prompt"));
        if (r.candidates() > 0) sb.append(" and ").append(Fmt.count(r.candidates(), "candidate"));
        if (r.pairs() > 0) sb.append(" (").append(Fmt.count(r.pairs(), "preference pair")).append(')');
        sb.append(" from ").append(fileName).append(" as dataset '").append(r.dataset().name()).append("' (")
                .append(formatName(r.format())).append(").");
        return sb.toString();
    }

    public static String formatName(ImportFormat f) {
        return switch (f) {
            case CANDIDATES -> "candidates JSONL";
            case CSV -> "CSV";
            case TRL -> "TRL pairs";
            case PROMPTS -> "prompt-only JSONL";
        };
    }
}
