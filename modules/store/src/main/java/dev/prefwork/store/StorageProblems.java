package dev.prefwork.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.Locale;

/**
 * Storage failures the expert can act on — a full disk, a read-only folder — turned into messages that say so
 * and say that nothing already saved is lost (true: every write is one transaction, and a failed one is rolled
 * back or, when H2 cannot even write its rollback, discarded the next time the workspace opens).
 */
public final class StorageProblems {

    /** What the expert reads when the disk is full, after what failed. */
    public static final String DISK_FULL = "the disk is full. Free some space and try again;"
            + " everything saved before is kept (reopen the workspace if Prefwork says it was closed)";

    static final String READ_ONLY = "the workspace's disk or folder became read-only."
            + " Make it writable (or copy the workspace elsewhere) and reopen it; everything saved before is kept";

    /** After a failed write H2 closes the database; every later call says only "closed". */
    static final String CLOSED = "the workspace was closed after a storage error (a full disk, a removed drive)."
            + " Fix that and reopen the workspace; everything saved before is kept";

    /** H2's DATABASE_IS_CLOSED. */
    private static final int H2_DATABASE_IS_CLOSED = 90098;

    private StorageProblems() {
    }

    /** True when {@code t} or one of its causes says the disk is full (ENOSPC on Linux and macOS, Windows' wording). */
    public static boolean isDiskFull(Throwable t) {
        return anyMessage(t, "no space left on device", "not enough space on the disk", "disk quota exceeded");
    }

    /** True when a cause says the file system refused a write: a read-only mount or an immutable file. */
    public static boolean isReadOnly(Throwable t) {
        return anyMessage(t, "read-only file system", "operation not permitted", "access is denied");
    }

    /** A {@link StoreException} for a failed database call: the plain problem when it is one of these, else H2's message. */
    public static StoreException translate(String what, SQLException e) {
        String m = message(what, e);
        if (m == null && e.getErrorCode() == H2_DATABASE_IS_CLOSED) m = (what == null ? "" : what + ": ") + CLOSED;
        return new StoreException(m != null ? m : what == null ? e.getMessage() : what + ": " + e.getMessage(), e);
    }

    /** As {@link #translate} for a file operation. */
    public static RuntimeException io(String what, IOException e) {
        String m = message(what, e);
        if (m != null) return new StoreException(m, e);
        return new UncheckedIOException(what + ": " + e.getMessage(), e);
    }

    /** The plain message for a full disk or a read-only file system, else null. */
    private static String message(String what, Throwable e) {
        String prefix = what == null ? "" : what + ": ";
        if (isDiskFull(e)) return prefix + DISK_FULL;
        if (isReadOnly(e)) return prefix + READ_ONLY;
        return null;
    }

    private static boolean anyMessage(Throwable t, String... needles) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage();
            if (m == null) continue;
            String lower = m.toLowerCase(Locale.ROOT);
            for (String n : needles) if (lower.contains(n)) return true;
        }
        return false;
    }
}
