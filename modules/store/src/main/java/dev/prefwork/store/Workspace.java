package dev.prefwork.store;

import dev.prefwork.core.InputException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.h2.jdbcx.JdbcConnectionPool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * A workspace: one folder holding an embedded H2 database ({@code workspace.mv.db}) and the files that
 * belong to it ({@code exports/}, {@code models/}, {@code runs/}, {@code backups/}).
 *
 * <p>Opening runs the pending schema migrations, after an online backup of the database when it already
 * held data. Commits are flushed to the file at once ({@code WRITE_DELAY=0}), so a label acknowledged to
 * the expert survives a kill -9. H2's file lock keeps a second process out.
 */
public final class Workspace implements AutoCloseable {

    public static final String DB_NAME = "workspace";

    /** The newest migration in db/migration; a test keeps it equal to the highest V&lt;n&gt; file there. */
    private static final int SCHEMA_VERSION = 7;

    /** A method, not a constant, so a test compiled against an older value cannot keep a stale inlined copy. */
    static int schemaVersion() {
        return SCHEMA_VERSION;
    }

    private final Path dir;
    private final JdbcConnectionPool pool;
    /** Held open for the workspace's lifetime so H2 keeps the database (and its lock) open between calls. */
    private final Connection anchor;
    private final Jdbc jdbc;

    private Workspace(Path dir, JdbcConnectionPool pool, Connection anchor) {
        this.dir = dir;
        this.pool = pool;
        this.anchor = anchor;
        this.jdbc = new Jdbc(pool);
    }

    /** True when {@code dir} holds a Prefwork database. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(DB_NAME + ".mv.db"));
    }

    /** Opens the workspace in {@code dir}, creating the folder and an empty database if needed. */
    public static Workspace open(Path dir) {
        return open(dir, new String[0]);
    }

    /** As {@link #open(Path)}, with more migration locations (tests use it to stage a newer schema). */
    static Workspace open(Path dir, String... extraLocations) {
        Path abs = dir.toAbsolutePath().normalize();
        // The JDBC URL is built from the path: refuse anything that could smuggle H2 URL options in.
        if (abs.toString().contains(";") || abs.toString().contains("\n")) {
            throw new InputException("a workspace path may not contain ';' or a line break: " + abs);
        }
        try {
            Files.createDirectories(abs);
            for (String sub : new String[]{"exports", "models", "runs", "backups"}) {
                Files.createDirectories(abs.resolve(sub));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the workspace folder " + abs + ": " + e.getMessage(), e);
        }
        boolean existed = exists(abs);
        String url = "jdbc:h2:file:" + abs.resolve(DB_NAME) + ";AUTO_SERVER=FALSE;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "prefwork", "");
        pool.setMaxConnections(16);
        Connection anchor;
        try {
            anchor = pool.getConnection();
        } catch (SQLException e) {
            pool.dispose();
            throw translateOpenError(abs, e);
        }
        Workspace ws = new Workspace(abs, pool, anchor);
        try {
            ws.migrate(existed, extraLocations);
        } catch (RuntimeException e) {
            ws.close();
            throw e;
        }
        return ws;
    }

    private static RuntimeException translateOpenError(Path dir, SQLException e) {
        // 90020: DATABASE_ALREADY_OPEN_1 — the file lock is held by another process.
        if (e.getErrorCode() == 90020) {
            return new InputException("the workspace " + dir + " is already open in another Prefwork window or process;"
                    + " close it there first");
        }
        if (e.getErrorCode() == 90096 || e.getErrorCode() == 90097 || e.getErrorCode() == 90098) {
            // NOT_ENOUGH_RIGHTS / DATABASE_IS_READ_ONLY / DATABASE_IS_CLOSED
            return new InputException("the workspace " + dir + " cannot be opened for writing: " + e.getMessage());
        }
        return new StoreException("cannot open the workspace " + dir + ": " + e.getMessage(), e);
    }

    private void migrate(boolean existed, String... extraLocations) {
        // Flyway scans the class path on every start (most of a cold open); skip it when the schema is current.
        if (existed && extraLocations.length == 0 && appliedVersion() == SCHEMA_VERSION) return;
        String[] locations = new String[extraLocations.length + 1];
        locations[0] = "classpath:db/migration";
        System.arraycopy(extraLocations, 0, locations, 1, extraLocations.length);
        Flyway flyway = Flyway.configure()
                .dataSource(pool)
                .locations(locations)
                .loggers("slf4j")
                .load();
        MigrationInfoService info = flyway.info();
        MigrationInfo[] pending = info.pending();
        if (pending.length > 0 && existed && info.current() != null) {
            backup("before-v" + pending[pending.length - 1].getVersion());
        }
        flyway.migrate();
    }

    /** The highest successfully applied migration, or -1 when there is no schema history (or a failed one). */
    private int appliedVersion() {
        try (Statement st = anchor.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT MAX(CAST(\"version\" AS INT)), MIN(CAST(\"success\" AS INT))"
                     + " FROM \"flyway_schema_history\" WHERE \"version\" IS NOT NULL")) {
            return rs.next() && rs.getInt(2) == 1 ? rs.getInt(1) : -1;
        } catch (SQLException e) {
            return -1;
        }
    }

    /** Writes a consistent zip copy of the database into {@code backups/} while it stays open. */
    public Path backup(String reason) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path target = dir.resolve("backups").resolve(DB_NAME + "-" + stamp + "-" + reason + ".zip");
        try (Statement st = anchor.createStatement()) {
            st.execute("BACKUP TO '" + target.toString().replace("'", "''") + "'");
        } catch (SQLException e) {
            throw new StoreException("backup to " + target + " failed: " + e.getMessage(), e);
        }
        return target;
    }

    public Path dir() { return dir; }

    public Path exportsDir() { return dir.resolve("exports"); }

    public Jdbc jdbc() { return jdbc; }

    public DatasetRepository datasets() { return new DatasetRepository(jdbc); }

    public PromptRepository prompts() { return new PromptRepository(jdbc); }

    public CandidateRepository candidates() { return new CandidateRepository(jdbc); }

    public GoldRepository gold() { return new GoldRepository(jdbc); }

    public SessionRepository sessions() { return new SessionRepository(jdbc); }

    public EmbeddingRepository embeddings() { return new EmbeddingRepository(jdbc); }

    public ExternalScoreRepository externalScores() { return new ExternalScoreRepository(jdbc); }

    public QueueRepository queues() { return new QueueRepository(jdbc); }

    public ReviewRepository reviews() { return new ReviewRepository(jdbc); }

    public StatsQuery stats() { return new StatsQuery(jdbc); }

    public LabelingFunctionRepository labelingFunctions() { return new LabelingFunctionRepository(jdbc); }

    public LfVoteRepository lfVotes() { return new LfVoteRepository(jdbc); }

    public SettingsRepository settings() { return new SettingsRepository(jdbc); }

    public LabelModelRunRepository labelModelRuns() { return new LabelModelRunRepository(jdbc); }

    public RewardModelRepository rewardModels() { return new RewardModelRepository(jdbc); }

    /** Streaming reads of all prompts, candidates and gold for the engines. */
    public BulkReader bulk() { return new BulkReader(this, jdbc); }

    /** A new connection from the pool, for a job that needs its own transaction (imports). */
    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public void close() {
        try {
            anchor.close();
        } catch (SQLException ignored) {
            // closing anyway: disposing the pool below releases the file lock
        }
        pool.dispose();
    }
}
