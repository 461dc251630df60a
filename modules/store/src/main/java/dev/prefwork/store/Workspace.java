package dev.prefwork.store;

import dev.prefwork.core.InputException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.db.Store;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A workspace: one folder holding an embedded H2 database ({@code workspace.mv.db}) and the files that
 * belong to it ({@code exports/}, {@code models/}, {@code runs/}, {@code backups/}).
 *
 * <p>Opening runs the pending schema migrations, after an online backup of the database when it already
 * held data, on a copy that replaces the database only once complete. Every commit goes through
 * {@link Jdbc#commitDurably}, which returns once the commit is in the file, so a label acknowledged to the
 * expert survives a kill -9. H2's file lock keeps a second process out.
 */
public final class Workspace implements AutoCloseable {

    public static final String DB_NAME = "workspace";

    /** The newest migration in db/migration; a test keeps it equal to the highest V&lt;n&gt; file there. */
    private static final int SCHEMA_VERSION = 12;

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

    /**
     * As {@link #open(Path)}, with more migration locations (tests use it to stage a newer schema).
     *
     * <p>Migrations never run on the workspace's database file itself: H2 commits each DDL statement on its own,
     * so a kill -9 in the middle of a migration would leave a schema that is half one version and half the next,
     * which no later start could open. A new database is built in {@link #STAGING} and moved into place once its
     * schema is complete; an existing one is backed up, copied there, migrated, and the copy renamed over the
     * original (an atomic rename). A kill at any moment leaves the old database or the new one, never a mix;
     * whatever it left in {@link #STAGING} is discarded on the next open.
     */
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
            throw StorageProblems.io("cannot create the workspace folder " + abs, e);
        }
        requireWritable(abs);
        Path staging = abs.resolve(STAGING);
        if (!exists(abs)) createAside(abs, staging, extraLocations);
        Workspace ws = connect(abs);
        try {
            if (extraLocations.length == 0 && ws.appliedVersion() == SCHEMA_VERSION) {
                if (Files.exists(staging)) deleteTree(staging); // a kill after an upgrade's rename, before its clean-up
                return ws;
            }
            Flyway flyway = flyway(ws.pool, extraLocations);
            MigrationInfoService info = flyway.info();
            MigrationInfo[] pending = info.pending();
            if (pending.length == 0) {
                flyway.migrate(); // nothing to apply: reports a failed migration or one this version does not know
                return ws;
            }
            if (info.current() != null) ws.backup("before-v" + pending[pending.length - 1].getVersion());
        } catch (RuntimeException e) {
            ws.close();
            throw e;
        }
        ws.close();
        upgradeAside(abs, staging, extraLocations);
        return connect(abs);
    }

    /** Folder inside the workspace where a migration builds the next database (see {@link #open(Path, String...)}). */
    static final String STAGING = ".migrating";

    private static Path dbFile(Path dir) {
        return dir.resolve(DB_NAME + ".mv.db");
    }

    private static String url(Path dir) {
        return "jdbc:h2:file:" + dir.resolve(DB_NAME) + ";AUTO_SERVER=FALSE;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
    }

    /** Opens the database in {@code dir} as it is (no migration). */
    private static Workspace connect(Path dir) {
        JdbcConnectionPool pool = JdbcConnectionPool.create(url(dir), "prefwork", "");
        pool.setMaxConnections(16);
        try {
            return new Workspace(dir, pool, pool.getConnection());
        } catch (SQLException e) {
            pool.dispose();
            throw translateOpenError(dir, e);
        }
    }

    /** A new database: the whole schema is built in {@code staging}, then the file is moved into the workspace. */
    private static void createAside(Path dir, Path staging, String... extraLocations) {
        deleteTree(staging); // a creation killed earlier
        migrateIn(staging, extraLocations);
        try {
            Files.move(dbFile(staging), dbFile(dir)); // a rename; refuses to replace a database created meanwhile
        } catch (IOException e) {
            throw StorageProblems.io("cannot create the database of " + dir, e);
        }
        deleteTree(staging);
    }

    /**
     * Pending migrations on an existing database (closed by the caller after its backup): copied to {@code staging},
     * migrated there, and renamed over the original. A lock on the original keeps other processes out meanwhile.
     */
    private static void upgradeAside(Path dir, Path staging, String... extraLocations) {
        Path db = dbFile(dir);
        Path copy = dbFile(staging);
        try (FileChannel original = FileChannel.open(db, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = original.tryLock();
            if (lock == null) throw alreadyOpen(dir);
            deleteTree(staging);
            Files.createDirectories(staging);
            try (FileChannel out = FileChannel.open(copy, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                // through the locked channel: on Windows a locked file cannot be read through another handle
                long size = original.size();
                for (long at = 0; at < size; ) at += original.transferTo(at, size - at, out);
            }
            migrateIn(staging, extraLocations);
            try {
                Files.move(copy, db, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileSystemException e) {
                // Windows will not rename over a file that is open: let go of it for the rename
                lock.release();
                original.close();
                Files.move(copy, db, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (OverlappingFileLockException e) {
            throw alreadyOpen(dir);
        } catch (IOException e) {
            deleteTree(staging);
            throw StorageProblems.io("the upgrade of " + dir + " to the new schema failed and was not applied", e);
        }
        deleteTree(staging);
    }

    /** Runs every pending migration on the database in {@code dir}, closes it and flushes the file to disk. */
    private static void migrateIn(Path dir, String... extraLocations) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw StorageProblems.io("cannot create " + dir, e);
        }
        Workspace ws = connect(dir);
        try {
            flyway(ws.pool, extraLocations).migrate();
        } catch (RuntimeException e) {
            ws.close();
            deleteTree(dir);
            throw e;
        }
        ws.close();
        try (FileChannel f = FileChannel.open(dbFile(dir), StandardOpenOption.WRITE)) {
            f.force(true);
        } catch (IOException e) {
            throw StorageProblems.io("cannot write " + dbFile(dir), e);
        }
    }

    private static Flyway flyway(DataSource ds, String... extraLocations) {
        String[] locations = new String[extraLocations.length + 1];
        locations[0] = "classpath:db/migration";
        System.arraycopy(extraLocations, 0, locations, 1, extraLocations.length);
        return Flyway.configure().dataSource(ds).locations(locations).loggers("slf4j").load();
    }

    /**
     * Prefwork saves every judgment as it is made, so it refuses a folder it cannot write to at once (H2 would open
     * it read-only and fail on the expert's first label). Root passes permission bits but not a read-only mount or
     * an immutable file, which {@link Files#isWritable} sees.
     */
    private static void requireWritable(Path dir) {
        Path db = dbFile(dir);
        if (!Files.isWritable(dir) || (Files.exists(db) && !Files.isWritable(db))) {
            throw new InputException("the workspace " + dir + " is read-only here (a read-only disk, folder or file);"
                    + " Prefwork saves every change as you make it, so copy the folder to a place you can write to and open the copy");
        }
    }

    private static InputException alreadyOpen(Path dir) {
        return new InputException("the workspace " + dir + " is already open in another Prefwork window or process;"
                + " close it there first");
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw StorageProblems.io("cannot clear " + root, e);
        }
    }

    private static RuntimeException translateOpenError(Path dir, SQLException e) {
        // 90020: DATABASE_ALREADY_OPEN_1 — the file lock is held by another process.
        if (e.getErrorCode() == 90020) return alreadyOpen(dir);
        if (e.getErrorCode() == 90096 || e.getErrorCode() == 90097 || e.getErrorCode() == 90098) {
            // NOT_ENOUGH_RIGHTS / DATABASE_IS_READ_ONLY / DATABASE_IS_CLOSED
            return new InputException("the workspace " + dir + " cannot be opened for writing: " + e.getMessage());
        }
        return StorageProblems.translate("cannot open the workspace " + dir, e);
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
            throw StorageProblems.translate("backup to " + target + " failed", e);
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

    public LfPairVoteRepository lfPairVotes() { return new LfPairVoteRepository(jdbc); }

    public JudgeVerdictRepository judgeVerdicts() { return new JudgeVerdictRepository(jdbc); }

    public SettingsRepository settings() { return new SettingsRepository(jdbc); }

    public LabelModelRunRepository labelModelRuns() { return new LabelModelRunRepository(jdbc); }

    public GenerationJobRepository generationJobs() { return new GenerationJobRepository(jdbc); }
    public PairSetRepository pairSets() { return new PairSetRepository(jdbc); }
    public TrainingRunRepository trainingRuns() { return new TrainingRunRepository(jdbc); }

    public ComparisonRepository comparisons() { return new ComparisonRepository(jdbc); }

    /** Training run folders ({@code runs/run-<id>/}). */
    public Path runsDir() { return dir.resolve("runs"); }
    public RewardModelRepository rewardModels() { return new RewardModelRepository(jdbc); }

    /** Streaming reads of all prompts, candidates and gold for the engines. */
    public BulkReader bulk() { return new BulkReader(this, jdbc); }

    /** A new connection from the pool, for a job that needs its own transaction (imports). */
    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public void close() {
        if (storeFailed()) {
            // H2 2.5 spins forever (100% CPU, never returns) rolling back a session of a store that failed a write,
            // as after a full disk. The failed store is closed at once instead, which releases the file lock and
            // leaves the file as of its last commit; the connections are dropped without being touched.
            closeFailedStore();
            return;
        }
        try {
            anchor.close();
        } catch (SQLException ignored) {
            // closing anyway: disposing the pool below releases the file lock
        }
        pool.dispose();
    }

    /** Whether H2's store behind this workspace has closed itself or recorded a failed write (a "panic"). */
    boolean storeFailed() {
        MVStore store = mvStore();
        return store != null && (store.isClosed() || store.getPanicException() != null);
    }

    private void closeFailedStore() {
        MVStore store = mvStore();
        if (store != null && !store.isClosed()) store.closeImmediately();
    }

    /** H2's store under the anchor connection; null when it cannot be reached (then closed the ordinary way). */
    private MVStore mvStore() {
        try {
            if (anchor.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session) {
                Store store = session.getDatabase().getStore();
                return store == null ? null : store.getMvStore();
            }
        } catch (SQLException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
