package dev.prefwork.store.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.Progress;

import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.Set;

import static dev.prefwork.store.importer.ImportLimits.MAX_CANDIDATES;
import static dev.prefwork.store.importer.ImportLimits.MIN_CANDIDATES;

/** Prompt-per-line JSONL, with candidates ({@link ImportFormat#CANDIDATES}) or without ({@link ImportFormat#PROMPTS}). */
final class JsonlPromptReader implements Importer.RecordReader {

    private static final Set<String> PROMPT_FIELDS = Set.of("id", "prompt", "category", "candidates");
    private static final Set<String> CANDIDATE_FIELDS = Set.of("text", "model");

    private final ImportFormat format;
    private final String datasetName;
    /** The format was told from the first record (not chosen by the user): errors say why it was read so. */
    private final boolean detected;

    JsonlPromptReader(ImportFormat format, String datasetName, boolean detected) {
        this.format = format;
        this.datasetName = datasetName;
        this.detected = detected;
    }

    @Override
    public void read(InputStream in, String file, ImportWriter writer, Progress progress) throws IOException, SQLException {
        Utf8Lines lines = new Utf8Lines(in, file, ImportLimits.MAX_LINE_BYTES);
        String line;
        while ((line = lines.next()) != null) {
            if (line.isBlank()) continue;
            long n = lines.lineNumber();
            ObjectNode o = JsonLines.parse(line, file, n);
            JsonFields f = new JsonFields(file, n);
            String id = sourceId(o, f, n);
            String prompt = f.text(o, "prompt", "prompt", false);
            String category = f.name(o, "category", "category");
            JsonNode cands = o.get("candidates");
            if (format == ImportFormat.PROMPTS) {
                if (cands != null && !cands.isNull() && !(cands.isArray() && cands.isEmpty())) {
                    throw f.error("candidates", detected
                            ? "the file was read as prompts without candidates (its first record has none), but this line has"
                            + " candidates; give every line its candidates, or none"
                            : "this is a prompt-only import but the line has candidates; import it as a candidates file");
                }
                writer.prompt(n, id, prompt, category, JsonFields.unknownFields(o, PROMPT_FIELDS));
                continue;
            }
            if (cands == null || cands.isNull()) {
                throw f.error("candidates", "is missing; expected a list of {\"text\": …, \"model\": …} objects"
                        + " (import prompts without candidates with --format prompts)");
            }
            if (!cands.isArray()) throw f.error("candidates", "expected a list, found " + JsonFields.describe(cands));
            if (cands.size() < MIN_CANDIDATES) {
                throw f.error("candidates", "has " + cands.size() + " candidate" + (cands.size() == 1 ? "" : "s")
                        + "; at least " + MIN_CANDIDATES + " are needed to compare");
            }
            if (cands.size() > MAX_CANDIDATES) {
                throw f.error("candidates", "has " + cands.size() + " candidates; the limit is " + MAX_CANDIDATES);
            }
            // Validate every candidate before the prompt is written, so the error names the first bad field.
            String[] texts = new String[cands.size()];
            String[] models = new String[cands.size()];
            String[] metas = new String[cands.size()];
            for (int i = 0; i < cands.size(); i++) {
                String path = "candidates[" + i + "]";
                ObjectNode co = f.object(cands.get(i), path);
                texts[i] = f.text(co, "text", path + ".text", true);
                models[i] = f.name(co, "model", path + ".model");
                metas[i] = JsonFields.unknownFields(co, CANDIDATE_FIELDS);
            }
            long promptId = writer.prompt(n, id, prompt, category, JsonFields.unknownFields(o, PROMPT_FIELDS));
            for (int i = 0; i < texts.length; i++) {
                writer.candidate(promptId, i, texts[i], models[i], metas[i]);
            }
        }
    }

    /** The line's id (a string or a number), or one made from the dataset name and line number. */
    private String sourceId(ObjectNode o, JsonFields f, long line) {
        JsonNode id = o.get("id");
        if (id == null || id.isNull()) return datasetName + ":" + line;
        if (!id.isTextual() && !id.isIntegralNumber()) throw f.error("id", "expected a string or an integer, found " + JsonFields.describe(id));
        String s = id.asText().strip();
        if (s.isEmpty()) throw f.error("id", "is empty");
        return s;
    }
}
