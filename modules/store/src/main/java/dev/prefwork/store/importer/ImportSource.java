package dev.prefwork.store.importer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** What an import reads: a name for messages, a size for progress, and a way to open it (it is read twice). */
public interface ImportSource {

    String name();

    /** Bytes, or -1 when unknown. */
    long size();

    InputStream open() throws IOException;

    static ImportSource of(Path file) {
        Objects.requireNonNull(file);
        return new ImportSource() {
            @Override public String name() { return file.toString(); }
            @Override public long size() {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    return -1;
                }
            }
            @Override public InputStream open() throws IOException { return Files.newInputStream(file); }
        };
    }

    /** A classpath resource of {@code owner}'s class loader (the demo workspace ships this way). */
    static ImportSource ofResource(Class<?> owner, String resource) {
        return new ImportSource() {
            @Override public String name() { return resource.substring(resource.lastIndexOf('/') + 1); }
            @Override public long size() { return -1; }
            @Override public InputStream open() throws IOException {
                InputStream in = owner.getResourceAsStream(resource);
                if (in == null) throw new IOException("resource not found: " + resource);
                return in;
            }
        };
    }
}
