package dev.prefwork.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * CPU accounting for one measured phase, so a number taken on a shared 2-core machine can be judged: the
 * measuring thread's own CPU time (barely moved by other processes), this JVM's CPU time (GC and H2 threads
 * included) and what everything else on the machine burned meanwhile (from /proc/stat, Linux only).
 */
final class CpuMeter {

    record Usage(double wallSeconds, double threadCpuSeconds, double processCpuSeconds, double othersCores) {
        String describe() {
            return String.format(Locale.ROOT, "wall %s, this thread %s CPU, JVM %s CPU, other processes %.1f cores",
                    Fmt.secs(wallSeconds), Fmt.secs(threadCpuSeconds), Fmt.secs(processCpuSeconds), othersCores);
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Path PROC_STAT = Path.of("/proc/stat");
    /** USER_HZ: /proc/stat counts in 1/100 s on every Linux this runs on. */
    private static final double TICK = 0.01;

    private final long wall0 = System.nanoTime();
    private final long thread0 = THREADS.getCurrentThreadCpuTime();
    private final long process0 = processCpu();
    private final double busy0 = machineBusySeconds();

    static CpuMeter start() {
        return new CpuMeter();
    }

    Usage stop() {
        double wall = (System.nanoTime() - wall0) / 1e9;
        double thread = (THREADS.getCurrentThreadCpuTime() - thread0) / 1e9;
        double process = (processCpu() - process0) / 1e9;
        double busy = machineBusySeconds() - busy0;
        double others = Double.isNaN(busy) || wall <= 0 ? Double.NaN : Math.max(0, (busy - process) / wall);
        return new Usage(wall, thread, process, others);
    }

    /**
     * Waits (at most {@code maxSeconds}) until the rest of the machine uses under {@code maxCores} cores over
     * a 3-second window, so a run does not start in the middle of someone else's build. Returns the last reading.
     */
    static double waitForQuiet(double maxCores, int maxSeconds) {
        long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
        double others;
        do {
            CpuMeter m = start();
            try {
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Double.NaN;
            }
            others = m.stop().othersCores();
            if (Double.isNaN(others) || others < maxCores) return others;
            System.err.printf(Locale.ROOT, "  waiting for a quieter machine: other processes use %.1f cores%n", others);
        } while (System.nanoTime() < deadline);
        return others;
    }

    private static long processCpu() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    private static double machineBusySeconds() {
        try {
            for (String line : Files.readAllLines(PROC_STAT)) {
                if (!line.startsWith("cpu ")) continue;
                String[] f = line.trim().split("\\s+");
                long total = 0;
                for (int i = 1; i < Math.min(f.length, 9); i++) total += Long.parseLong(f[i]); // user … steal
                long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]); // idle + iowait
                return (total - idle) * TICK;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no machine-wide figure
        }
        return Double.NaN;
    }
}
