package dev.prefwork.app.reliability;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a torture child tells the test about its work, one line per event: {@code begin} before a durable step,
 * {@code ack} once the step returned (committed: what the expert would have seen acknowledged). Each line is one
 * {@code write(2)} of an unbuffered file, so a kill -9 loses at most the line being written and never leaves a
 * line that parses half; the test reads complete lines only. Fields are tab-separated and must hold no tab or
 * line break.
 */
public final class Journal implements AutoCloseable {

    /** One line: its kind (begin, ack, ready …) and its fields. */
    public record Entry(String kind, List<String> fields) {
        public String field(int i) {
            return fields.get(i);
        }

        public long longField(int i) {
            return Long.parseLong(fields.get(i));
        }

        @Override
        public String toString() {
            return kind + " " + String.join(" ", fields);
        }
    }

    private final FileOutputStream out;

    private Journal(FileOutputStream out) {
        this.out = out;
    }

    public static Journal append(Path file) {
        try {
            return new Journal(new FileOutputStream(file.toFile(), true));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Before a step whose effect the test must find either complete or absent. */
    public void begin(Object... fields) {
        write("begin", fields);
    }

    /** After the step returned: the test must find its effect. */
    public void ack(Object... fields) {
        write("ack", fields);
    }

    public void write(String kind, Object... fields) {
        StringBuilder sb = new StringBuilder(kind);
        for (Object f : fields) {
            String s = String.valueOf(f);
            if (s.indexOf('\t') >= 0 || s.indexOf('\n') >= 0) throw new IllegalArgumentException("a journal field holds a tab or newline: " + s);
            sb.append('\t').append(s);
        }
        sb.append('\n');
        try {
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8)); // one write(2): whole or not at all
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The complete lines of a journal file (a line cut by the kill is dropped). */
    public static List<Entry> read(Path file) {
        if (!Files.exists(file)) return List.of();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Entry> out = new ArrayList<>();
        int start = 0;
        for (int nl = text.indexOf('\n'); nl >= 0; start = nl + 1, nl = text.indexOf('\n', start)) {
            String[] parts = text.substring(start, nl).split("\t", -1);
            out.add(new Entry(parts[0], List.of(Arrays.copyOfRange(parts, 1, parts.length))));
        }
        return out;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
