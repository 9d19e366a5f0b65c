package io.moodlectl.database.mariadb;

import io.moodlectl.database.DatabaseCredentials;
import io.moodlectl.database.DatabaseEngine;
import io.moodlectl.database.DatabaseEngines;
import io.moodlectl.database.DatabaseExec;
import io.moodlectl.database.ServerReadiness;
import io.moodlectl.database.TransferFolder;
import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.runtime.ContainerRuntime;
import io.moodlectl.runtime.ContainerSpec;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * MariaDB in the image built from {@code images/mariadb}: administration as root over the socket (unix_socket
 * authentication), the site's user by password (handed over in {@code MYSQL_PWD}). Dumps pass through the
 * {@link TransferFolder}.
 */
public final class MariaDbEngine implements DatabaseEngine {
    public static final String NAME = "mariadb";
    static final String DATA_PATH = "/var/lib/mysql";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration FLUSH_WAIT = Duration.ofSeconds(30);
    private static final Duration READY_POLL = Duration.ofSeconds(2);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String moodleDbType() {
        return "mariadb";
    }

    @Override
    public int port() {
        return 3306;
    }

    @Override
    public ContainerSpec.Builder containerSpec(String name, String image, Path dataDir) {
        return TransferFolder.serverSpec(name, image, dataDir, DATA_PATH, NAME);
    }

    @Override
    public void waitReady(ContainerRuntime runtime, String container, Duration timeout) {
        // One exec polls inside the container (every 0.1 s, for up to READY_POLL) instead of one exec per poll: each
        // exec costs ~0.25 s on a loaded host, more than the server takes to come up on a snapshot.
        ServerReadiness.await("MariaDB", runtime, container, timeout, () ->
                root("wait for the server", List.of("sh", "-c", READY_SCRIPT, "ready",
                        Long.toString(Math.max(1, Math.min(timeout.toMillis(), READY_POLL.toMillis()) / 100))))
                        .run(runtime, container).ok());
    }

    /** Runs {@code SELECT 1} until it answers or $1 tries (0.1 s apart) are spent; prints its answer. */
    static final String READY_SCRIPT = "i=0; while [ \"$i\" -lt \"$1\" ]; do"
            + " if out=$(mariadb --batch --skip-column-names -e 'SELECT 1' 2>/dev/null) && [ \"$out\" = 1 ]; then echo 1; exit 0; fi;"
            + " i=$((i+1)); sleep 0.1; done; exit 1";

    @Override
    public void createDatabase(ContainerRuntime runtime, String container, DatabaseCredentials c) {
        String db = DatabaseEngines.requireIdentifier("database", c.database());
        String user = DatabaseEngines.requireIdentifier("user", c.user());
        String sql = "CREATE DATABASE IF NOT EXISTS `" + db + "` DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n"
                + "CREATE USER IF NOT EXISTS '" + user + "'@'%' IDENTIFIED BY '" + literal(c.password()) + "';\n"
                + "ALTER USER '" + user + "'@'%' IDENTIFIED BY '" + literal(c.password()) + "';\n"
                + "GRANT ALL PRIVILEGES ON `" + db + "`.* TO '" + user + "'@'%';\n"
                + "FLUSH PRIVILEGES;\n";
        // The statements carry the password: they go through the environment to the client's stdin, never argv.
        DatabaseExec.of("create database " + db,
                        List.of("sh", "-c", "printf '%s\\n' \"$MOODLECTL_SQL\" | mariadb --batch"))
                .withSecretEnv("MOODLECTL_SQL", sql)
                .withSecret(c.password())
                .check(runtime, container);
    }

    @Override
    public List<List<String>> query(ContainerRuntime runtime, String container, DatabaseCredentials c, String sql) {
        String out = DatabaseExec.of("query " + c.database(),
                        List.of("mariadb", "--batch", "--skip-column-names", "--protocol=socket",
                                "-u", c.user(), "-D", c.database(), "-e", sql))
                .withSecretEnv("MYSQL_PWD", c.password())
                .check(runtime, container);
        return DatabaseEngines.parseRows(out);
    }

    @Override
    public String serverVersion(ContainerRuntime runtime, String container) {
        String v = root("read the server version", List.of("mariadb", "--batch", "--skip-column-names", "-e",
                "SELECT VERSION()")).check(runtime, container).strip();
        int dash = v.indexOf('-');
        return dash > 0 ? v.substring(0, dash) : v;
    }

    @Override
    public void dump(ContainerRuntime runtime, String container, DatabaseCredentials c, Path target) {
        String db = DatabaseEngines.requireIdentifier("database", c.database());
        TransferFolder transfer = TransferFolder.ofContainer(runtime, container);
        String file = transfer.newFileName("dump-" + db, ".sql");
        try {
            root("dump " + db, List.of("mariadb-dump", "--single-transaction", "--routines", "--triggers",
                    "--hex-blob", "--default-character-set=utf8mb4", "--result-file=" + transfer.containerFile(file), db))
                    .check(runtime, container);
            transfer.moveOut(file, target);
        } finally {
            transfer.delete(file);
        }
    }

