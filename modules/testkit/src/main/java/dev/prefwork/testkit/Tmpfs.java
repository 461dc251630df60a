package dev.prefwork.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted on a folder, for tests of a full disk and of a read-only one: it can be resized (filled
 * up, then given room again) and remounted read-only. Mounting needs root (or CAP_SYS_ADMIN); where it is not
 * allowed, {@link #mount} says why and the test skips.
 */
public final class Tmpfs implements AutoCloseable {

    private final Path dir;

    private Tmpfs(Path dir) {
        this.dir = dir;
    }

    /** The result of trying: the mount, or why there is none. */
    public record Attempt(Optional<Tmpfs> mount, String why) {
    }

    public static Attempt mount(Path dir, long bytes) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String out = run("mount", "-t", "tmpfs", "-o", "size=" + bytes + ",mode=0777", "tmpfs", dir.toString());
        if (out != null) return new Attempt(Optional.empty(), "cannot mount a tmpfs here (" + out.strip() + ")");
        return new Attempt(Optional.of(new Tmpfs(dir)), "");
    }

    public Path dir() {
        return dir;
    }

    /** Gives the file system a new size (smaller than what is used fails). */
    public void resize(long bytes) {
        check(run("mount", "-o", "remount,size=" + bytes, dir.toString()), "resize");
    }

    public void readOnly(boolean ro) {
        check(run("mount", "-o", "remount," + (ro ? "ro" : "rw"), dir.toString()), "remount");
    }

    /** Fills the free space but {@code leave} bytes with a file; returns it (delete it to free the space). */
    public Path fill(long leave) throws IOException {
        return fill(leave, "filler.bin");
    }

    /** As {@link #fill(long)} into the file {@code name}; a disk already fuller than that gets an empty file. */
    public Path fill(long leave, String name) throws IOException {
        Path filler = dir.resolve(name);
        long free = Files.getFileStore(dir).getUsableSpace();
        byte[] block = new byte[1 << 16];
        try (var out = Files.newOutputStream(filler)) {
            long written = 0;
            for (; written + block.length <= free - leave; written += block.length) out.write(block);
            // the last partial block too, so that "leave 0" leaves nothing
            if (free - leave - written > 0) out.write(block, 0, (int) (free - leave - written));
        }
        return filler;
    }

    @Override
    public void close() {
        if (run("umount", dir.toString()) != null) run("umount", "-l", dir.toString());
    }

    private static void check(String error, String what) {
        if (error != null) throw new IllegalStateException("tmpfs " + what + " failed: " + error);
    }

    /** Runs a command; null when it succeeded, else its output. */
    private static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timed out";
            }
            return p.exitValue() == 0 ? null : out.isBlank() ? "exit " + p.exitValue() : out;
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
