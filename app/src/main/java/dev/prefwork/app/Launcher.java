package dev.prefwork.app;

import javafx.application.Application;

/**
 * Starts the workbench window. A plain class (not an {@code Application}) so that the app runs from a class
 * path without JavaFX's module check; {@code prefwork open [workspace]} and {@code mvn javafx:run} come here.
 *
 * <p>Usage: {@code Launcher [workspace-folder]}. Without a folder the most recent workspace opens, or on first
 * start the demo workspace (built then).
 */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) {
        // DJL must never try the network (model hub, telemetry): DESIGN §15.
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        if (System.getenv("DJL_CACHE_DIR") == null) {
            setIfAbsent("DJL_CACHE_DIR", AppPaths.fromEnvironment().djlCache().toString());
        }
        Application.launch(WorkbenchApp.class, args);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }
}
