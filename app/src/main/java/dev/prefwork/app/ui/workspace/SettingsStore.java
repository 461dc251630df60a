package dev.prefwork.app.ui.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The workbench's preferences in {@code AppPaths.settingsFile()} (JSON): recent workspaces, theme, window size.
 * Keys it does not know are kept as they are, so other parts of the app can store their own settings in the
 * same file. A missing or unreadable file means defaults; writes replace the file atomically.
 */
public final class SettingsStore {

    public static final int MAX_RECENT = 10;
    public static final String THEME_LIGHT = "light";
    public static final String THEME_DARK = "dark";

    /** Window geometry the workbench restores. */
    public record WindowSize(double width, double height, boolean maximized) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private ObjectNode root;

    public SettingsStore(Path file) {
        this.file = file;
        this.root = read(file);
    }

    private static ObjectNode read(Path file) {
        try {
            if (Files.isRegularFile(file)) {
                JsonNode n = JSON.readTree(file.toFile());
                if (n instanceof ObjectNode o) return o;
            }
        } catch (IOException e) {
            System.err.println("prefwork: ignoring unreadable settings file " + file + ": " + e.getMessage());
        }
        return JSON.createObjectNode();
    }

    public Path file() {
        return file;
    }

    /** Most recent first. */
    public synchronized List<Path> recentWorkspaces() {
        List<Path> out = new ArrayList<>();
        JsonNode arr = root.get("recentWorkspaces");
        if (arr != null && arr.isArray()) {
            for (JsonNode n : arr) {
                if (n.isTextual() && !n.asText().isBlank()) out.add(Path.of(n.asText()));
            }
        }
        return out;
    }

    public synchronized void addRecent(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        List<Path> list = recentWorkspaces();
        list.remove(abs);
        list.add(0, abs);
        writeRecent(list.subList(0, Math.min(MAX_RECENT, list.size())));
    }

    public synchronized void removeRecent(Path dir) {
        List<Path> list = recentWorkspaces();
        if (list.remove(dir.toAbsolutePath().normalize())) writeRecent(list);
    }

    public synchronized void clearRecent() {
        writeRecent(List.of());
    }

    private void writeRecent(List<Path> list) {
        ArrayNode arr = root.putArray("recentWorkspaces");
        list.forEach(p -> arr.add(p.toString()));
        save();
    }

    public synchronized String theme() {
        JsonNode t = root.get("theme");
        return t != null && THEME_DARK.equals(t.asText()) ? THEME_DARK : THEME_LIGHT;
    }

    public synchronized void setTheme(String theme) {
        root.put("theme", THEME_DARK.equals(theme) ? THEME_DARK : THEME_LIGHT);
        save();
    }

    public synchronized Optional<WindowSize> windowSize() {
        JsonNode w = root.get("window");
        if (w == null || !w.isObject()) return Optional.empty();
        double width = w.path("width").asDouble(0);
        double height = w.path("height").asDouble(0);
        if (width < 200 || height < 150) return Optional.empty();
        return Optional.of(new WindowSize(width, height, w.path("maximized").asBoolean(false)));
    }

    public synchronized void setWindowSize(WindowSize size) {
        ObjectNode w = root.putObject("window");
        w.put("width", size.width());
        w.put("height", size.height());
        w.put("maximized", size.maximized());
        save();
    }

    /** A plain string setting (e.g. the last folder a file was imported from); null when unset. */
    public synchronized String get(String key) {
        JsonNode n = root.get(key);
        return n != null && n.isTextual() ? n.asText() : null;
    }

    public synchronized void put(String key, String value) {
        if (value == null) root.remove(key);
        else root.put(key, value);
        save();
    }

    private void save() {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), root);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // preferences are a convenience: a read-only home must not stop the work
            System.err.println("prefwork: cannot save settings to " + file + ": " + e.getMessage());
        }
    }
}
