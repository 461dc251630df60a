package dev.prefwork.app;

import dev.prefwork.app.ui.Workbench;
import dev.prefwork.app.ui.workspace.WorkspaceService;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.beans.value.ChangeListener;
import javafx.beans.value.ObservableValue;
import javafx.stage.Stage;

/**
 * The JavaFX application: hands the stage to the {@link Workbench} composition root. Start it through {@link Launcher}.
 * Its arguments are {@link StartArguments}: a workspace folder and/or a colleague bundle (what a desktop
 * double-click on a {@code .prefwork.zip} passes).
 */
public final class WorkbenchApp extends Application {

    private Workbench workbench;

    @Override
    public void start(Stage stage) {
        StartArguments args = StartArguments.parse(getParameters().getRaw());
        if (!args.ignored().isEmpty()) System.err.println("prefwork: ignoring the extra arguments " + args.ignored());
        // -Dprefwork.startStep=compare opens on a given step (screenshots, demos); else the step shown last
        String startStep = System.getProperty("prefwork.startStep");
        workbench = startWorkbench(stage, AppPaths.fromEnvironment(), args, true,
                startStep == null || startStep.isBlank() ? null : startStep.strip());
    }

    /**
     * Builds the workbench on {@code stage} for {@code args}: opens the workspace asked for (else the most recent,
     * else the demo) and, once it has opened (or failed to), offers the bundle for import.
     */
    static Workbench startWorkbench(Stage stage, AppPaths paths, StartArguments args, boolean rememberWindow, String startStep) {
        Workbench wb = new Workbench(paths, new Workbench.Options(args.workspace(), true, rememberWindow, startStep));
        wb.start(stage);
        if (args.bundle() != null) whenSettled(wb.workspaces(), () -> wb.importBundle(args.bundle()));
        return wb;
    }

    /** Runs {@code action} on the FX thread as soon as no workspace is opening any more. */
    static void whenSettled(WorkspaceService workspaces, Runnable action) {
        if (workspaces.stateProperty().get() != WorkspaceService.State.OPENING) {
            Platform.runLater(action);
            return;
        }
        workspaces.stateProperty().addListener(new ChangeListener<>() {
            @Override
            public void changed(ObservableValue<? extends WorkspaceService.State> o, WorkspaceService.State was,
                                WorkspaceService.State now) {
                if (now == WorkspaceService.State.OPENING) return;
                workspaces.stateProperty().removeListener(this);
                action.run();
            }
        });
    }

    @Override
    public void stop() {
        if (workbench != null) workbench.stop();
    }
}
