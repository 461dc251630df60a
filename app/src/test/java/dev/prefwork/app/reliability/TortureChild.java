package dev.prefwork.app.reliability;

import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The child JVM of {@link CrashTortureTest}: runs one {@link Operation} on the real services until it is killed.
 * Arguments: operation, workspace folder, scratch folder, journal file, seed, user data folder, run token.
 * Exit 3 means the operation returned, which it must never do (the test then fails with this process's output).
 */
public final class TortureChild {

    static final String READY = "torture-child-ready";

    private TortureChild() {
    }

    public static void main(String[] args) throws Exception {
        Operation op = Operation.valueOf(args[0]);
        try (Journal journal = Journal.append(Path.of(args[3]))) {
            TortureOperation.ChildContext ctx = new TortureOperation.ChildContext(Path.of(args[1]), Path.of(args[2]),
                    Path.of(args[5]), journal, new SplittableRandom(Long.parseLong(args[4])), args[6]);
            op.create().work(ctx);
        }
        System.out.println("torture-child: " + op + " returned, which it must not");
        System.exit(3);
    }
}
