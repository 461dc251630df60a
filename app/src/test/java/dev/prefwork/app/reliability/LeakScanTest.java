package dev.prefwork.app.reliability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The secret scanner the torture harness runs for {@link TortureOperation#secrets()}: it must see a key wherever it is. */
class LeakScanTest {

    @TempDir
    Path tmp;

    @Test
    void findsASecretInPlainFilesAndInsideDeflatedZipEntriesAndNowhereElse() throws IOException {
        String key = "sk-test-4f9a1c2b7e";
        Files.createDirectories(tmp.resolve("exports"));
        Files.writeString(tmp.resolve("exports/clean.jsonl"), "{\"prompt\":\"nothing to see\"}\n");
        Files.writeString(tmp.resolve("run.log"), "calling server with key " + key + "\n");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(tmp.resolve("exports/bundle.prefwork.zip")))) {
            zip.putNextEntry(new ZipEntry("manifest.json"));
            zip.write(("{\"settings\":{\"apiKey\":\"" + key + "\"},\"pad\":\"" + "x".repeat(5000) + "\"}").getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        assertThat(Files.readString(tmp.resolve("exports/bundle.prefwork.zip"), StandardCharsets.ISO_8859_1))
                .as("deflated: the raw bytes do not show it").doesNotContain(key);
        assertThat(LeakScan.find(key, tmp)).containsExactlyInAnyOrder(tmp.resolve("run.log").toString(),
                tmp.resolve("exports/bundle.prefwork.zip") + "!manifest.json");
        assertThat(LeakScan.find("sk-other", tmp)).isEmpty();
    }
}
