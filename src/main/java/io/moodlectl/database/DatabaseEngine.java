package io.moodlectl.database;

import io.moodlectl.runtime.ContainerRuntime;
import io.moodlectl.runtime.ContainerSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A database server in a container whose data directory lives on the pool (an environment's {@code db/}).
 * Administrative work runs inside the container over its local socket (no server port is published on the host).
 */
public interface DatabaseEngine {
    /** "mariadb" or "postgres", as written in site files. */
    String name();

    /** Moodle's {@code $CFG->dbtype}: "mariadb" or "pgsql". */
    String moodleDbType();

    /** The port Moodle connects to inside the environment's network. */
    int port();

    /**
     * The server container: {@code image}, data in {@code dataDir} (host path; initialised on first start if empty).
     * The caller adds network, labels and name.
     */
    ContainerSpec.Builder containerSpec(String name, String image, Path dataDir);

    /** Waits until the server accepts queries. NOT_READY after {@code timeout}. */
    void waitReady(ContainerRuntime runtime, String container, Duration timeout);

    /** Creates the database and a user owning it, reachable from the environment's network. */
    void createDatabase(ContainerRuntime runtime, String container, DatabaseCredentials credentials);

    /** Runs SQL as the site's user and returns the rows (tab-separated columns, no header). */
    List<List<String>> query(ContainerRuntime runtime, String container, DatabaseCredentials credentials, String sql);

    /** The server's version, e.g. "10.11.6" or "15.8". */
    String serverVersion(ContainerRuntime runtime, String container);

    /** Writes a logical dump of the site's database to {@code target} on the host. */
    void dump(ContainerRuntime runtime, String container, DatabaseCredentials credentials, Path target);

    /** Loads a logical dump (made by {@link #dump} or by the engine's own dump tool) into the site's database. */
    void restore(ContainerRuntime runtime, String container, DatabaseCredentials credentials, Path dump);

    /** Writes dirty pages to disk so a snapshot's crash recovery is short. */
    void flush(ContainerRuntime runtime, String container);

    /** Stops the server cleanly so its files on disk are consistent (for storage without atomic snapshots). */
    void quiesce(ContainerRuntime runtime, String container);

    /** Makes a copied data directory startable (e.g. removes a stale postmaster.pid). */
    void prepareCopy(Path dataDir);
}
