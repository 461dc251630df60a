package dev.prefwork.app.ui.shell;

import javafx.beans.binding.BooleanExpression;

/** What any view may ask the main window to do (buttons on empty states, shortcuts). */
public interface WorkbenchActions {

    /** Open workspace… (a folder chooser). */
    void openWorkspace();

    /** New workspace… (name and location). */
    void newWorkspace();

    void openDemoWorkspace();

    /** Import… (a file chooser, then the import as a background task). */
    void importFile();

    /** True while Import… can be used (a workspace is open, no import is running). */
    BooleanExpression canImport();

    /** Shows the pipeline step with this id. */
    void showStep(String stepId);
}
