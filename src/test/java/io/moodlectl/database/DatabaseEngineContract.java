package io.moodlectl.database;

import io.moodlectl.error.MoodlectlException;
import io.moodlectl.runtime.ContainerRuntime;
import io.moodlectl.runtime.ExecResult;
import io.moodlectl.runtime.docker.DockerConnection;
import io.moodlectl.shell.ShellCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link DatabaseEngine} must do, against a real server container on a network made by the test. The
 * steps build on each other (one server through the class), so they run in order. Everything is named
 * {@code mctl-d-it-<engine>-…}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class DatabaseEngineContract {
    protected static final Duration READY = Duration.ofSeconds(90);
    /** Quotes, a backslash, a dollar and a space: quoting must survive every layer. */
    protected static final String PASSWORD = "s3cr'e\"t $x\\y pw";
    protected static final DatabaseCredentials SITE = new DatabaseCredentials("moodle", "moodleuser", PASSWORD);
    protected static final DatabaseCredentials SECOND = new DatabaseCredentials("moodle_restored", "otheruser", "An0ther-pw");

    protected ContainerRuntime runtime;
    private DockerConnection connection;
    protected DatabaseEngine engine;
    protected String image;
    private String prefix;
    private Path work;

    /** The engine under test. */
    protected abstract DatabaseEngine engine();

    /** The image role ("mariadb", "postgres"). */
    protected abstract String role();

    /** A client command run in another container that connects to host {@code db} as the site user and runs sql. */
    protected abstract List<String> networkClient(DatabaseCredentials c, String sql);

    /** The environment variable carrying the password for {@link #networkClient}. */
    protected abstract String passwordVariable();

    /** What {@link DatabaseEngine#serverVersion} must look like, e.g. "10\\.11\\.\\d+|11\\.\\d+\\.\\d+". */
    protected abstract String versionPattern();

    private String net() { return prefix + "net"; }
    private String server() { return prefix + "db"; }
    private String copyServer() { return prefix + "copy"; }
    private String client() { return prefix + "client"; }

    @BeforeAll
    void setUp() throws IOException {
        engine = engine();
        image = io.moodlectl.testing.TestImages.tag(role());
        prefix = "mctl-d-it-" + engine.name() + "-";
        connection = DockerConnection.connect();
        runtime = connection.runtime();
        cleanUp();
        work = Files.createTempDirectory("mctl-d-it-" + engine.name());
        runtime.createNetwork(net(), Map.of("moodlectl.test", "mctl-d"));
        Path data = Files.createDirectories(work.resolve("env/db"));
        runtime.create(engine.containerSpec(server(), image, data).network(net(), "db")
                .label("moodlectl.test", "mctl-d").build());
        runtime.start(server());
    }

    @AfterAll
    void tearDown() {
        if (runtime != null) {
            cleanUp();
            connection.close();
        }
        if (work != null) {
            ShellCommand.of("rm", "-rf", work.toString()).run();
        }
    }

    private void cleanUp() {
        for (String c : List.of(server(), copyServer(), client())) {
            runtime.remove(c);
        }
        runtime.removeNetwork(net());
    }

    @Test
    @Order(1)
    void startsOnAnEmptyDataDirAndCreatesTheSiteDatabase() {
        engine.waitReady(runtime, server(), READY);
        engine.createDatabase(runtime, server(), SITE);
        engine.createDatabase(runtime, server(), SITE); // again: no harm
        engine.query(runtime, server(), SITE,
                "CREATE TABLE mdl_t (id INT PRIMARY KEY, name VARCHAR(50)); "
                        + "INSERT INTO mdl_t VALUES (1, 'alpha'), (2, 'beta gamma'), (3, 'ünïcode')");

        assertThat(engine.query(runtime, server(), SITE, "SELECT id, name FROM mdl_t ORDER BY id"))
                .containsExactly(List.of("1", "alpha"), List.of("2", "beta gamma"), List.of("3", "ünïcode"));
    }

    @Test
    @Order(2)
    void theSiteUserConnectsOverTheNetworkFromAnotherContainer() {
        runtime.create(io.moodlectl.runtime.ContainerSpec.builder(client(), image).command("sleep", "infinity")
                .network(net()).label("moodlectl.test", "mctl-d").build());
        runtime.start(client());

        ExecResult r = runtime.exec(client(), networkClient(SITE, "SELECT name FROM mdl_t WHERE id = 2"), null,
                Map.of(passwordVariable(), PASSWORD), null);

        assertThat(r.output().strip()).isEqualTo("beta gamma");
        assertThat(r.exitCode()).isZero();
        ExecResult wrong = runtime.exec(client(), networkClient(SITE, "SELECT 1"), null,
                Map.of(passwordVariable(), "wrong"), null);
        assertThat(wrong.exitCode()).isNotZero();
    }

    @Test
    @Order(3)
    void reportsItsVersionAndKeepsThePasswordOutOfErrors() {
        assertThat(engine.serverVersion(runtime, server())).matches(versionPattern());
        assertThatThrownBy(() -> engine.query(runtime, server(), SITE, "SELECT no_such_column FROM mdl_t"))
                .isInstanceOf(MoodlectlException.class)
                .hasMessageContaining("no_such_column")
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    @Order(4)
    void aDumpRestoredIntoAnotherDatabaseHasTheSameRows() throws IOException {
        Path dump = work.resolve("out/moodle.sql");
        engine.dump(runtime, server(), SITE, dump);
        assertThat(dump).isRegularFile();
        assertThat(Files.size(dump)).isPositive();
        assertThat(Files.list(work.resolve("env/db-transfer"))).as("transfer folder left clean").isEmpty();

        engine.createDatabase(runtime, server(), SECOND);
        engine.restore(runtime, server(), SECOND, dump);

        assertThat(engine.query(runtime, server(), SECOND, "SELECT id, name FROM mdl_t ORDER BY id"))
                .isEqualTo(engine.query(runtime, server(), SITE, "SELECT id, name FROM mdl_t ORDER BY id"));
    }

    @Test
    @Order(5)
    void aSecondServerStartsOnACopyOfTheLiveDataDir() throws IOException {
        engine.query(runtime, server(), SITE, "INSERT INTO mdl_t VALUES (4, 'before the copy')");
        engine.flush(runtime, server());
        Path copy = work.resolve("copy/db");
        Files.createDirectories(copy.getParent());
        ShellCommand.of("cp", "-a", "--reflink=never", work.resolve("env/db").toString(), copy.toString()).check();
        ShellCommand.of("sync").run();
        engine.query(runtime, server(), SITE, "INSERT INTO mdl_t VALUES (5, 'after the copy')");

        engine.prepareCopy(copy);
        runtime.create(engine.containerSpec(copyServer(), image, copy).network(net())
                .label("moodlectl.test", "mctl-d").build());
        runtime.start(copyServer());
        engine.waitReady(runtime, copyServer(), READY);

        assertThat(engine.query(runtime, copyServer(), SITE, "SELECT id FROM mdl_t ORDER BY id"))
                .containsExactly(List.of("1"), List.of("2"), List.of("3"), List.of("4"));
        runtime.remove(copyServer());
    }

    @Test
    @Order(6)
    void aQuiescedServerRestartsOnTheSameDataDirWithItsData() {
        engine.quiesce(runtime, server());
        assertThat(runtime.inspect(server())).hasValueSatisfying(c -> assertThat(c.running()).isFalse());

        runtime.start(server());
        engine.waitReady(runtime, server(), READY);

        assertThat(engine.query(runtime, server(), SITE, "SELECT id FROM mdl_t ORDER BY id"))
                .containsExactly(List.of("1"), List.of("2"), List.of("3"), List.of("4"), List.of("5"));
    }
}
