package dev.prefwork.app.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Finds a secret (the generation API key) in files: every file under a folder byte for byte, and the entries of
 * zip files (colleague bundles, backups) decompressed, since a deflated key would not show in the raw bytes.
 */
public final class LeakScan {

    private LeakScan() {
    }

    /** Where {@code secret} occurs under {@code root}: file paths, with "!entry" for a zip entry. */
    public static List<String> find(String secret, Path root) {
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        List<String> hits = new ArrayList<>();
        if (!Files.exists(root)) return hits;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (contains(Files.readAllBytes(f), needle)) hits.add(f.toString());
                if (f.getFileName().toString().toLowerCase().endsWith(".zip")) {
                    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(f))) {
                        for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                            if (contains(readBounded(zip), needle)) hits.add(f + "!" + e.getName());
                        }
                    } catch (IOException e) {
                        // not a zip after all, or a half-written one: its raw bytes were searched above
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return hits;
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        return in.readNBytes(256 << 20);
    }

    static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return true;
        }
        return false;
    }
}
