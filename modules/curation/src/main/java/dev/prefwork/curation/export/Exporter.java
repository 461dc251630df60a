package dev.prefwork.curation.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.curation.CurationService;
import dev.prefwork.curation.Json;
import dev.prefwork.store.PairSetRepository.StoredPairSet;
import dev.prefwork.store.Workspace;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes a saved pair set as TRL JSONL (standard or conversational), SFT JSONL, CSV or a Hugging Face dataset
 * folder. Files are written atomically (a temporary file renamed into place) and byte for byte the same for the
 * same pair set and options: nothing depends on the clock, the locale or hash order.
 */
public final class Exporter {

    /**
     * @param testFraction share of prompts in the HF test split (0 to 0.9)
     * @param seed         the split's seed
     * @param chat         HF folder rows in the conversational form (message lists)
     */
    public record Options(double testFraction, long seed, boolean chat) {
        public Options {
            if (Double.isNaN(testFraction) || testFraction < 0 || testFraction > 0.9) {
                throw new InputException(null, 0, "test-size", "expected a share from 0 to 0.9, found " + testFraction);
            }
        }

        public static Options defaults() {
            return new Options(0.1, 42, false);
        }
    }

    /** What was written. */
    public record Result(Path path, ExportFormat format, int rows, int trainRows, int testRows) {
    }

    private final Workspace workspace;
    private final CurationService curation;

    public Exporter(Workspace workspace, CurationService curation) {
        this.workspace = workspace;
        this.curation = curation;
    }

    /**
     * Writes a pair set as TRL standard JSONL to {@code out} (atomically), for a training run's data folder. Needs no
     * ranking: only the dataset card of the Hugging Face format reads the curation service.
     */
    public static Result trlFile(Workspace workspace, StoredPairSet set, Path out, Progress progress) {
        return new Exporter(workspace, null).export(set, ExportFormat.TRL, out, Options.defaults(), progress);
    }

    public Result export(StoredPairSet set, ExportFormat format, Path out, Options options, Progress progress) {
        if (set.sft() && (format == ExportFormat.TRL || format == ExportFormat.TRL_CHAT)) {
            throw new InputException(null, 0, "format", "pair set #" + set.id() + " is an SFT set (no rejected side); export it as sft, sft-chat, csv or hf");
        }
        Path abs = out.toAbsolutePath().normalize();
        if (format.folder()) {
            if (Files.isRegularFile(abs)) throw new InputException(out + " is a file; a Hugging Face dataset is a folder");
            if (Files.isDirectory(abs) && !isEmpty(abs) && !isPreviousExport(abs)) {
                throw new InputException(out + " is a folder with other files in it; choose a new or empty folder (or a previous export to replace)");
            }
            int[] counts = new int[2];
            AtomicFiles.writeFolder(abs, dir -> writeHf(set, dir, options, progress, counts));
            return new Result(abs, format, counts[0] + counts[1], counts[0], counts[1]);
        }
        if (Files.isDirectory(abs)) throw new InputException(out + " is a folder; name the file to write, e.g. " + out.resolve("pairs" + format.extension()));
        int[] rows = new int[1];
        AtomicFiles.write(abs, stream -> rows[0] = format == ExportFormat.CSV ? writeCsv(set, stream, progress)
                : writeJsonl(set, format, stream, null, progress));
        return new Result(abs, format, rows[0], rows[0], 0);
    }

