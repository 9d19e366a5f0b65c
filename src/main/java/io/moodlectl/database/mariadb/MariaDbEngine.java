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
        TransferFolder transfer = TransferFolder.forDataDir(dataDir);
        return ContainerSpec.builder(name, image)
                .mount(dataDir.toAbsolutePath().toString(), DATA_PATH)
                .mount(transfer.hostPath().toString(), TransferFolder.CONTAINER_PATH)
                .label(TransferFolder.LABEL, transfer.hostPath().toString())
                .label("moodlectl.db.engine", NAME);
    }

    @Override
    public void waitReady(ContainerRuntime runtime, String container, Duration timeout) {
        ServerReadiness.await("MariaDB", runtime, container, timeout, () ->
                root("ping", List.of("mariadb-admin", "--silent", "ping")).run(runtime, container).ok()
                        && root("select", List.of("mariadb", "--batch", "--skip-column-names", "-e", "SELECT 1"))
                        .run(runtime, container).output().strip().equals("1"));
    }

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
        String old = sql(runtime, container, "SELECT @@GLOBAL.innodb_max_dirty_pages_pct").strip();
        sql(runtime, container, "FLUSH TABLES; SET GLOBAL innodb_max_dirty_pages_pct=0");
        try {
            long deadline = System.nanoTime() + FLUSH_WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                String dirty = sql(runtime, container,
                        "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                                + " WHERE VARIABLE_NAME='INNODB_BUFFER_POOL_PAGES_DIRTY'").strip();
                if (dirty.equals("0")) {
                    break;
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sql(runtime, container, "SET GLOBAL innodb_max_dirty_pages_pct=" + Double.parseDouble(old));
        }
    }

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
