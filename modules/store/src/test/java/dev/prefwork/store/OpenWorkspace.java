package dev.prefwork.store;

import java.nio.file.Path;
import java.util.Arrays;

/** Child-process helper for tests: opens (and so migrates) a workspace with extra migration locations, says "open", exits. */
public final class OpenWorkspace {
    public static void main(String[] args) {
        try (Workspace ws = Workspace.open(Path.of(args[0]), Arrays.copyOfRange(args, 1, args.length))) {
            System.out.println("open");
        }
    }
}
