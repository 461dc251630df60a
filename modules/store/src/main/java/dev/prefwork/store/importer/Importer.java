package dev.prefwork.store.importer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prefwork.core.Dataset;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.store.Jdbc;
import dev.prefwork.store.StorageProblems;
import dev.prefwork.store.Workspace;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Imports one file into the workspace as one dataset, in one transaction: a file with any bad record imports
 * nothing, and the error names file, line, field and what was expected. Files are streamed (memory grows with
 * the number of prompt ids, not with the texts), hashed first so importing the same file twice is refused.
 */
public final class Importer {

    /** @param format null to detect from the file; @param datasetName null to name the dataset after the file */
    public record Options(ImportFormat format, String datasetName) {
        public static final Options DETECT = new Options(null, null);
    }

    public record Result(Dataset dataset, ImportFormat format, int prompts, int candidates, int pairs) {
    }

    private final Workspace workspace;

    public Importer(Workspace workspace) {
        this.workspace = workspace;
    }

    public Result importFile(Path file, Options options, Progress progress) {
        return importSource(ImportSource.of(file), options, progress);
    }

    public Result importSource(ImportSource source, Options options, Progress progress) {
        String sha = sha256(source, progress);
        workspace.datasets().bySha256(sha).ifPresent(d -> {
            throw new InputException(source.name(), 0, null, "this file was already imported on "
                    + d.importedAt().toString().substring(0, 10) + " as dataset '" + d.name() + "'; nothing was imported");
        });
        ImportFormat format = options.format() != null ? options.format() : detect(source);
        String baseName = options.datasetName() != null ? options.datasetName().strip() : stem(source.name());
        try (Connection c = workspace.connection()) {
            c.setAutoCommit(false);
            try {
                Result r = write(c, source, sha, format, baseName, options.format() == null, progress);
                Jdbc.commitDurably(c);
                return new Result(workspace.datasets().get(r.dataset().id()).orElseThrow(), r.format(), r.prompts(), r.candidates(), r.pairs());
            } catch (Throwable t) {
                c.rollback();
                throw t;
            }
        } catch (SQLException e) {
            throw StorageProblems.translate("import of " + source.name() + " failed and was rolled back", e);
        }
    }

    /**
     * Imports {@code source} as a new dataset on the caller's transaction, without committing (a colleague bundle
     * writes its dataset, LFs, gold and pair sets in one transaction). The returned dataset's counts are not filled.
     *
     * @param sha256 recorded as the dataset's source hash (a second dataset with the same hash is refused)
     */
    public static Result importOn(Connection c, ImportSource source, ImportFormat format, String datasetName, String sha256,
                                  Progress progress) throws SQLException {
        return write(c, source, sha256, format, datasetName, false, progress);
    }

    /** @param detected the format was detected, not named (a prompt-only file then gets a hint about candidates) */
    private static Result write(Connection c, ImportSource source, String sha, ImportFormat format, String baseName,
                                boolean detected, Progress progress) throws SQLException {
        ImportWriter writer = new ImportWriter(c, source.name());
        String name = writer.uniqueDatasetName(baseName);
        long datasetId = writer.createDataset(name, source.name(), sha, format);
        try (CountingInput in = new CountingInput(source.open(), source.size(), progress)) {
            RecordReader reader = switch (format) {
                case CANDIDATES, PROMPTS -> new JsonlPromptReader(format, name, detected);
                case TRL -> new TrlReader(name);
                case CSV -> new CsvReader(name);
            };
            reader.read(in, source.name(), writer, progress);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source.name() + ": " + e.getMessage(), e);
        }
        writer.finish();
        if (writer.prompts() == 0) throw new InputException(source.name(), 0, null, "the file holds no records");
        Dataset d = new Dataset(datasetId, name, source.name(), sha, format.cliName(), java.time.Instant.now(),
                writer.prompts(), writer.candidates());
        return new Result(d, format, writer.prompts(), writer.candidates(), writer.pairs());
    }

    /** Reads the first record to tell a candidates file from a TRL pair file or a prompt-only file. */
    static ImportFormat detect(ImportSource source) {
        if (ImportFormat.looksLikeCsv(source.name())) return ImportFormat.CSV;
        try (Utf8Lines lines = new Utf8Lines(source.open(), source.name(), ImportLimits.MAX_LINE_BYTES)) {
            String line;
            while ((line = lines.next()) != null) {
                if (line.isBlank()) continue;
                JsonNode node = JsonLines.parse(line, source.name(), lines.lineNumber());
                if (node.has("chosen") || node.has("rejected")) return ImportFormat.TRL;
                if (node.has("candidates")) return ImportFormat.CANDIDATES;
                if (node.has("prompt")) return ImportFormat.PROMPTS;
                throw new InputException(source.name(), lines.lineNumber(), null,
                        "cannot tell the format: expected a 'prompt' with 'candidates', a 'prompt' alone, or 'chosen'/'rejected'");
            }
            throw new InputException(source.name(), 0, null, "the file is empty");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source.name() + ": " + e.getMessage(), e);
        }
    }

    private static String sha256(ImportSource source, Progress progress) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            try (InputStream in = new DigestInputStream(source.open(), md)) {
                while (in.read(buf) >= 0) {
                    progress.checkCancelled();
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source.name() + ": " + e.getMessage(), e);
        }
    }

    static String stem(String fileName) {
        String n = Path.of(fileName).getFileName().toString();
        String lower = n.toLowerCase(Locale.ROOT);
        for (String ext : new String[]{".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".txt"}) {
            if (lower.endsWith(ext)) return n.substring(0, n.length() - ext.length());
        }
        return n;
    }

    /** Reads one format and feeds the writer. */
    interface RecordReader {
        void read(InputStream in, String file, ImportWriter writer, Progress progress) throws IOException, SQLException;
    }

    /** Counts bytes for progress and checks for cancellation as the file is read. */
    static final class CountingInput extends FilterInputStream {
        private final long size;
        private final Progress progress;
        private long count;
        private long lastReport;

        CountingInput(InputStream in, long size, Progress progress) {
            super(in);
            this.size = size;
            this.progress = progress;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
                if (count - lastReport >= (1 << 20)) {
                    lastReport = count;
                    progress.checkCancelled();
                    progress.update(count, size, String.format("%,d MB read", count >> 20));
                }
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) count++;
            return b;
        }
    }
}
