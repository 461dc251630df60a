package dev.prefwork.store.importer;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CSV (or TSV) with a header and one row per candidate. Columns, matched case-insensitively: {@code prompt_id}
 * or {@code id} (optional: rows are grouped by prompt text without it), {@code prompt}, {@code response} /
 * {@code text} / {@code candidate} / {@code completion}, and optional {@code model} and {@code category}; any
 * other column is kept in the candidate's metadata. Rows of one prompt need not be adjacent.
 */
final class CsvReader implements Importer.RecordReader {

    private static final Pattern STARTLINE = Pattern.compile("\\(startline (\\d+)\\)");
    private static final List<String> ID_COLUMNS = List.of("prompt_id", "id");
    private static final List<String> TEXT_COLUMNS = List.of("response", "text", "candidate", "completion");

    private static final class PromptState {
        final long id;
        final long firstLine;
        final String text;
        int count;

        PromptState(long id, long firstLine, String text) {
            this.id = id;
            this.firstLine = firstLine;
            this.text = text;
        }
    }

    private final String datasetName;

    CsvReader(String datasetName) {
        this.datasetName = datasetName;
    }

    @Override
    public void read(InputStream in, String file, ImportWriter writer, Progress progress) throws IOException, SQLException {
        // checked as it streams, so a bad byte is named by its line, not by where the decoder's buffer happened to be
        Reader reader = new InputStreamReader(new Utf8Check(in, file), StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
        CSVFormat format = (file.toLowerCase(Locale.ROOT).endsWith(".tsv") ? CSVFormat.TDF : CSVFormat.DEFAULT).builder()
                .setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true).setTrim(false).get();
        CSVParser parser;
        try {
            parser = CSVParser.builder().setReader(skipBom(reader)).setFormat(format).get();
        } catch (IllegalArgumentException e) {
            throw new InputException(file, 1, null, "bad CSV header: " + e.getMessage());
        } catch (UncheckedIOException e) {
            throw encodingOrIo(file, 1, e.getCause());
        } catch (CharacterCodingException e) {
            throw encodingOrIo(file, 1, e);
        }
        Map<String, Integer> header = new HashMap<>();
        List<String> names = parser.getHeaderNames();
        for (int i = 0; i < names.size(); i++) header.putIfAbsent(names.get(i).strip().toLowerCase(Locale.ROOT), i);
        Integer idCol = column(header, ID_COLUMNS);
        Integer promptCol = column(header, List.of("prompt"));
        Integer textCol = column(header, TEXT_COLUMNS);
        Integer modelCol = column(header, List.of("model"));
        Integer categoryCol = column(header, List.of("category"));
        if (promptCol == null) throw new InputException(file, 1, "prompt", "the header has no 'prompt' column; found: " + String.join(", ", names));
        if (textCol == null) {
            throw new InputException(file, 1, "response", "the header has no response column (response, text, candidate or completion); found: "
                    + String.join(", ", names));
        }

        Map<String, PromptState> prompts = new HashMap<>();
        Iterator<CSVRecord> it = parser.iterator();
        long line = parser.getCurrentLineNumber() + 1;
        while (true) {
            CSVRecord r;
            try {
                if (!it.hasNext()) break;
                r = it.next();
            } catch (UncheckedIOException e) {
                throw encodingOrIo(file, line, e.getCause());
            } catch (IllegalStateException e) {
                throw new InputException(file, line, null, "bad CSV: " + e.getMessage());
            }
            long rowLine = line;
            line = parser.getCurrentLineNumber() + 1;
            if (r.size() != names.size()) {
                throw new InputException(file, rowLine, null, "the row has " + r.size() + " fields but the header has " + names.size());
            }
            String prompt = field(r, promptCol, file, rowLine, "prompt", false);
            String text = field(r, textCol, file, rowLine, names.get(textCol), true);
            String model = name(r, modelCol, file, rowLine, "model");
            String category = name(r, categoryCol, file, rowLine, "category");
            String sourceId = idCol == null ? null : name(r, idCol, file, rowLine, names.get(idCol));
            String key = sourceId != null ? "id\0" + sourceId : "t\0" + prompt;
            PromptState state = prompts.get(key);
            if (state == null) {
                String id = sourceId != null ? sourceId : datasetName + ":" + rowLine;
                state = new PromptState(writer.prompt(rowLine, id, prompt, category, null), rowLine, prompt);
                prompts.put(key, state);
            } else if (!state.text.equals(prompt)) {
                throw new InputException(file, rowLine, "prompt", "differs from the prompt text of id '" + sourceId
                        + "' on line " + state.firstLine);
            }
            if (state.count >= ImportLimits.MAX_CANDIDATES) {
                throw new InputException(file, rowLine, null, "the prompt first seen on line " + state.firstLine + " has more than "
                        + ImportLimits.MAX_CANDIDATES + " candidates");
            }
            writer.candidate(state.id, state.count++, text, model, extras(r, names, idCol, promptCol, textCol, modelCol, categoryCol));
        }
        PromptState alone = null;
        for (PromptState s : prompts.values()) {
            if (s.count < ImportLimits.MIN_CANDIDATES && (alone == null || s.firstLine < alone.firstLine)) alone = s;
        }
        if (alone != null) {
            throw new InputException(file, alone.firstLine, "prompt", "this prompt has only " + alone.count
                    + " candidate; at least " + ImportLimits.MIN_CANDIDATES + " are needed to compare");
        }
    }

