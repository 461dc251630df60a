package dev.prefwork.app.reliability;

import dev.prefwork.store.Workspace;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What must hold in any workspace after a kill, whatever was running: the schema is exactly a fresh workspace's
 * (same applied migrations with the same checksums, same tables, columns and constraints), every row of every
 * table reads back, and the cross-table facts that H2's constraints cannot express hold (no dataset without
 * prompts, no prompt with fewer than two candidates outside prompt-only datasets, no label-model run without
 * all its predictions, vote and vector blobs of the stated size, session counts that add up).
 *
 * <p>A new feature's tables are covered by the schema and read-back checks without changes here; facts about
 * them go in {@link #FACTS} (a query that counts the rows breaking one) or in the operation's own check.
 */
final class WorkspaceInvariants {

    /** Each fact: what it means, and a query counting the rows that break it (must be 0). */
    static final Map<String, String> FACTS = new LinkedHashMap<>();

    static {
        FACTS.put("every dataset has prompts (no half import)",
                "SELECT COUNT(*) FROM dataset d WHERE NOT EXISTS (SELECT 1 FROM prompt p WHERE p.dataset_id = d.id)");
        FACTS.put("every prompt of a candidates, CSV or TRL dataset has at least two candidates", """
                SELECT COUNT(*) FROM prompt p JOIN dataset d ON d.id = p.dataset_id
                WHERE d.format <> 'prompts' AND (SELECT COUNT(*) FROM candidate c WHERE c.prompt_id = p.id) < 2""");
        FACTS.put("every imported pair names two candidates of its prompt", """
                SELECT COUNT(*) FROM imported_preference ip JOIN candidate ch ON ch.id = ip.chosen_id JOIN candidate re ON re.id = ip.rejected_id
                WHERE ch.prompt_id <> ip.prompt_id OR re.prompt_id <> ip.prompt_id""");
        FACTS.put("gold rows belong to their candidate's prompt", """
                SELECT COUNT(*) FROM gold_candidate g JOIN candidate c ON c.id = g.candidate_id
                WHERE c.prompt_id <> g.prompt_id OR (g.label IS NULL AND g.rating IS NULL)""");
        FACTS.put("best and worst picks are candidates of their prompt", """
                SELECT COUNT(*) FROM gold_prompt g
                LEFT JOIN candidate b ON b.id = g.best_candidate_id LEFT JOIN candidate w ON w.id = g.worst_candidate_id
                WHERE (b.id IS NOT NULL AND b.prompt_id <> g.prompt_id) OR (w.id IS NOT NULL AND w.prompt_id <> g.prompt_id)""");
        FACTS.put("a session's judgments are the sum over its prompts", """
                SELECT COUNT(*) FROM labeling_session s WHERE s.judgments < 0
                OR s.judgments <> COALESCE((SELECT SUM(sp.judgments) FROM session_prompt sp WHERE sp.session_id = s.id), 0)""");
        FACTS.put("at most one labelling session is open (a killed one is closed at the next start)",
                "SELECT GREATEST(COUNT(*) - 1, 0) FROM labeling_session WHERE ended_at IS NULL");
        FACTS.put("every labeling function has a version",
                "SELECT COUNT(*) FROM labeling_function f WHERE NOT EXISTS (SELECT 1 FROM lf_version v WHERE v.lf_id = f.id)");
        FACTS.put("stored votes hold one byte per candidate", "SELECT COUNT(*) FROM lf_votes WHERE OCTET_LENGTH(votes) <> rows_count");
        FACTS.put("every label-model run has all its predictions", """
                SELECT COUNT(*) FROM label_model_run r LEFT JOIN label_model_prediction p ON p.run_id = r.id
                WHERE p.run_id IS NULL OR p.rows_count <> r.rows_count
                   OR OCTET_LENGTH(p.candidate_ids) <> 8 * p.rows_count OR OCTET_LENGTH(p.p_good) <> 4 * p.rows_count""");
        FACTS.put("every pair set has all its pairs, numbered 0..n-1 (no half-saved set)", """
                SELECT COUNT(*) FROM pair_set s WHERE s.pairs_count <> (SELECT COUNT(*) FROM pair_set_pair x WHERE x.pair_set_id = s.id)
                   OR s.pairs_count <> COALESCE((SELECT MAX(x.ordinal) + 1 FROM pair_set_pair x WHERE x.pair_set_id = s.id), 0)""");
        FACTS.put("every vector has its model's dimension", """
                SELECT COUNT(*) FROM embedding e JOIN embedding_model m ON m.id = e.model_id
                WHERE OCTET_LENGTH(e.vector) <> 4 * m.dimension""");
    }

    /** The schema as a list of lines, to compare with a fresh workspace's. */
    record Schema(List<String> lines) {
    }

    private WorkspaceInvariants() {
    }

    static Schema schemaOf(Workspace ws) {
        List<String> lines = new ArrayList<>();
        lines.addAll(ws.jdbc().list("""
                SELECT "version", "script", "checksum", "success" FROM "flyway_schema_history" ORDER BY "installed_rank\"""",
                rs -> "migration " + rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getBoolean(4)));
        lines.addAll(ws.jdbc().list("""
                SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, IS_NULLABLE, CHARACTER_MAXIMUM_LENGTH FROM INFORMATION_SCHEMA.COLUMNS
                WHERE TABLE_SCHEMA = 'PUBLIC' ORDER BY TABLE_NAME, COLUMN_NAME""",
                rs -> "column " + rs.getString(1) + "." + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4) + " " + rs.getString(5)));
        lines.addAll(ws.jdbc().list("""
                SELECT TABLE_NAME, CONSTRAINT_TYPE, COUNT(*) FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS
                WHERE TABLE_SCHEMA = 'PUBLIC' GROUP BY TABLE_NAME, CONSTRAINT_TYPE ORDER BY 1, 2""",
                rs -> "constraints " + rs.getString(1) + " " + rs.getString(2) + " " + rs.getLong(3)));
        lines.addAll(ws.jdbc().list("""
                SELECT TABLE_NAME, INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES WHERE TABLE_SCHEMA = 'PUBLIC' AND INDEX_NAME LIKE 'IX_%'
                ORDER BY 1, 2""", rs -> "index " + rs.getString(1) + " " + rs.getString(2)));
        return new Schema(lines);
    }

    /** Everything in the class comment; {@code reference} is a fresh workspace's schema. */
    static void check(Workspace ws, Schema reference) {
        assertThat(schemaOf(ws).lines()).as("the schema after the kill").containsExactlyElementsOf(reference.lines());
        long rows = readEveryRow(ws);
        assertThat(rows).isGreaterThanOrEqualTo(0);
        for (Map.Entry<String, String> f : FACTS.entrySet()) {
            assertThat(ws.jdbc().count(f.getValue())).as(f.getKey()).isZero();
        }
    }

    /** Reads every column of every row of every table (a damaged page fails here); returns the number of rows. */
    static long readEveryRow(Workspace ws) {
        List<String> tables = ws.jdbc().list("""
                SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_TYPE = 'BASE TABLE'
                ORDER BY TABLE_NAME""", rs -> rs.getString(1));
        long rows = 0;
        try (Connection c = ws.connection(); Statement st = c.createStatement()) {
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT * FROM \"" + t + "\"")) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        for (int i = 1; i <= md.getColumnCount(); i++) rs.getObject(i);
                        rows++;
                    }
                }
            }
        } catch (SQLException e) {
            throw new AssertionError("a table could not be read back after the kill: " + e.getMessage(), e);
        }
        return rows;
    }

    /** Flyway's own validation (checksums and order of the applied migrations against the files). */
    static void flywayValidate(Workspace ws) {
        Flyway.configure().dataSource(dataSource(ws)).locations("classpath:db/migration").loggers("slf4j").load().validate();
    }

    /** The workspace's pool as the DataSource Flyway wants (it only asks for connections). */
    private static DataSource dataSource(Workspace ws) {
        return (DataSource) Proxy.newProxyInstance(WorkspaceInvariants.class.getClassLoader(), new Class<?>[]{DataSource.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getConnection" -> ws.connection();
                    case "getLogWriter" -> (PrintWriter) null;
                    case "getLoginTimeout" -> 0;
                    case "isWrapperFor" -> false;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "workspace " + ws.dir();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** The schema of a workspace created fresh in {@code dir}. */
    static Schema reference(Path dir) {
        try (Workspace ws = Workspace.open(dir)) {
            return schemaOf(ws);
        }
    }
}
