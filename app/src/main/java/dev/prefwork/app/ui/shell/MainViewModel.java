package dev.prefwork.app.ui.shell;

import dev.prefwork.app.ui.common.Fmt;
import dev.prefwork.app.ui.workspace.SettingsStore;
import dev.prefwork.app.ui.workspace.WorkspaceService;
import dev.prefwork.core.WorkspaceStats;
import dev.prefwork.store.Workspace;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/** The main window's own state: the workspace's name and counts for the top and status bars, and the theme. */
public final class MainViewModel {

    private final WorkspaceService workspaces;
    private final SettingsStore settings;
    private final StringBinding workspaceName;
    private final StringBinding workspacePath;
    private final StringBinding countsText;
    private final StringProperty theme = new SimpleStringProperty(this, "theme");
    private final ReadOnlyObjectWrapper<Long> openedPrompt = new ReadOnlyObjectWrapper<>(this, "openedPrompt");
    private final java.util.List<java.util.function.LongConsumer> promptOpenedListeners = new java.util.ArrayList<>();

    public MainViewModel(WorkspaceService workspaces, SettingsStore settings) {
        this.workspaces = workspaces;
        this.settings = settings;
        theme.set(settings.theme());
        theme.addListener((o, a, b) -> settings.setTheme(b));
        workspaceName = Bindings.createStringBinding(() -> {
            Workspace ws = workspaces.workspace();
            if (ws != null) return WorkspaceService.displayName(ws.dir());
            return workspaces.stateProperty().get() == WorkspaceService.State.OPENING ? "Opening…" : "No workspace";
        }, workspaces.workspaceProperty(), workspaces.stateProperty());
        workspacePath = Bindings.createStringBinding(() -> {
            Workspace ws = workspaces.workspace();
            return ws == null ? "" : ws.dir().toString();
        }, workspaces.workspaceProperty());
        countsText = Bindings.createStringBinding(() -> counts(workspaces.workspace(), workspaces.stateProperty().get(),
                workspaces.countsProperty().get()), workspaces.workspaceProperty(), workspaces.stateProperty(), workspaces.countsProperty());
    }

    static String counts(Workspace ws, WorkspaceService.State state, WorkspaceStats.Counts c) {
        if (ws == null) return state == WorkspaceService.State.OPENING ? "Opening workspace…" : "No workspace open";
        if (c == null) return "Counting…";
        return Fmt.count(c.prompts(), "prompt") + "  ·  " + Fmt.count(c.candidates(), "candidate") + "  ·  "
                + Fmt.count(c.labelledPrompts()) + " labelled";
    }

    public StringBinding workspaceNameProperty() { return workspaceName; }

    public StringBinding workspacePathProperty() { return workspacePath; }

    /** "80 prompts · 400 candidates · 27 labelled". */
    public StringBinding countsTextProperty() { return countsText; }

    /** "light" or "dark", persisted. */
    public StringProperty themeProperty() { return theme; }

    public boolean isDark() { return SettingsStore.THEME_DARK.equals(theme.get()); }

    public void toggleTheme() {
        theme.set(isDark() ? SettingsStore.THEME_LIGHT : SettingsStore.THEME_DARK);
    }

    /** The id of the last prompt the user asked to open; null before any. */
    public ReadOnlyObjectProperty<Long> openedPromptProperty() { return openedPrompt.getReadOnlyProperty(); }

    /**
     * Called with the prompt's id every time the user opens a prompt (double-click or Enter in the Prompts step),
     * the same prompt twice included: an event, where {@link #openedPromptProperty()} only changes.
     */
    public void addPromptOpenedListener(java.util.function.LongConsumer listener) {
        promptOpenedListeners.add(java.util.Objects.requireNonNull(listener));
    }

    void promptOpened(long promptId) {
        openedPrompt.set(promptId);
        for (var l : promptOpenedListeners) l.accept(promptId);
    }

    public WorkspaceService workspaces() { return workspaces; }
}
