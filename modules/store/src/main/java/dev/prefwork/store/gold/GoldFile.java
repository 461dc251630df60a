package dev.prefwork.store.gold;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.Candidate;
import dev.prefwork.core.CandidateGold;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Preference;
import dev.prefwork.core.Prompt;
import dev.prefwork.store.Jdbc;
import dev.prefwork.store.StorageProblems;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.GoldRepository.PromptJudgments;
import dev.prefwork.store.importer.ImportLimits;
import dev.prefwork.store.importer.ImportSource;
import dev.prefwork.store.importer.JsonLines;
import dev.prefwork.store.importer.Utf8Lines;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gold judgments as JSONL, one prompt per line, candidates named by 0-based position:
 * <pre>{"prompt_id": "p-001", "best": 2, "worst": 4,
 *  "labels": [{"candidate": 2, "label": "GOOD"}], "ratings": [{"candidate": 2, "rating": 5}],
 *  "preferences": [{"preferred": 2, "other": 0}], "note": "…"}</pre>
 * Import validates every line against the workspace first and then writes all of it in one transaction.
 */
public final class GoldFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Line(long line, Prompt prompt, List<Candidate> candidates, ObjectNode json) {
    }

    public record Result(int prompts, int labels, int ratings, int picks, int preferences) {
    }

    private final Workspace workspace;

    public GoldFile(Workspace workspace) {
        this.workspace = workspace;
    }

    public Result importGold(ImportSource source) {
        List<Line> lines = new ArrayList<>();
        try (Utf8Lines r = new Utf8Lines(source.open(), source.name(), ImportLimits.MAX_LINE_BYTES)) {
            for (String s; (s = r.next()) != null; ) {
                if (s.isBlank()) continue;
                lines.add(validate(source.name(), r.lineNumber(), s));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source.name() + ": " + e.getMessage(), e);
        }
        int[] counts = new int[5];
        workspace.jdbc().inTransaction(c -> {
            for (Line l : lines) write(c, l, counts);
            return null;
        });
        return new Result(counts[0], counts[1], counts[2], counts[3], counts[4]);
    }

    private Line validate(String file, long n, String text) {
        ObjectNode o = JsonLines.parse(text, file, n);
        JsonNode pid = o.get("prompt_id");
        if (pid == null || !(pid.isTextual() || pid.isIntegralNumber())) throw new InputException(file, n, "prompt_id", "is missing; expected the prompt's id");
        Prompt prompt = workspace.prompts().bySourceId(pid.asText())
                .orElseThrow(() -> new InputException(file, n, "prompt_id", "no prompt with id '" + pid.asText() + "' in the workspace"));
        List<Candidate> cands = workspace.candidates().forPrompt(prompt.id());
        Line line = new Line(n, prompt, cands, o);
        index(line, file, o.get("best"), "best");
        index(line, file, o.get("worst"), "worst");
        if (o.hasNonNull("best") && o.hasNonNull("worst") && o.get("best").asInt() == o.get("worst").asInt()) {
            throw new InputException(file, n, "worst", "is the same candidate as 'best'");
        }
        for (JsonNode l : array(o, "labels", file, n)) {
            index(line, file, l.get("candidate"), "labels[].candidate");
            String v = l.path("label").asText("");
            if (!v.equals("GOOD") && !v.equals("BAD")) throw new InputException(file, n, "labels[].label", "expected GOOD or BAD, found '" + v + "'");
        }
        for (JsonNode l : array(o, "ratings", file, n)) {
            index(line, file, l.get("candidate"), "ratings[].candidate");
            JsonNode v = l.get("rating");
            if (v == null || !v.isIntegralNumber() || v.asInt() < 1 || v.asInt() > 5) throw new InputException(file, n, "ratings[].rating", "expected an integer 1 to 5");
        }
        for (JsonNode l : array(o, "preferences", file, n)) {
            index(line, file, l.get("preferred"), "preferences[].preferred");
            index(line, file, l.get("other"), "preferences[].other");
            if (l.get("preferred").asInt() == l.get("other").asInt()) throw new InputException(file, n, "preferences[]", "compares a candidate with itself");
        }
        JsonNode note = o.get("note");
        if (note != null && !note.isNull() && !note.isTextual()) throw new InputException(file, n, "note", "expected a string");
        return line;
    }

    private static Iterable<JsonNode> array(ObjectNode o, String field, String file, long n) {
        JsonNode a = o.get(field);
        if (a == null || a.isNull()) return List.of();
        if (!a.isArray()) throw new InputException(file, n, field, "expected a list");
        for (JsonNode e : a) if (!e.isObject()) throw new InputException(file, n, field, "expected a list of objects");
        return a;
    }

    private static void index(Line line, String file, JsonNode v, String field) {
        if (v == null || v.isNull()) return;
        if (!v.isIntegralNumber() || v.asInt() < 0 || v.asInt() >= line.candidates.size()) {
            throw new InputException(file, line.line, field, "expected a candidate position 0.." + (line.candidates.size() - 1)
                    + ", found " + v);
        }
    }

    private static void write(Connection c, Line l, int[] counts) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now();
        ObjectNode o = l.json;
        long pid = l.prompt.id();
        counts[0]++;
        Long best = o.hasNonNull("best") ? l.candidates.get(o.get("best").asInt()).id() : null;
        Long worst = o.hasNonNull("worst") ? l.candidates.get(o.get("worst").asInt()).id() : null;
        String note = o.hasNonNull("note") && !o.get("note").asText().isBlank() ? o.get("note").asText() : null;
        if (best != null || worst != null || note != null) {
            Jdbc.update(c, "DELETE FROM gold_prompt WHERE prompt_id = ?", pid);
            Jdbc.update(c, "INSERT INTO gold_prompt (prompt_id, best_candidate_id, worst_candidate_id, note, updated_at) VALUES (?, ?, ?, ?, ?)",
                    pid, best, worst, note, now);
            if (best != null || worst != null) counts[3]++;
        }
        Map<Long, String> labels = new HashMap<>();
        Map<Long, Integer> ratings = new HashMap<>();
        for (JsonNode x : o.path("labels")) labels.put(l.candidates.get(x.get("candidate").asInt()).id(), x.get("label").asText());
        for (JsonNode x : o.path("ratings")) ratings.put(l.candidates.get(x.get("candidate").asInt()).id(), x.get("rating").asInt());
        for (Candidate cand : l.candidates) {
            String label = labels.get(cand.id());
            Integer rating = ratings.get(cand.id());
            if (label == null && rating == null) continue;
            Jdbc.update(c, "DELETE FROM gold_candidate WHERE candidate_id = ?", cand.id());
            Jdbc.update(c, "INSERT INTO gold_candidate (candidate_id, prompt_id, label, rating, updated_at) VALUES (?, ?, ?, ?, ?)",
                    cand.id(), pid, label, rating, now);
            if (label != null) counts[1]++;
            if (rating != null) counts[2]++;
        }
        for (JsonNode x : o.path("preferences")) {
            long p = l.candidates.get(x.get("preferred").asInt()).id();
            long q = l.candidates.get(x.get("other").asInt()).id();
            long a = Math.min(p, q);
            long b = Math.max(p, q);
            Jdbc.update(c, "DELETE FROM gold_preference WHERE candidate_a = ? AND candidate_b = ?", a, b);
            Jdbc.update(c, "INSERT INTO gold_preference (candidate_a, candidate_b, prompt_id, preferred, updated_at) VALUES (?, ?, ?, ?, ?)",
                    a, b, pid, p, now);
            counts[4]++;
        }
    }


    // ---- merging a colleague's gold (bundles) ------------------------------------------------------------------

    /** One line of a gold file, checked for shape but not against a workspace; candidates by 0-based index. */
    public record GoldLine(long line, String promptId, Integer best, Integer worst, Map<Integer, String> labels,
                           Map<Integer, Integer> ratings, List<int[]> preferences, String note) {
    }

    /** What a merge did: judgments added, and judgments the workspace already had otherwise (kept). */
    public record MergeResult(int prompts, int added, int keptExisting) {
    }

    /**
     * Parses a gold file and checks every line's shape, with candidate indices checked against
     * {@code candidateCount} (the candidates each prompt id has where the gold will go; -1 for an unknown prompt).
     * Nothing is written.
     */
    public static List<GoldLine> parse(ImportSource source, java.util.function.ToIntFunction<String> candidateCount) {
        List<GoldLine> out = new ArrayList<>();
        // the same strict reader as importGold: invalid UTF-8, BOMs, over-long lines and bad JSON named by line
        try (Utf8Lines r = new Utf8Lines(source.open(), source.name(), ImportLimits.MAX_LINE_BYTES)) {
            String s;
            String file = source.name();
            while ((s = r.next()) != null) {
                if (s.isBlank()) continue;
                long n = r.lineNumber();
                JsonNode node = JsonLines.parse(s, file, n);
                JsonNode pid = node.get("prompt_id");
                if (pid == null || !(pid.isTextual() || pid.isIntegralNumber())) throw new InputException(file, n, "prompt_id", "is missing; expected the prompt's id");
                int count = candidateCount.applyAsInt(pid.asText());
                if (count < 0) throw new InputException(file, n, "prompt_id", "no prompt with id '" + pid.asText() + "'");
                final long line = n;
                java.util.function.BiFunction<JsonNode, String, Integer> idx = (v, field) -> {
                    if (v == null || v.isNull()) return null;
                    if (!v.isIntegralNumber() || v.asInt() < 0 || v.asInt() >= count) {
                        throw new InputException(file, line, field, "expected a candidate position 0.." + (count - 1) + ", found " + v);
                    }
                    return v.asInt();
                };
                ObjectNode o = (ObjectNode) node;
                Integer best = idx.apply(o.get("best"), "best");
                Integer worst = idx.apply(o.get("worst"), "worst");
                if (best != null && best.equals(worst)) throw new InputException(file, n, "worst", "is the same candidate as 'best'");
                Map<Integer, String> labels = new java.util.TreeMap<>();
                for (JsonNode l : array(o, "labels", file, n)) {
                    int c = idx.apply(l.get("candidate"), "labels[].candidate");
                    String v = l.path("label").asText("");
                    if (!v.equals("GOOD") && !v.equals("BAD")) throw new InputException(file, n, "labels[].label", "expected GOOD or BAD, found '" + v + "'");
                    labels.put(c, v);
                }
                Map<Integer, Integer> ratings = new java.util.TreeMap<>();
                for (JsonNode l : array(o, "ratings", file, n)) {
                    int c = idx.apply(l.get("candidate"), "ratings[].candidate");
                    JsonNode v = l.get("rating");
                    if (v == null || !v.isIntegralNumber() || v.asInt() < 1 || v.asInt() > 5) throw new InputException(file, n, "ratings[].rating", "expected an integer 1 to 5");
                    ratings.put(c, v.asInt());
                }
                List<int[]> prefs = new ArrayList<>();
                for (JsonNode l : array(o, "preferences", file, n)) {
                    Integer p = idx.apply(l.get("preferred"), "preferences[].preferred");
                    Integer q = idx.apply(l.get("other"), "preferences[].other");
                    if (p == null || q == null) throw new InputException(file, n, "preferences[]", "needs 'preferred' and 'other'");
                    if (p.equals(q)) throw new InputException(file, n, "preferences[]", "compares a candidate with itself");
                    prefs.add(new int[]{p, q});
                }
                JsonNode note = o.get("note");
                if (note != null && !note.isNull() && !note.isTextual()) throw new InputException(file, n, "note", "expected a string");
                String noteText = note != null && note.isTextual() && !note.asText().isBlank() ? note.asText() : null;
                out.add(new GoldLine(n, pid.asText(), best, worst, labels, ratings, prefs, noteText));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source.name() + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Merges parsed gold into the workspace on the caller's transaction, keeping the workspace's own judgment
     * wherever it already has one for the same thing (a prompt's best, worst or note; a candidate's label or
     * rating; a pair's preference): nothing the expert decided is overwritten.
     *
     * @param candidatesOf a prompt id's candidate ids in position order in this workspace
     */
    public static MergeResult mergeKeepingExisting(Connection c, List<GoldLine> lines,
                                                   java.util.function.Function<String, long[]> candidatesOf) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now();
        int added = 0, kept = 0, prompts = 0;
        for (GoldLine g : lines) {
            long[] cands = candidatesOf.apply(g.promptId());
            long pid = Jdbc.list(c, "SELECT prompt_id FROM candidate WHERE id = ?", rs -> rs.getLong(1), cands[0]).get(0);
            int before = added;
            List<Object[]> row = Jdbc.list(c, "SELECT best_candidate_id, worst_candidate_id, note FROM gold_prompt WHERE prompt_id = ?",
                    rs -> new Object[]{Jdbc.getLong(rs, "best_candidate_id"), Jdbc.getLong(rs, "worst_candidate_id"), rs.getString(3)}, pid);
            Long best = row.isEmpty() ? null : (Long) row.get(0)[0];
            Long worst = row.isEmpty() ? null : (Long) row.get(0)[1];
            String note = row.isEmpty() ? null : (String) row.get(0)[2];
            Long newBest = g.best() == null ? null : cands[g.best()];
            Long newWorst = g.worst() == null ? null : cands[g.worst()];
            if (newBest != null) {
                if (best == null && !newBest.equals(worst)) { best = newBest; added++; } else if (!newBest.equals(best)) kept++;
            }
            if (newWorst != null) {
                if (worst == null && !newWorst.equals(best)) { worst = newWorst; added++; } else if (!newWorst.equals(worst)) kept++;
            }
            if (g.note() != null) {
                if (note == null) { note = g.note(); added++; } else if (!note.equals(g.note())) kept++;
            }
            if (added > before) {
                Jdbc.update(c, "DELETE FROM gold_prompt WHERE prompt_id = ?", pid);
                Jdbc.update(c, "INSERT INTO gold_prompt (prompt_id, best_candidate_id, worst_candidate_id, note, updated_at) VALUES (?, ?, ?, ?, ?)",
                        pid, best, worst, note, now);
            }
            java.util.Set<Integer> touched = new java.util.TreeSet<>(g.labels().keySet());
            touched.addAll(g.ratings().keySet());
            for (int i : touched) {
                long cid = cands[i];
                List<Object[]> cur = Jdbc.list(c, "SELECT label, rating FROM gold_candidate WHERE candidate_id = ?",
                        rs -> new Object[]{rs.getString(1), rs.getObject(2, Integer.class)}, cid);
                String label = cur.isEmpty() ? null : (String) cur.get(0)[0];
                Integer rating = cur.isEmpty() ? null : (Integer) cur.get(0)[1];
                int b = added;
                String nl = g.labels().get(i);
                Integer nr = g.ratings().get(i);
                if (nl != null) {
                    if (label == null) { label = nl; added++; } else if (!label.equals(nl)) kept++;
                }
                if (nr != null) {
                    if (rating == null) { rating = nr; added++; } else if (!rating.equals(nr)) kept++;
                }
                if (added > b) {
                    Jdbc.update(c, "DELETE FROM gold_candidate WHERE candidate_id = ?", cid);
                    Jdbc.update(c, "INSERT INTO gold_candidate (candidate_id, prompt_id, label, rating, updated_at) VALUES (?, ?, ?, ?, ?)",
                            cid, pid, label, rating, now);
                }
            }
            for (int[] pr : g.preferences()) {
                long p = cands[pr[0]];
                long q = cands[pr[1]];
                long a = Math.min(p, q);
                long b = Math.max(p, q);
                List<Long> cur = Jdbc.list(c, "SELECT preferred FROM gold_preference WHERE candidate_a = ? AND candidate_b = ?", rs -> rs.getLong(1), a, b);
                if (cur.isEmpty()) {
                    Jdbc.update(c, "INSERT INTO gold_preference (candidate_a, candidate_b, prompt_id, preferred, updated_at) VALUES (?, ?, ?, ?, ?)",
                            a, b, pid, p, now);
                    added++;
                } else if (cur.get(0) != p) {
                    kept++;
                }
            }
            if (added > before) prompts++;
        }
        return new MergeResult(prompts, added, kept);
    }

    /** Writes every labelled prompt's gold to {@code out} (atomically: a temp file renamed into place). */
    public int export(Path out) {
        Path tmp = out.resolveSibling(out.getFileName() + ".part");
        int n = 0;
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            for (long pid : workspace.gold().labelledPromptIds()) {
                Prompt p = workspace.prompts().get(pid).orElseThrow();
                List<Candidate> cands = workspace.candidates().forPrompt(pid);
                Map<Long, Integer> pos = new HashMap<>();
                for (Candidate c : cands) pos.put(c.id(), c.position());
                PromptJudgments j = workspace.gold().forPrompt(pid);
                ObjectNode o = JSON.createObjectNode();
                o.put("prompt_id", p.sourceId());
                if (j.prompt().bestCandidateId() != null) o.put("best", pos.get(j.prompt().bestCandidateId()));
                if (j.prompt().worstCandidateId() != null) o.put("worst", pos.get(j.prompt().worstCandidateId()));
                ArrayNode labels = o.putArray("labels");
                ArrayNode ratings = o.putArray("ratings");
                for (CandidateGold g : j.candidates()) {
                    if (g.label() != null) labels.addObject().put("candidate", pos.get(g.candidateId())).put("label", g.label().name());
                    if (g.rating() != null) ratings.addObject().put("candidate", pos.get(g.candidateId())).put("rating", g.rating());
                }
                ArrayNode prefs = o.putArray("preferences");
                for (Preference pr : j.preferences()) prefs.addObject().put("preferred", pos.get(pr.preferred())).put("other", pos.get(pr.other()));
                if (j.prompt().note() != null) o.put("note", j.prompt().note());
                w.write(o.toString());
                w.write('\n');
                n++;
            }
        } catch (IOException e) {
            deleteQuietly(tmp); // no half file left behind, under any name
            throw StorageProblems.io("cannot write " + out, e);
        }
        try {
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw StorageProblems.io("cannot write " + out, e);
        }
        return n;
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // the error being reported matters more
        }
    }
}
