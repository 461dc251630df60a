package dev.prefwork.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small import files written by the tests themselves. */
public final class Fixtures {

    private Fixtures() {
    }

    /** {@code prompts} prompts with {@code candidates} candidates each, ids p-1.., categories cat-a / cat-b. */
    public static Path candidatesFile(Path dir, String name, int prompts, int candidates) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int p = 1; p <= prompts; p++) {
            sb.append("{\"id\":\"").append(name).append("-p-").append(p).append("\",\"prompt\":\"Question number ").append(p)
                    .append("?\",\"category\":\"").append(p % 2 == 0 ? "cat-b" : "cat-a").append("\",\"candidates\":[");
            for (int c = 0; c < candidates; c++) {
                if (c > 0) sb.append(',');
                sb.append("{\"text\":\"Answer ").append(c).append(" to question ").append(p).append("\",\"model\":\"m").append(c).append("\"}");
            }
            sb.append("]}\n");
        }
        return write(dir, name, sb.toString());
    }

    public static Path write(Path dir, String name, String content) throws IOException {
        return write(dir, name, content.getBytes(StandardCharsets.UTF_8));
    }

    public static Path write(Path dir, String name, byte[] content) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content);
        return f;
    }
}
