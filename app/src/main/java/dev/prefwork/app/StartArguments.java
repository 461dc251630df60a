package dev.prefwork.app;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the workbench was asked to open: the command line of {@code Prefwork [workspace] [bundle.prefwork.zip]}.
 * A desktop double-click on a colleague bundle starts the app with that file's path (or a {@code file:} URI),
 * so any argument named {@code *.prefwork.zip} is the bundle to import; the first other argument is the
 * workspace folder. Options ({@code -…}) are left to JavaFX. Arguments beyond those two are reported in
 * {@link #ignored()}, never silently opened.
 *
 * @param workspace the workspace to open, or null for the most recent one (the demo on first start)
 * @param bundle    a colleague bundle to offer for import once the workspace is open, or null
 * @param ignored   further arguments that were not used
 */
public record StartArguments(Path workspace, Path bundle, List<String> ignored) {

    public static final String BUNDLE_SUFFIX = ".prefwork.zip";

    public StartArguments {
        ignored = List.copyOf(ignored);
    }

    public static StartArguments parse(List<String> raw) {
        Path workspace = null;
        Path bundle = null;
        List<String> ignored = new ArrayList<>();
        for (String arg : raw) {
            if (arg == null || arg.isBlank() || arg.startsWith("-")) continue;
            Path path = toPath(arg.strip());
            if (isBundle(path)) {
                if (bundle == null) bundle = path;
                else ignored.add(arg);
            } else if (workspace == null) {
                workspace = path;
            } else {
                ignored.add(arg);
            }
        }
        return new StartArguments(workspace, bundle, ignored);
    }

    /** True for a file named {@code *.prefwork.zip} (any case: Windows and macOS file names are case-insensitive). */
    public static boolean isBundle(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(BUNDLE_SUFFIX);
    }

    /** Desktop launchers may pass {@code file:///…} URIs instead of paths. */
    private static Path toPath(String arg) {
        if (arg.regionMatches(true, 0, "file:", 0, 5)) {
            try {
                return Path.of(URI.create(arg));
            } catch (IllegalArgumentException e) {
                // not a well-formed file URI: treat it as a plain name
            }
        }
        return Path.of(arg);
    }
}