    /**
     * True for a folder this exporter wrote (only README.md with Prefwork's tag and data/{train,test}.jsonl): the one
     * kind of non-empty folder an export may replace, so a wrong choice never deletes someone's project.
     */
    static boolean isPreviousExport(Path dir) {
        try (var s = Files.list(dir); var d = Files.isDirectory(dir.resolve("data")) ? Files.list(dir.resolve("data")) : java.util.stream.Stream.<Path>empty()) {
            boolean top = s.map(p -> p.getFileName().toString()).allMatch(n -> n.equals("README.md") || n.equals("data"));
            boolean data = d.map(p -> p.getFileName().toString()).allMatch(n -> n.equals("train.jsonl") || n.equals("test.jsonl"));
            return top && data && Files.isRegularFile(dir.resolve("README.md")) && Files.size(dir.resolve("README.md")) < 10_000_000
                    && Files.readString(dir.resolve("README.md"), StandardCharsets.UTF_8).contains("\n- prefwork\n");
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isEmpty(Path dir) {
        try (var s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes the lines of {@code set} in {@code format}; with {@code onlyPrompts}, only those prompts' pairs. */
    int writeJsonl(StoredPairSet set, ExportFormat format, OutputStream out, java.util.function.Predicate<String> onlyPrompts,
                   Progress progress) throws IOException {
        JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8);
        g.setRootValueSeparator(null);
        int[] n = new int[1];
        IOException[] failure = new IOException[1];
        workspace.pairSets().forEachPair(set.id(), p -> {
            if (failure[0] != null || (onlyPrompts != null && !onlyPrompts.test(p.promptSourceId()))) return;
            try {
                switch (format) {
                    case TRL -> Rows.trl(g, p, false);
                    case TRL_CHAT -> Rows.trl(g, p, true);
                    case SFT -> Rows.sft(g, p, false);
                    case SFT_CHAT -> Rows.sft(g, p, true);
                    default -> throw new IllegalArgumentException(format.name());
                }
                g.writeRaw('\n');
                if ((++n[0] & 0x3FF) == 0) {
                    progress.checkCancelled();
                    progress.update(n[0], set.pairs(), String.format(Locale.ROOT, "Writing %,d of %,d", n[0], set.pairs()));
                }
            } catch (IOException e) {
                failure[0] = e;
            }
        });
        if (failure[0] != null) throw failure[0];
        g.flush();
        return n[0];
    }

    private int writeCsv(StoredPairSet set, OutputStream out, Progress progress) throws IOException {
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        CSVPrinter csv = new CSVPrinter(w, CSVFormat.RFC4180);
        if (set.sft()) csv.printRecord("prompt_id", "prompt", "completion", "score", "reason");
        else csv.printRecord("prompt_id", "prompt", "chosen", "rejected", "chosen_score", "rejected_score", "margin", "reason");
        int[] n = new int[1];
        IOException[] failure = new IOException[1];
        workspace.pairSets().forEachPair(set.id(), p -> {
            if (failure[0] != null) return;
            try {
                if (set.sft()) csv.printRecord(p.promptSourceId(), p.prompt(), p.chosen(), num(p.chosenScore()), p.reason());
                else csv.printRecord(p.promptSourceId(), p.prompt(), p.chosen(), p.rejected(), num(p.chosenScore()),
                        num(p.rejectedScore()), num(p.margin()), p.reason());
                if ((++n[0] & 0x3FF) == 0) progress.checkCancelled();
            } catch (IOException e) {
                failure[0] = e;
            }
        });
        if (failure[0] != null) throw failure[0];
        csv.flush();
        return n[0];
    }

    private static String num(Double v) {
        return v == null ? "" : String.valueOf(v);
    }

    // ---- Hugging Face dataset folder ---------------------------------------------------------------------------

    /** The test split: a seeded draw of prompts (all pairs of a prompt land in the same split). */
    static Set<String> testPrompts(List<String> prompts, double fraction, long seed) {
        int n = (int) Math.round(prompts.size() * fraction);
        if (fraction > 0 && n == 0 && prompts.size() > 1) n = 1;
        List<String> order = new java.util.ArrayList<>(prompts);
        order.sort((a, b) -> {
            int c = Long.compareUnsigned(hash(seed, a), hash(seed, b));
            return c != 0 ? c : a.compareTo(b);
        });
        return new HashSet<>(order.subList(0, Math.min(n, order.size())));
    }

    private static long hash(long seed, String s) {
        long h = 0xcbf29ce484222325L ^ seed;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) h = (h ^ (b & 0xFF)) * 0x100000001b3L;
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }

    private void writeHf(StoredPairSet set, Path dir, Options options, Progress progress, int[] counts) throws IOException {
        List<String> prompts = new java.util.ArrayList<>();
        workspace.pairSets().forEachPair(set.id(), p -> {
            if (prompts.isEmpty() || !prompts.get(prompts.size() - 1).equals(p.promptSourceId())) prompts.add(p.promptSourceId());
        });
        List<String> distinct = prompts.stream().distinct().toList();
        Set<String> test = testPrompts(distinct, options.testFraction(), options.seed());
        ExportFormat rows = set.sft() ? (options.chat() ? ExportFormat.SFT_CHAT : ExportFormat.SFT)
                : (options.chat() ? ExportFormat.TRL_CHAT : ExportFormat.TRL);
        Path data = Files.createDirectories(dir.resolve("data"));
        long[] bytes = new long[2];
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(data.resolve("train.jsonl")))) {
            counts[0] = writeJsonl(set, rows, out, id -> !test.contains(id), progress);
        }
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(data.resolve("test.jsonl")))) {
            counts[1] = writeJsonl(set, rows, out, test::contains, progress);
        }
        bytes[0] = Files.size(data.resolve("train.jsonl"));
        bytes[1] = Files.size(data.resolve("test.jsonl"));
        Files.writeString(dir.resolve("README.md"), DatasetCard.render(set, rows, counts, bytes, distinct.size() - test.size(),
                test.size(), options, curation), StandardCharsets.UTF_8);
    }

    /** The keys a line of {@code format} has, in order (what `datasets.load_dataset("json", …)` shows as columns). */
    public static List<String> keys(ExportFormat format) {
        return switch (format) {
            case TRL, TRL_CHAT -> List.of(Rows.TRL_KEYS);
            case SFT -> List.of(Rows.SFT_KEYS);
            case SFT_CHAT -> List.of(Rows.SFT_CHAT_KEYS);
            default -> List.of();
        };
    }
}
