package dev.prefwork.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The machine and JVM a benchmark ran on, for the record in docs/BENCHMARKS.md. */
final class Env {

    private Env() {
    }

    static String now() {
        return ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
    }

    static int cpus() {
        return Runtime.getRuntime().availableProcessors();
    }

    static String cpuModel() {
        return procLine(Path.of("/proc/cpuinfo"), "model name").map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown CPU");
    }

    static String memory() {
        return procLine(Path.of("/proc/meminfo"), "MemTotal").map(l -> {
            long kb = Long.parseLong(l.replaceAll("[^0-9]", ""));
            return String.format(Locale.ROOT, "%.0f GiB RAM", kb / 1024.0 / 1024.0);
        }).orElse("? RAM");
    }

    static String java() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    }

    static String jvmArgs() {
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        return args.isEmpty() ? "(none)" : String.join(" ", args);
    }

    static long maxHeap() {
        return Runtime.getRuntime().maxMemory();
    }

    /** The 1-minute load average: above ~1 on this 2-core machine means someone else was busy too. */
    static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static String summary() {
        return String.format(Locale.ROOT, "%s · %d CPUs (`nproc`; %s) · %s · %s · JVM args `%s` (max heap %s, %s)",
                now(), cpus(), cpuModel(), memory(), java(), jvmArgs(), Fmt.mib(maxHeap()), HeapMonitor.gcNames());
    }

    private static Optional<String> procLine(Path file, String prefix) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith(prefix)).findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
