package dev.prefwork.bench;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A JFR sampling profile of one measured phase, boiled down to where the time went: samples of the measuring
 * thread grouped by importer phase (first matching frame wins), plus the hottest methods inclusive and self.
 */
final class Profiler implements AutoCloseable {

    /** Phases, in priority order: a sample belongs to the first whose method appears anywhere on its stack. */
    private static final String[][] PHASES = {
            {"SHA-256 pass over the file", "dev.prefwork.store.importer.Importer.sha256"},
            {"format detection (first line)", "dev.prefwork.store.importer.Importer.detect"},
            {"commit", "org.h2.jdbc.JdbcConnection.commit"},
            {"insert prompt (one row, generated key)", "dev.prefwork.store.importer.ImportWriter.prompt"},
            {"insert candidates (batches of 1,000)", "dev.prefwork.store.importer.ImportWriter.candidate",
                    "dev.prefwork.store.importer.ImportWriter.flushCandidates", "dev.prefwork.store.importer.ImportWriter.finish"},
            {"JSON parse (Jackson readTree)", "dev.prefwork.store.importer.Importer.parse"},
            {"read + UTF-8 decode lines", "dev.prefwork.store.importer.Utf8Lines.next"},
            {"field validation", "dev.prefwork.store.importer.JsonFields"},
            {"dataset row, name lookup", "dev.prefwork.store.importer.ImportWriter.createDataset",
                    "dev.prefwork.store.importer.ImportWriter.uniqueDatasetName", "dev.prefwork.store.DatasetRepository"},
    };

    private final Recording recording;
    private final Path file;
    private final String thread;

    private Profiler(Path file) {
        try {
            this.recording = new Recording(Configuration.getConfiguration("profile"));
        } catch (IOException | ParseException e) {
            throw new IllegalStateException("JFR profile settings unavailable: " + e.getMessage(), e);
        }
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
        this.file = file;
        this.thread = Thread.currentThread().getName();
        recording.start();
    }

    static Profiler start(Path file) {
        return new Profiler(file);
    }

    /** Stops recording and returns a Markdown summary; also prints the long version to stdout. */
    String stop(String title) {
        recording.stop();
        try {
            recording.dump(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        recording.close();
        Map<String, Integer> phases = new LinkedHashMap<>();
        for (String[] p : PHASES) phases.put(p[0], 0);
        phases.put("other", 0);
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        int total = 0;
        try (RecordingFile rf = new RecordingFile(file)) {
            while (rf.hasMoreEvents()) {
                RecordedEvent e = rf.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample")) continue;
                String t = e.getThread("sampledThread") != null ? e.getThread("sampledThread").getJavaName() : "?";
                threads.merge(t, 1, Integer::sum);
                if (!thread.equals(t)) continue;
                RecordedStackTrace st = e.getStackTrace();
                if (st == null) continue;
                total++;
                List<String> names = new ArrayList<>();
                for (RecordedFrame f : st.getFrames()) {
                    RecordedMethod m = f.getMethod();
                    names.add(m.getType().getName() + "." + m.getName());
                }
                if (!names.isEmpty()) self.merge(names.get(0), 1, Integer::sum);
                Set<String> seen = new HashSet<>(names);
                for (String n : seen) inclusive.merge(n, 1, Integer::sum);
                phases.merge(phaseOf(names), 1, Integer::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int n = Math.max(1, total);
        StringBuilder md = new StringBuilder();
        md.append("Where the time goes (").append(title).append("; JFR, ").append(Fmt.count(total))
                .append(" samples of the importing thread at 10 ms):\n\n| Phase | Share |\n|---|---:|\n");
        phases.entrySet().stream().filter(en -> en.getValue() > 0).sorted((a, b) -> b.getValue() - a.getValue())
                .forEach(en -> md.append("| ").append(en.getKey()).append(" | ").append(pct(en.getValue(), n)).append(" |\n"));

        StringBuilder log = new StringBuilder("\n--- profile: " + title + " ---\nthreads sampled: " + threads + "\n");
        log.append(md).append("\nhottest methods, inclusive:\n");
        top(inclusive, 45).forEach(en -> log.append(String.format(Locale.ROOT, "  %6s  %s%n", pct(en.getValue(), n), en.getKey())));
        log.append("hottest methods, self:\n");
        top(self, 30).forEach(en -> log.append(String.format(Locale.ROOT, "  %6s  %s%n", pct(en.getValue(), n), en.getKey())));
        System.out.println(log);
        return md.toString();
    }

    private static String phaseOf(List<String> frames) {
        for (String[] p : PHASES) {
            for (int i = 1; i < p.length; i++) {
                for (String f : frames) {
                    if (f.startsWith(p[i])) return p[0];
                }
            }
        }
        return "other";
    }

    private static List<Map.Entry<String, Integer>> top(Map<String, Integer> m, int k) {
        return m.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(k).toList();
    }

    private static String pct(int x, int n) {
        return String.format(Locale.ROOT, "%.1f %%", 100.0 * x / n);
    }

    @Override
    public void close() {
        recording.close();
    }
}
