package dev.prefwork.store;

import dev.prefwork.core.WorkspaceStats;
import dev.prefwork.core.WorkspaceStats.Counts;
import dev.prefwork.core.WorkspaceStats.DatasetCounts;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Workspace and per-dataset counts in a handful of grouped queries (no per-dataset round trips). */
public final class StatsQuery {

    private final Jdbc jdbc;

    StatsQuery(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public WorkspaceStats compute() {
        Map<Long, int[]> byDataset = new HashMap<>();
        // columns: prompts, candidates, labelledPrompts, candidateLabels, ratings, bestWorst, preferences
        collect(byDataset, 0, "SELECT dataset_id, COUNT(*) FROM prompt GROUP BY dataset_id");
        collect(byDataset, 1, "SELECT p.dataset_id, COUNT(*) FROM candidate c JOIN prompt p ON p.id = c.prompt_id GROUP BY p.dataset_id");
        collect(byDataset, 2, "SELECT p.dataset_id, COUNT(*) FROM labelled_prompt l JOIN prompt p ON p.id = l.prompt_id GROUP BY p.dataset_id");
        collect(byDataset, 3, "SELECT p.dataset_id, COUNT(*) FROM gold_candidate g JOIN prompt p ON p.id = g.prompt_id WHERE g.label IS NOT NULL GROUP BY p.dataset_id");
        collect(byDataset, 4, "SELECT p.dataset_id, COUNT(*) FROM gold_candidate g JOIN prompt p ON p.id = g.prompt_id WHERE g.rating IS NOT NULL GROUP BY p.dataset_id");
        collect(byDataset, 5, "SELECT p.dataset_id, COUNT(*) FROM gold_prompt g JOIN prompt p ON p.id = g.prompt_id WHERE g.best_candidate_id IS NOT NULL OR g.worst_candidate_id IS NOT NULL GROUP BY p.dataset_id");
        collect(byDataset, 6, "SELECT p.dataset_id, COUNT(*) FROM gold_preference g JOIN prompt p ON p.id = g.prompt_id GROUP BY p.dataset_id");

        int[] total = new int[7];
        List<DatasetCounts> datasets = jdbc.list("SELECT id, name, format FROM dataset ORDER BY id", rs -> {
            int[] v = byDataset.getOrDefault(rs.getLong(1), new int[7]);
            for (int i = 0; i < 7; i++) total[i] += v[i];
            return new DatasetCounts(rs.getLong(1), rs.getString(2), rs.getString(3), counts(v));
        });
        return new WorkspaceStats(counts(total), datasets);
    }

    private void collect(Map<Long, int[]> into, int column, String sql) {
        jdbc.list(sql, rs -> into.computeIfAbsent(rs.getLong(1), k -> new int[7])[column] = rs.getInt(2));
    }

    private static Counts counts(int[] v) {
        return new Counts(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
    }
}
