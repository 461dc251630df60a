package dev.prefwork.app;

import dev.prefwork.app.ui.Workbench;
import javafx.application.Application;
import javafx.stage.Stage;

import java.nio.file.Path;

/** The JavaFX application: hands the stage to the {@link Workbench} composition root. Start it through {@link Launcher}. */
public final class WorkbenchApp extends Application {

    private Workbench workbench;

    @Override
    public void start(Stage stage) {
        Path workspace = getParameters().getRaw().stream()
                .filter(a -> !a.startsWith("-"))
                .findFirst()
                .map(Path::of)
                .orElse(null);
        // -Dprefwork.startStep=compare opens on a given step (screenshots, demos); else the step shown last
        String startStep = System.getProperty("prefwork.startStep");
        workbench = new Workbench(AppPaths.fromEnvironment(), new Workbench.Options(workspace, true, true,
                startStep == null || startStep.isBlank() ? null : startStep.strip()));
        workbench.start(stage);
    }

    @Override
    public void stop() {
        if (workbench != null) workbench.stop();
    }
}
