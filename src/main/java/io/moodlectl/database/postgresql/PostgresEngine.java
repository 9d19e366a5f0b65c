package io.moodlectl.database.postgresql;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL in the image built from {@code images/postgres}: administration as {@code postgres} over the socket
 * (trusted there), the site's user by password (handed over in {@code PGPASSWORD}). Dumps are plain SQL without
 * owners or grants, restored as the site's user so it owns what it restores; they pass through the
 * {@link TransferFolder}.
 */
public final class PostgresEngine implements DatabaseEngine {
    public static final String NAME = "postgres";
    static final String DATA_PATH = "/var/lib/postgresql/data";
    private static final String SOCKET_DIR = "/var/run/postgresql";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(120);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String moodleDbType() {
        return "pgsql";
    }

    @Override
    public int port() {
        return 5432;
    }

    @Override
    public ContainerSpec.Builder containerSpec(String name, String image, Path dataDir) {
        return TransferFolder.serverSpec(name, image, dataDir, DATA_PATH, NAME);
    }

    @Override
    public void waitReady(ContainerRuntime runtime, String container, Duration timeout) {
        // One exec polls inside the container (every 0.1 s for up to 2 s) instead of two execs per poll.
        ServerReadiness.await("PostgreSQL", runtime, container, timeout, () -> {
            List<String> cmd = new ArrayList<>(List.of("sh", "-c", READY_SCRIPT, "ready",
                    Long.toString(Math.max(1, Math.min(timeout.toMillis(), 2000) / 100))));
            cmd.addAll(psql("postgres", "postgres", List.of("-c", "SELECT 1")));
            return DatabaseExec.of("check readiness", cmd).run(runtime, container).ok();
        });
    }

    /** $1: tries, 0.1 s apart; the rest: the client command, which must print 1. */
    static final String READY_SCRIPT = "n=$1; shift; i=0; while [ \"$i\" -lt \"$n\" ]; do"
            + " if out=$(\"$@\" 2>/dev/null) && [ \"$out\" = 1 ]; then exit 0; fi; i=$((i+1)); sleep 0.1; done; exit 1";

    @Override
    public void createDatabase(ContainerRuntime runtime, String container, DatabaseCredentials c) {
        String db = DatabaseEngines.requireIdentifier("database", c.database());
        String user = DatabaseEngines.requireIdentifier("user", c.user());
        String password = literal(c.password());
        // One statement per line through stdin (CREATE DATABASE can't run inside psql -c's implicit transaction).
        String sql = "SELECT 'CREATE ROLE \"" + user + "\" LOGIN' WHERE NOT EXISTS"
                + " (SELECT 1 FROM pg_roles WHERE rolname = '" + user + "')\\gexec\n"
                + "ALTER ROLE \"" + user + "\" LOGIN PASSWORD '" + password + "';\n"
                + "SELECT 'CREATE DATABASE \"" + db + "\" OWNER \"" + user + "\" ENCODING ''UTF8'' TEMPLATE template0"
                + " LC_COLLATE ''C.UTF-8'' LC_CTYPE ''C.UTF-8''' WHERE NOT EXISTS"
                + " (SELECT 1 FROM pg_database WHERE datname = '" + db + "')\\gexec\n"
                + "ALTER DATABASE \"" + db + "\" OWNER TO \"" + user + "\";\n";
        DatabaseExec.of("create database " + db, List.of("sh", "-c",
                        "printf '%s\\n' \"$MOODLECTL_SQL\" | psql -X -q -v ON_ERROR_STOP=1 -h " + SOCKET_DIR
                                + " -U postgres -d postgres"))
                .withSecretEnv("MOODLECTL_SQL", sql)
                .withSecret(c.password())
                .withEnv("PGOPTIONS", "-c client_min_messages=warning")
                .check(runtime, container);
    }

    @Override
    public List<List<String>> query(ContainerRuntime runtime, String container, DatabaseCredentials c, String sql) {
        String out = DatabaseExec.of("query " + c.database(), psql(c.user(), c.database(), List.of("-c", sql)))
                .withSecretEnv("PGPASSWORD", c.password())
                .withEnv("PGOPTIONS", "-c client_min_messages=error")
                .check(runtime, container);
        return DatabaseEngines.parseRows(out);
    }

    @Override
    public String serverVersion(ContainerRuntime runtime, String container) {
        String v = admin("read the server version", "postgres", "SHOW server_version").check(runtime, container).strip();
        int space = v.indexOf(' ');
        return space > 0 ? v.substring(0, space) : v;
    }

    @Override
    public void dump(ContainerRuntime runtime, String container, DatabaseCredentials c, Path target) {
        String db = DatabaseEngines.requireIdentifier("database", c.database());
        TransferFolder transfer = TransferFolder.ofContainer(runtime, container);
        String file = transfer.newFileName("dump-" + db, ".sql");
        try {
            DatabaseExec.of("dump " + db, List.of("pg_dump", "-h", SOCKET_DIR, "-U", "postgres", "-Fp", "--no-owner",
                    "--no-privileges", "--encoding=UTF8", "-f", transfer.containerFile(file), db)).check(runtime, container);
            transfer.moveOut(file, target);
        } finally {
            transfer.delete(file);
        }
    }

    @Override
    public void restore(ContainerRuntime runtime, String container, DatabaseCredentials c, Path dump) {
        DatabaseEngines.requireIdentifier("database", c.database());
        if (!Files.isRegularFile(dump)) {
            throw MoodlectlException.notFound("no dump file " + dump, "give the path of a file written by dump");
        }
        TransferFolder transfer = TransferFolder.ofContainer(runtime, container);
        String file = transfer.newFileName("restore-" + c.database(), ".sql");
        transfer.bringIn(dump, file);
        try {
            List<String> args = new ArrayList<>(List.of("--single-transaction", "-f", transfer.containerFile(file)));
            DatabaseExec.of("restore " + dump.getFileName() + " into " + c.database(), psql(c.user(), c.database(), args))
                    .withSecretEnv("PGPASSWORD", c.password())
                    .withEnv("PGOPTIONS", "-c client_min_messages=warning")
                    .check(runtime, container);
        } finally {
            transfer.delete(file);
        }
    }

    @Override
    public void flush(ContainerRuntime runtime, String container) {
        admin("checkpoint", "postgres", "CHECKPOINT").check(runtime, container);
    }

    @Override
    public void quiesce(ContainerRuntime runtime, String container) {
        // The image's stop signal is SIGINT, PostgreSQL's fast and clean shutdown.
        runtime.stop(container, STOP_TIMEOUT);
    }

    @Override
    public void prepareCopy(Path dataDir) {
        try {
            Files.deleteIfExists(dataDir.resolve("postmaster.pid"));
        } catch (IOException e) {
            throw new MoodlectlException(ExitCode.FAILED, "cannot remove postmaster.pid from the copied data directory "
                    + dataDir + ": " + e.getMessage(), "check that the copy exists and is writable");
        }
    }

    private static List<String> psql(String user, String database, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                "-h", SOCKET_DIR, "-U", user, "-d", database));
        cmd.addAll(args);
        return cmd;
    }

    private static DatabaseExec admin(String what, String database, String sql) {
        return DatabaseExec.of(what, psql("postgres", database, List.of("-c", sql)));
    }

    /** A string literal's content (standard_conforming_strings is on: only quotes are doubled). */
    static String literal(String s) {
        return s.replace("'", "''");
    }
}