    @Override
    public void restore(ContainerRuntime runtime, String container, DatabaseCredentials c, Path dump) {
        String db = DatabaseEngines.requireIdentifier("database", c.database());
        if (!Files.isRegularFile(dump)) {
            throw MoodlectlException.notFound("no dump file " + dump, "give the path of a file written by dump");
        }
        TransferFolder transfer = TransferFolder.ofContainer(runtime, container);
        String file = transfer.newFileName("restore-" + db, ".sql");
        transfer.bringIn(dump, file);
        try {
            root("restore " + dump.getFileName() + " into " + db, List.of("sh", "-c",
                    "exec mariadb --batch --default-character-set=utf8mb4 \"$1\" < \"$2\"", "restore", db,
                    transfer.containerFile(file))).check(runtime, container);
        } finally {
            transfer.delete(file);
        }
    }

    @Override
    public void flush(ContainerRuntime runtime, String container) {
        // One exec, one client session (each exec costs ~0.25 s, each client start more under load): FLUSH TABLES, then
        // InnoDB writes its dirty pages (max dirty pct 0, I/O capacity raised meanwhile: at the default 200 pages/s a
        // busy site waits seconds) for up to FLUSH_WAIT, so the snapshot's crash recovery has little to do. The
        // settings go back at the end, or on any error inside the block.
        DatabaseExec.of("flush tables and InnoDB's dirty pages",
                        List.of("sh", "-c", "printf '%s\\n' \"$MOODLECTL_SQL\" | exec mariadb --batch"))
                .withEnv("MOODLECTL_SQL", FLUSH_SQL)
                .check(runtime, container);
    }

    private static final long FLUSH_POLLS = FLUSH_WAIT.toMillis() / 50;
    static final String FLUSH_SQL = ""
            + "SET @old_pct = @@GLOBAL.innodb_max_dirty_pages_pct, @old_io = @@GLOBAL.innodb_io_capacity,\n"
            + "    @old_io_max = @@GLOBAL.innodb_io_capacity_max;\n"
            + "FLUSH TABLES;\n"
            + "DELIMITER //\n"
            + "BEGIN NOT ATOMIC\n"
            + "  DECLARE i INT DEFAULT 0;\n"
            + "  DECLARE EXIT HANDLER FOR SQLEXCEPTION\n"
            + "    BEGIN\n"
            + "      SET GLOBAL innodb_max_dirty_pages_pct = @old_pct, innodb_io_capacity = @old_io,\n"
            + "          innodb_io_capacity_max = @old_io_max;\n"
            + "      RESIGNAL;\n"
            + "    END;\n"
            + "  SET GLOBAL innodb_io_capacity_max = GREATEST(@old_io_max, 100000);\n"
            + "  SET GLOBAL innodb_io_capacity = GREATEST(@old_io, 100000);\n"
            + "  SET GLOBAL innodb_max_dirty_pages_pct = 0;\n"
            + "  WHILE i < " + FLUSH_POLLS + " AND (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS\n"
            + "                     WHERE VARIABLE_NAME = 'INNODB_BUFFER_POOL_PAGES_DIRTY') > 0 DO\n"
            + "    DO SLEEP(0.05);\n"
            + "    SET i = i + 1;\n"
            + "  END WHILE;\n"
            + "  SET GLOBAL innodb_max_dirty_pages_pct = @old_pct, innodb_io_capacity = @old_io, innodb_io_capacity_max = @old_io_max;\n"
            + "END//\n"
            + "DELIMITER ;\n";

    @Override
    public void quiesce(ContainerRuntime runtime, String container) {
        runtime.stop(container, STOP_TIMEOUT);
    }

    @Override
    public void prepareCopy(Path dataDir) {
        // The image keeps its pid file and socket in /run/mysqld; remove any a custom setup left in the datadir.
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dataDir, "*.{pid,sock}")) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new MoodlectlException(ExitCode.FAILED, "cannot prepare the copied data directory " + dataDir + ": "
                    + e.getMessage(), "check that the copy exists and is writable");
        }
    }

    private String sql(ContainerRuntime runtime, String container, String sql) {
        return root("run " + sql, List.of("mariadb", "--batch", "--skip-column-names", "-e", sql)).check(runtime, container);
    }

    private static DatabaseExec root(String what, List<String> command) {
        return DatabaseExec.of(what, command);
    }

    /** A string literal's content for MariaDB (default sql_mode: backslash escapes are on). */
    static String literal(String s) {
        return s.replace("\\", "\\\\").replace("'", "''").replace("\u0000", "\\0");
    }
}
