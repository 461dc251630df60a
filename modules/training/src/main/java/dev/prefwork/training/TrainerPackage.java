package dev.prefwork.training;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The Python trainer ({@code assets/trainer}) as this jar carries it: the {@code prefwork_trainer} package and
 * {@code launch.sh}. Every run folder gets its own copy ({@code trainer/prefwork_trainer/}), so a run keeps the
 * trainer it was started with and its folder runs anywhere; the environment check and the tiny-model maker use
 * a copy installed once per content version under a tools folder.
 */
public final class TrainerPackage {

    /** The module name: {@code python -m prefwork_trainer}. */
    public static final String MODULE = "prefwork_trainer";

    /** The package's files (a test keeps this list equal to assets/trainer/prefwork_trainer). */
    public static final List<String> FILES = List.of("__init__.py", "__main__.py", "checkpoint.py", "config.py", "data.py",
            "envcheck.py", "generate.py", "lora.py", "losses.py", "models.py", "reference.py", "stream.py", "tiny.py", "train.py");

    public static final String LAUNCH_SCRIPT = "launch.sh";

    /** Exit codes of the trainer (prefwork_trainer/__init__.py). */
    public static final int EXIT_FINISHED = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_BAD_INPUT = 2;
    public static final int EXIT_STOPPED = 3;

    private static final String RESOURCES = "/dev/prefwork/training/trainer/";

    private TrainerPackage() {
    }

    private static byte[] resource(String name) {
        try (InputStream in = TrainerPackage.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) throw new IllegalStateException("the trainer resource " + name + " is missing from the build");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code <parent>/prefwork_trainer/*.py}; returns {@code parent} (what PYTHONPATH names). */
    public static Path writePackage(Path parent) throws IOException {
        Path pkg = parent.resolve(MODULE);
        Files.createDirectories(pkg);
        for (String f : FILES) writeAtomically(pkg.resolve(f), resource(MODULE + "/" + f));
        return parent;
    }

    /** Writes the launch script, executable. */
    public static void writeLaunchScript(Path target) throws IOException {
        writeAtomically(target, resource(LAUNCH_SCRIPT));
        try {
            Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(target));
            perms.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE));
            Files.setPosixFilePermissions(target, perms);
        } catch (UnsupportedOperationException e) {
            target.toFile().setExecutable(true);
        }
    }

    /** A hash of the package's content: a copy installed under this name is this version. */
    public static String contentVersion() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String f : FILES) sha.update(resource(MODULE + "/" + f));
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The package installed under {@code toolsDir/trainer-<version>/} (written once; a second process finds it
     * complete or writes its own copy over the same bytes). Returns the folder to put on PYTHONPATH.
     */
    public static Path install(Path toolsDir) {
        Path dir = toolsDir.resolve("trainer-" + contentVersion());
        try {
            if (!Files.isRegularFile(dir.resolve(MODULE).resolve(FILES.get(FILES.size() - 1)))) writePackage(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the trainer under " + toolsDir + ": " + e.getMessage(), e);
        }
    }

    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
