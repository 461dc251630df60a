package dev.prefwork.store;

import dev.prefwork.core.Prompt;
import dev.prefwork.core.PromptFilter;
import dev.prefwork.core.PromptSummary;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Prompts for the lists the UI pages through. A filtered list is fetched as its ordered ids first (8 bytes a
 * prompt, one indexed query), then rows by id for the visible page only — random access into 100K prompts
 * without OFFSET scans.
 */
public final class PromptRepository {

    /** Characters of prompt text a summary carries: enough for a list row and its tooltip. */
    public static final int SUMMARY_CHARS = 400;

    private final Jdbc jdbc;

    PromptRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Prompt> get(long id) {
        return jdbc.one("SELECT id, dataset_id, source_id, text, category, metadata FROM prompt WHERE id = ?",
                rs -> new Prompt(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)), id);
    }

    public Optional<Prompt> bySourceId(String sourceId) {
        return jdbc.one("SELECT id FROM prompt WHERE source_id = ?", rs -> rs.getLong(1), sourceId).flatMap(this::get);
    }

    /** Ids of the prompts matching {@code filter}, in workspace order. */
    public long[] ids(PromptFilter filter) {
        List<Object> params = new ArrayList<>();
        String where = where(filter, params);
        List<Long> ids = jdbc.list("SELECT p.id FROM prompt p" + where + " ORDER BY p.id", rs -> rs.getLong(1), params.toArray());
        long[] out = new long[ids.size()];
        for (int i = 0; i < out.length; i++) out[i] = ids.get(i);
        return out;
    }

    public int count(PromptFilter filter) {
        List<Object> params = new ArrayList<>();
        String where = where(filter, params);
        return (int) jdbc.count("SELECT COUNT(*) FROM prompt p" + where, params.toArray());
    }

    /** Summaries of the given prompts, in the order of {@code ids}. */
    public List<PromptSummary> summaries(long[] ids) {
        if (ids.length == 0) return List.of();
        Long[] boxed = new Long[ids.length];
        for (int i = 0; i < ids.length; i++) boxed[i] = ids[i];
        Map<Long, PromptSummary> byId = new HashMap<>();
        jdbc.list("""
                SELECT p.id, p.source_id, d.name, p.category, LEFT(p.text, ?) AS text,
                       (SELECT COUNT(*) FROM candidate c WHERE c.prompt_id = p.id) AS candidates,
                       (EXISTS (SELECT 1 FROM gold_candidate g WHERE g.prompt_id = p.id)
                        OR EXISTS (SELECT 1 FROM gold_prompt g WHERE g.prompt_id = p.id)
                        OR EXISTS (SELECT 1 FROM gold_preference g WHERE g.prompt_id = p.id)) AS labelled
                FROM prompt p JOIN dataset d ON d.id = p.dataset_id
                WHERE p.id = ANY(?)""",
                rs -> new PromptSummary(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getInt(6), rs.getBoolean(7)),
                SUMMARY_CHARS, boxed).forEach(s -> byId.put(s.id(), s));
        List<PromptSummary> out = new ArrayList<>(ids.length);
        for (long id : ids) {
            PromptSummary s = byId.get(id);
            if (s != null) out.add(s);
        }
        return out;
    }

    /** Category → number of prompts, by category name; prompts without a category are under "". */
    public Map<String, Integer> categories() {
        Map<String, Integer> out = new LinkedHashMap<>();
        jdbc.list("SELECT COALESCE(category, ''), COUNT(*) FROM prompt GROUP BY COALESCE(category, '') ORDER BY 1",
                rs -> out.put(rs.getString(1), rs.getInt(2)));
        return out;
    }

    private static String where(PromptFilter f, List<Object> params) {
        List<String> conds = new ArrayList<>();
        if (f.search() != null && !f.search().isBlank()) {
            String like = "%" + escapeLike(f.search().strip().toLowerCase(Locale.ROOT)) + "%";
            conds.add("(LOWER(p.text) LIKE ? ESCAPE '\\' OR LOWER(p.source_id) LIKE ? ESCAPE '\\')");
            params.add(like);
            params.add(like);
        }
        if (f.category() != null) {
            if (f.category().isEmpty()) {
                conds.add("p.category IS NULL");
            } else {
                conds.add("p.category = ?");
                params.add(f.category());
            }
        }
        if (f.datasetId() != null) {
            conds.add("p.dataset_id = ?");
            params.add(f.datasetId());
        }
        switch (f.gold()) {
            case LABELLED -> conds.add("p.id IN (SELECT prompt_id FROM labelled_prompt)");
            case UNLABELLED -> conds.add("p.id NOT IN (SELECT prompt_id FROM labelled_prompt)");
            default -> { }
        }
        return conds.isEmpty() ? "" : " WHERE " + String.join(" AND ", conds);
    }

    private static String escapeLike(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
