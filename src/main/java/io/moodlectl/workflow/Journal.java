package io.moodlectl.workflow;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operations journal: an embedded SQLite database (WAL mode, {@code synchronous=FULL}) that records every operation
 * and each of its steps before and after they run. Several processes may share one file (they wait on each other's
 * writes up to a busy timeout). Every text written passes through {@link Redactor#redact}. Each write is its own short
 * transaction, durable when the method returns.
 */
public final class Journal implements AutoCloseable {
    /** The schema version this code writes ({@code PRAGMA user_version}). */
    static final int SCHEMA_VERSION = 1;
    private static final int BUSY_TIMEOUT_MS = 30_000;
    /** Two readings of a process's start time may differ by rounding; a reused pid starts much later. */
    private static final Duration START_TOLERANCE = Duration.ofSeconds(2);

    private final Path file;
    private final Connection db;
    /** Told the id of every operation whose record changed (e.g. to rewrite its notebook); never breaks a write. */
    private volatile java.util.function.Consumer<String> onChange = id -> { };

    private Journal(Path file, Connection db) {
        this.file = file;
        this.db = db;
    }

    /** Opens (creating or migrating) the journal at {@code dbFile}; its folder is created if missing. */
    public static Journal open(Path dbFile) {
        try {
            Path parent = dbFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new MoodlectlException(ExitCode.FAILED, "cannot create the journal's folder for " + dbFile + ": " + e,
                    "check that the folder is writable");
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        config.enforceForeignKeys(true);
        Connection c = null;
        try {
            c = config.createConnection("jdbc:sqlite:" + dbFile.toAbsolutePath());
            Journal j = new Journal(dbFile, c);
            j.migrate();
            return j;
        } catch (SQLException e) {
            closeQuietly(c);
            throw new MoodlectlException(ExitCode.FAILED, "cannot open the journal " + dbFile + ": " + e.getMessage(),
                    "check that the file is a moodlectl journal and is writable", e);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    /**
     * Calls {@code listener} with an operation's id after each write to its record (operation, steps, facts), in the
     * writing thread; what it throws is ignored. One listener; a later call replaces it.
     */
    public void onChange(java.util.function.Consumer<String> listener) {
        onChange = listener == null ? id -> { } : listener;
    }

    private void changed(String operationId) {
        try {
            onChange.accept(operationId);
        } catch (RuntimeException ignored) {
            // a record is a copy of the journal: failing to write it must never fail the operation
        }
    }

    private void migrate() throws SQLException {
        db.setAutoCommit(false);
        try (Statement s = db.createStatement()) {
            int version;
            try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                version = rs.next() ? rs.getInt(1) : 0;
            }
            if (version > SCHEMA_VERSION) {
                db.rollback();
                throw new MoodlectlException(ExitCode.UNSUPPORTED,
                        "the journal " + file + " has schema version " + version + ", newer than this moodlectl ("
                                + SCHEMA_VERSION + ")", "use the moodlectl version that wrote it, or a newer one");
            }
            if (version < 1) {
                s.executeUpdate("""
                        CREATE TABLE IF NOT EXISTS operations (
                          id TEXT PRIMARY KEY,
                          kind TEXT NOT NULL,
                          site TEXT,
                          summary TEXT,
                          status TEXT NOT NULL,
                          started INTEGER NOT NULL,
                          ended INTEGER,
                          error TEXT,
                          pid INTEGER NOT NULL,
                          pid_started INTEGER
                        )""");
                s.executeUpdate("CREATE INDEX IF NOT EXISTS operations_by_site ON operations(site, started)");
                s.executeUpdate("CREATE INDEX IF NOT EXISTS operations_by_start ON operations(started)");
                s.executeUpdate("""
                        CREATE TABLE IF NOT EXISTS steps (
                          operation_id TEXT NOT NULL REFERENCES operations(id) ON DELETE CASCADE,
                          seq INTEGER NOT NULL,
                          name TEXT NOT NULL,
                          description TEXT,
                          command TEXT,
                          status TEXT NOT NULL,
                          output TEXT NOT NULL DEFAULT '',
                          exit_code INTEGER,
                          started INTEGER NOT NULL,
                          ended INTEGER,
                          PRIMARY KEY (operation_id, seq)
                        )""");
                s.executeUpdate("""
                        CREATE TABLE IF NOT EXISTS facts (
                          operation_id TEXT NOT NULL REFERENCES operations(id) ON DELETE CASCADE,
                          key TEXT NOT NULL,
                          value TEXT,
                          position INTEGER NOT NULL,
                          PRIMARY KEY (operation_id, key)
                        )""");
            }
            // later versions: if (version < 2) { ALTER TABLE … }
            if (version != SCHEMA_VERSION) {
                s.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
            }
            db.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                db.rollback();
            } catch (SQLException ignored) {
                // the original error matters
            }
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    // ---------------------------------------------------------------- readers

    /** Operations, newest first, of one site (or of all when {@code siteOrNull} is null); {@code limit} ≤ 0: all. */
    public synchronized List<OperationRecord> operations(String siteOrNull, int limit) {
        String sql = "SELECT * FROM operations" + (siteOrNull == null ? "" : " WHERE site = ?")
                + " ORDER BY started DESC, id DESC" + (limit > 0 ? " LIMIT " + limit : "");
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            if (siteOrNull != null) {
                ps.setString(1, siteOrNull);
            }
            return readOperations(ps);
        } catch (SQLException e) {
            throw readError(e);
        }
    }

    /**
     * The operation with this id, or with the only id starting with it. An ambiguous prefix is an INVALID_INPUT error
     * that lists the candidates.
     */
    public synchronized Optional<OperationRecord> operation(String id) {
        if (id == null || id.isBlank()) {
            return Optional.empty();
        }
        try (PreparedStatement ps = db.prepareStatement("SELECT * FROM operations WHERE id = ?")) {
            ps.setString(1, id);
            List<OperationRecord> exact = readOperations(ps);
            if (!exact.isEmpty()) {
                return Optional.of(exact.get(0));
            }
        } catch (SQLException e) {
            throw readError(e);
        }
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT * FROM operations WHERE substr(id, 1, ?) = ? ORDER BY started DESC, id DESC LIMIT 11")) {
            ps.setInt(1, id.length());
            ps.setString(2, id);
            List<OperationRecord> found = readOperations(ps);
            if (found.size() > 1) {
                List<String> ids = found.stream().limit(10).map(OperationRecord::id).toList();
                throw MoodlectlException.invalid("operation id prefix '" + id + "' matches more than one operation: "
                        + String.join(", ", ids) + (found.size() > 10 ? ", …" : ""), "give more of the id");
            }
            return found.stream().findFirst();
        } catch (SQLException e) {
            throw readError(e);
        }
    }

    /** The steps of an operation in the order they started (revert steps included); empty if there is none. */
    public synchronized List<StepRecord> steps(String operationId) {
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT * FROM steps WHERE operation_id = ? ORDER BY seq")) {
            ps.setString(1, operationId);
            List<StepRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new StepRecord(rs.getString("operation_id"), rs.getInt("seq"), rs.getString("name"),
                            rs.getString("description"), rs.getString("command"),
                            StepStatus.valueOf(rs.getString("status")), rs.getString("output"),
                            integer(rs, "exit_code"), instant(rs, "started"), instant(rs, "ended")));
                }
            }
            return out;
        } catch (SQLException e) {
            throw readError(e);
        }
    }

    /** Operations still running (their process is alive), newest first; of one site, or all when null. */
    public synchronized List<OperationRecord> running(String siteOrNull) {
        String sql = "SELECT * FROM operations WHERE status = 'RUNNING'" + (siteOrNull == null ? "" : " AND site = ?")
                + " ORDER BY started DESC, id DESC";
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            if (siteOrNull != null) {
                ps.setString(1, siteOrNull);
            }
            return readOperations(ps).stream().filter(o -> o.status() == OperationStatus.RUNNING).toList();
        } catch (SQLException e) {
            throw readError(e);
        }
    }

    /**
     * Closes the record of an INTERRUPTED operation once someone has looked at what it left behind: the operation
     * becomes FAILED with {@code reason}, and its steps still marked RUNNING become FAILED. Its undos are not run
     * (they were code in the process that died). NOT_FOUND if there is no such operation, CONFLICT if it is still
     * running or already finished.
     */
    public synchronized OperationRecord abandon(String id, String reason) {
        OperationRecord op = requireInterrupted(id, "abandoned");
        return close(op.id(), OperationStatus.FAILED, "interrupted" + (reason == null || reason.isBlank() ? "" : ": " + reason));
    }

    /**
     * The operation with this id (or unique prefix) if it is INTERRUPTED: NOT_FOUND if there is none, CONFLICT (with the
     * pid of a live one) otherwise. {@code verb} says what was asked ("resumed", "aborted").
     */
    public synchronized OperationRecord requireInterrupted(String id, String verb) {
        OperationRecord op = operation(id).orElseThrow(() -> MoodlectlException.notFound(
                "no operation " + id + " in the journal", "list them with `moodlectl ops list`"));
        if (op.status() != OperationStatus.INTERRUPTED) {
            throw MoodlectlException.conflict("operation " + op.id() + " is " + op.status()
                    + (op.status() == OperationStatus.RUNNING ? " (process " + op.pid() + " is running it)" : "")
                    + ": only an interrupted operation can be " + verb, op.status() == OperationStatus.RUNNING
                    ? "wait for it to end, or stop process " + op.pid() + " first" : "see `moodlectl ops show " + op.id() + "`");
        }
        return op;
    }

    /**
     * Closes the record of an operation whose process died (its steps still marked RUNNING become FAILED) with
     * {@code status} (FAILED, ABORTED, RESUMED) and {@code note} as its error/explanation. Only a RUNNING record is
     * changed: the caller checks (under the site's lock) that its process is gone.
     */
    public synchronized OperationRecord close(String id, OperationStatus status, String note) {
        long now = Instant.now().toEpochMilli();
        String error = note;
        try {
            db.setAutoCommit(false);
            try (PreparedStatement ops = db.prepareStatement(
                    "UPDATE operations SET status = '" + status.name() + "', ended = ?, error = ? WHERE id = ? AND status = 'RUNNING'");
                 PreparedStatement steps = db.prepareStatement("""
                         UPDATE steps SET status = 'FAILED', ended = ?,
                           output = output || '(interrupted: the process ended while this step ran)' || char(10)
                         WHERE operation_id = ? AND status = 'RUNNING'""")) {
                ops.setLong(1, now);
                ops.setString(2, Redactor.redact(error));
                ops.setString(3, id);
                ops.executeUpdate();
                steps.setLong(1, now);
                steps.setString(2, id);
                steps.executeUpdate();
                db.commit();
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw writeError(e);
        }
        changed(id);
        return operation(id).orElseThrow();
    }

    /** Records a fact of an operation (also of one whose process is gone: what recovery found or did). */
    public void recordFact(String operationId, String key, String value) {
        putFact(operationId, key, value);
    }

    private List<OperationRecord> readOperations(PreparedStatement ps) throws SQLException {
        record Row(String id, String kind, String site, String summary, String status, Instant started, Instant ended,
                   String error, long pid, Long pidStarted) {
        }
        List<Row> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long ps2 = rs.getLong("pid_started");
                rows.add(new Row(rs.getString("id"), rs.getString("kind"), rs.getString("site"),
                        rs.getString("summary"), rs.getString("status"), instant(rs, "started"), instant(rs, "ended"),
                        rs.getString("error"), rs.getLong("pid"), rs.wasNull() ? null : ps2));
            }
        }
        List<OperationRecord> out = new ArrayList<>();
        for (Row r : rows) {
            OperationStatus status = OperationStatus.valueOf(r.status());
            if (status == OperationStatus.RUNNING && !alive(r.pid(), r.pidStarted())) {
                status = OperationStatus.INTERRUPTED;
            }
            out.add(new OperationRecord(r.id(), r.kind(), r.site(), r.summary(), status, r.started(), r.ended(),
                    r.error(), r.pid(), facts(r.id())));
        }
        return out;
    }

    private Map<String, String> facts(String operationId) throws SQLException {
        Map<String, String> facts = new LinkedHashMap<>();
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT key, value FROM facts WHERE operation_id = ? ORDER BY position")) {
            ps.setString(1, operationId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    facts.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return facts;
    }

    /** Is the process that wrote this RUNNING record still there (and not another process that got its pid)? */
    static boolean alive(long pid, Long pidStartedMillis) {
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty() || !p.get().isAlive()) {
            return false;
        }
        if (pidStartedMillis == null) {
            return true;
        }
        Optional<Instant> start = p.get().info().startInstant();
        return start.isEmpty() || Duration.between(Instant.ofEpochMilli(pidStartedMillis), start.get()).abs()
                .compareTo(START_TOLERANCE) <= 0;
    }

    // ---------------------------------------------------------------- writers (used by Operation)

    /** Inserts a RUNNING operation; false if the id is taken. */
    synchronized boolean insertOperation(String id, String kind, String site, String summary, Instant started,
                                         long pid, Instant pidStarted) {
        try (PreparedStatement ps = db.prepareStatement("""
                INSERT INTO operations (id, kind, site, summary, status, started, pid, pid_started)
                VALUES (?, ?, ?, ?, 'RUNNING', ?, ?, ?) ON CONFLICT(id) DO NOTHING""")) {
            ps.setString(1, id);
            ps.setString(2, kind);
            ps.setString(3, site);
            ps.setString(4, Redactor.redact(summary));
            ps.setLong(5, started.toEpochMilli());
            ps.setLong(6, pid);
            setInstant(ps, 7, pidStarted);
            boolean inserted = ps.executeUpdate() == 1;
            if (inserted) {
                changed(id);
            }
            return inserted;
        } catch (SQLException e) {
            throw writeError(e);
        }
    }

    synchronized void finishOperation(String id, OperationStatus status, Instant ended, String error) {
        try (PreparedStatement ps = db.prepareStatement(
                "UPDATE operations SET status = ?, ended = ?, error = ? WHERE id = ?")) {
            ps.setString(1, status.name());
            setInstant(ps, 2, ended);
            ps.setString(3, Redactor.redact(error));
            ps.setString(4, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw writeError(e);
        }
        changed(id);
    }

    synchronized void putFact(String operationId, String key, String value) {
        try (PreparedStatement ps = db.prepareStatement("""
                INSERT INTO facts (operation_id, key, value, position)
                VALUES (?, ?, ?, (SELECT coalesce(max(position), 0) + 1 FROM facts WHERE operation_id = ?))
                ON CONFLICT(operation_id, key) DO UPDATE SET value = excluded.value""")) {
            ps.setString(1, operationId);
            ps.setString(2, Redactor.redact(key));
            ps.setString(3, Redactor.redact(value));
            ps.setString(4, operationId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw writeError(e);
        }
        changed(operationId);
    }

    synchronized void insertStep(String operationId, int seq, String name, String description, String command,
                                 StepStatus status, Instant started) {
        try (PreparedStatement ps = db.prepareStatement("""
                INSERT INTO steps (operation_id, seq, name, description, command, status, started)
                VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setString(1, operationId);
            ps.setInt(2, seq);
            ps.setString(3, Redactor.redact(name));
            ps.setString(4, Redactor.redact(description));
            ps.setString(5, Redactor.redact(command));
            ps.setString(6, status.name());
            ps.setLong(7, started.toEpochMilli());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw writeError(e);
        }
        changed(operationId);
    }

    /** Records what a running step has so far (command, output, exit code), without finishing it. */
    synchronized void updateStep(String operationId, int seq, String command, String output, Integer exitCode) {
        updateStep(operationId, seq, null, command, output, exitCode, null);
    }

    synchronized void finishStep(String operationId, int seq, StepStatus status, String command, String output,
                                 Integer exitCode, Instant ended) {
        updateStep(operationId, seq, status, command, output, exitCode, ended);
    }

    private void updateStep(String operationId, int seq, StepStatus status, String command, String output,
                            Integer exitCode, Instant ended) {
        try (PreparedStatement ps = db.prepareStatement("""
                UPDATE steps SET status = coalesce(?, status), command = ?, output = ?, exit_code = ?,
                  ended = coalesce(?, ended)
                WHERE operation_id = ? AND seq = ?""")) {
            ps.setString(1, status == null ? null : status.name());
            ps.setString(2, Redactor.redact(command));
            ps.setString(3, output == null ? "" : Redactor.redact(output));
            if (exitCode == null) {
                ps.setNull(4, Types.INTEGER);
            } else {
                ps.setInt(4, exitCode);
            }
            setInstant(ps, 5, ended);
            ps.setString(6, operationId);
            ps.setInt(7, seq);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw writeError(e);
        }
        changed(operationId);
    }

    // ---------------------------------------------------------------- plumbing

    private static void setInstant(PreparedStatement ps, int index, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setLong(index, t.toEpochMilli());
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static Integer integer(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    private MoodlectlException readError(SQLException e) {
        return new MoodlectlException(ExitCode.FAILED, "cannot read the journal " + file + ": " + e.getMessage(),
                "check the file; another moodlectl may hold it locked", e);
    }

    private MoodlectlException writeError(SQLException e) {
        return new MoodlectlException(ExitCode.FAILED, "cannot write the journal " + file + ": " + e.getMessage(),
                "check free space and permissions; another moodlectl may hold it locked", e);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // nothing to do
            }
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly(db);
    }
}
