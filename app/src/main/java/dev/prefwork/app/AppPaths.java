package dev.prefwork.app;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where Prefwork keeps per-user data: the demo workspace, the recent-workspace list, preferences, DJL's cache.
 * The OS's conventional place ($XDG_DATA_HOME or ~/.local/share on Linux, %APPDATA% on Windows,
 * ~/Library/Application Support on macOS); {@code -Dprefwork.home} or {@code PREFWORK_HOME} overrides it
 * (tests and portable installs use that).
 */
public record AppPaths(Path home) {

    public static AppPaths fromEnvironment() {
        return new AppPaths(resolveHome(System.getProperty("prefwork.home"), System.getenv(), System.getProperty("os.name", ""),
                System.getProperty("user.home")));
    }

    static Path resolveHome(String property, Map<String, String> env, String osName, String userHome) {
        if (property != null && !property.isBlank()) return Path.of(property);
        String override = env.get("PREFWORK_HOME");
        if (override != null && !override.isBlank()) return Path.of(override);
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            String appData = env.get("APPDATA");
            return (appData != null ? Path.of(appData) : Path.of(userHome, "AppData", "Roaming")).resolve("Prefwork");
        }
        if (os.startsWith("mac")) {
            return Path.of(userHome, "Library", "Application Support", "Prefwork");
        }
        String xdg = env.get("XDG_DATA_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(userHome, ".local", "share")).resolve("prefwork");
    }

    /** The demo workspace, built from the bundled assets on first start. */
    public Path demoWorkspace() {
        return home.resolve("workspaces").resolve("demo");
    }

    /** Recently opened workspaces and window preferences. */
    public Path settingsFile() {
        return home.resolve("settings.json");
    }

    /** Where the Python trainer is unpacked for the environment check and the tiny test model. */
    public Path trainerTools() {
        return home.resolve("trainer");
    }

    /** DJL's model cache (kept out of ~/.djl.ai so an installed app writes only under its own folder). */
    public Path djlCache() {
        return home.resolve("djl-cache");
    }
}