    private static Reader skipBom(Reader r) throws IOException {
        java.io.PushbackReader p = new java.io.PushbackReader(r, 1);
        int c = p.read();
        if (c != -1 && c != '\uFEFF') p.unread(c);
        return p;
    }

    private static Integer column(Map<String, Integer> header, List<String> candidates) {
        for (String c : candidates) {
            Integer i = header.get(c);
            if (i != null) return i;
        }
        return null;
    }

    private static String field(CSVRecord r, int col, String file, long line, String field, boolean allowEmpty) {
        String s = r.get(col);
        if (!allowEmpty && s.isBlank()) throw new InputException(file, line, field, "is empty");
        if (s.length() > ImportLimits.MAX_TEXT_CHARS) {
            throw new InputException(file, line, field, "is " + String.format("%,d", s.length()) + " characters long; the limit is "
                    + String.format("%,d", ImportLimits.MAX_TEXT_CHARS));
        }
        return s;
    }

    private static String name(CSVRecord r, Integer col, String file, long line, String field) {
        if (col == null) return null;
        String s = r.get(col).strip();
        if (s.isEmpty()) return null;
        if (s.length() > ImportLimits.MAX_NAME_CHARS) throw new InputException(file, line, field, "is longer than " + ImportLimits.MAX_NAME_CHARS + " characters");
        return s;
    }

    private static String extras(CSVRecord r, List<String> names, Integer... known) {
        List<Integer> skip = new ArrayList<>();
        for (Integer k : known) if (k != null) skip.add(k);
        ObjectNode o = null;
        for (int i = 0; i < names.size(); i++) {
            if (skip.contains(i) || r.get(i).isEmpty()) continue;
            if (o == null) o = JsonNodeFactory.instance.objectNode();
            o.put(names.get(i), r.get(i));
        }
        return o == null ? null : o.toString();
    }

    private static RuntimeException encodingOrIo(String file, long line, Throwable cause) {
        if (cause instanceof CharacterCodingException) {
            return new InputException(file, line, null, "the file is not valid UTF-8; save it as UTF-8 and import again");
        }
        if (cause instanceof CSVException e) {
            // commons-csv: "(startline 3) EOF reached before encapsulated token finished"
            Matcher m = STARTLINE.matcher(String.valueOf(e.getMessage()));
            if (m.find() && e.getMessage().contains("EOF reached before encapsulated token")) {
                return new InputException(file, Long.parseLong(m.group(1)), null,
                        "a quoted field that starts on this line is never closed (a missing \")");
            }
            return new InputException(file, line, null, "bad CSV: " + e.getMessage());
        }
        return new UncheckedIOException(cause instanceof IOException io ? io : new IOException(cause));
    }
}
