package io.moodlectl.adoption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moodlectl.site.HttpProbe;
import io.moodlectl.testing.TestHost;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * site import from files taken with the ordinary tools (mariadb-dump / pg_dump in the old site's database container,
 * tar of its moodledata): refusals before anything is created, then imports that serve the same data, with status and
 * stage working on the result.
 */
class ImportIT {
    static final List<String> TABLES = List.of("user", "course", "files", "fixtureassign", "config_plugins");
    private final TestHost t = TestHost.get();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void mariadbDumpAndTarballImportIntoASiteServingTheSameDataAndMismatchesAreRefusedFirst() throws Exception {
        String old = t.siteName("mo");
        create(old, "mariadb", "v4.4.0", "v1.0.0");
        String newName = t.siteName("mi");
        try {
            addFiles(old);
            Path dir = Files.createDirectories(t.dir().resolve(old + "-export"));
            Path dump = dir.resolve("moodle.sql");
            sh("podman exec " + old + "-e1-db mariadb-dump --single-transaction --routines moodle > " + dump);
            sh("gzip -k " + dump);
            Path volume = volume(old);
            Path tar = dir.resolve("moodledata.tgz");
            sh("tar -czf " + tar + " -C " + volume + " moodledata");
            Path oldConfig = dir.resolve("config.php");
            Files.writeString(oldConfig, "<?php\nunset($CFG);\nglobal $CFG;\n$CFG = new stdClass();\n$CFG->dbtype = 'mariadb';\n"
                    + "$CFG->dbhost = 'old-db.example.edu';\n$CFG->dbpass = 'old-db-secret-42';\n$CFG->prefix = 'mdl_';\n"
                    + "$CFG->dataroot = '/srv/moodledata';\n$CFG->passwordsaltmain = 'old-salt-secret';\n"
                    + "$CFG->fixture_legacy_setting = 'kept-value';\nrequire_once(__DIR__ . '/lib/setup.php');\n");

            // refused before anything is created
            refused(newName, "v4.1.2", "v1.0.0", dump + ".gz", tar, 10, "older than the database", "v4.4.0");
            refused(newName, "v4.4.0", null, dump.toString(), tar, 10, "local_fixturenotes", "plugins:");
            Path truncated = dir.resolve("truncated.sql");
            byte[] all = Files.readAllBytes(dump);
            Files.write(truncated, java.util.Arrays.copyOf(all, all.length * 2 / 3));
            refused(newName, "v4.4.0", "v1.0.0", truncated.toString(), tar, 3, "truncated", "dump again");
            Path empty = Files.createDirectories(dir.resolve("no-filedir"));
            refused(newName, "v4.4.0", "v1.0.0", dump.toString(), empty, 3, "filedir", "dataroot");

            // the import
            int port = TestHost.freePort();
            Path file = t.siteFile(newName, t.fixtureSite(newName, port, TestHost.freePort(), "mariadb", "v4.4.0", "v1.0.0"));
            TestHost.Result r = t.run("--json", "site", "import", "-f", file.toString(), "--database-dump", dump + ".gz",
                    "--moodledata", tar.toString(), "--config", oldConfig.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            JsonNode res = json.readTree(r.out());
            assertThat(res.get("upgraded").asBoolean()).isFalse();
            assertThat(res.get("prefix").asText()).isEqualTo("mdl_");
            assertThat(res.get("keptSettings").toString()).contains("fixture_legacy_setting");
            assertThat(res.get("leftOutSettings").toString()).contains("passwordsaltmain").doesNotContain("old-salt-secret");
            assertThat(HttpProbe.get("127.0.0.1", port, "127.0.0.1:" + port, "/login/index.php", 10_000).status()).isEqualTo(200);
            assertThat(counts(newName)).isEqualTo(counts(old));
            assertThat(filedir(volume(newName))).isEqualTo(filedir(volume)).isNotEmpty();
            assertThat(Files.exists(volume(newName).resolve("moodledata/cache"))).isFalse();
            assertThat(sql(newName, "SELECT value FROM {config} WHERE name = 'fixture_legacy_setting'")).isEqualTo("kept-value");

            // its journal says where it came from, and holds no secret of the old site
            String op = res.get("operation").asText();
            String notebook = t.run("ops", "export", op, "--format", "ipynb").out();
            assertThat(notebook).contains("load-dump").contains("copy-moodledata").contains(dump + ".gz")
                    .doesNotContain("old-db-secret-42").doesNotContain("old-salt-secret");

            // every other command works on it: status, stage
            JsonNode status = json.readTree(t.run("--json", "site", "status", newName).out());
            JsonNode live = status.get("environments").get(0);
            assertThat(new java.math.BigDecimal(live.get("dbVersion").asText()))
                    .isEqualByComparingTo(new java.math.BigDecimal(live.get("codeVersion").asText()));
            Path target = t.siteFile(newName, t.fixtureSite(newName, port, TestHost.freePort(), "mariadb", "v4.5.0", "v1.1.0"));
            TestHost.Result staged = t.run("stage", newName, "-f", target.toString());
            assertThat(staged.exitCode()).as(staged.err()).isZero();
        } finally {
            t.run("site", "destroy", newName, "--yes");
            t.run("site", "destroy", old, "--yes");
        }
    }

    @Test
    void postgresCustomDumpImportsIntoNewerCodeWhichUpgradesIt() throws Exception {
        String old = t.siteName("po");
        create(old, "postgres", "v4.4.0", null);
        String newName = t.siteName("pi");
        try {
            addFiles(old);
            Path dir = Files.createDirectories(t.dir().resolve(old + "-export"));
            Path custom = dir.resolve("moodle.pgdump");
            sh("podman exec " + old + "-e1-db pg_dump -h /var/run/postgresql -U postgres -Fc moodle > " + custom);
            Path plain = dir.resolve("moodle.sql");
            sh("podman exec " + old + "-e1-db pg_dump -h /var/run/postgresql -U postgres moodle > " + plain);
            sh("zstd -q " + plain);
            Path data = volume(old).resolve("moodledata");

            // a plain dump (zstd) is read whole: here refused for its version
            TestHost.Result older = t.run("site", "import", "-f", t.siteFile(newName, t.fixtureSite(newName, TestHost.freePort(),
                    TestHost.freePort(), "postgres", "v4.1.2", null)).toString(), "--database-dump", plain + ".zst", "--moodledata", data.toString());
            assertThat(older.exitCode()).as(older.err()).isEqualTo(10);
            assertThat(older.err()).contains("older than the database").contains("v4.4.0");
            nothingOf(newName);
            // a truncated custom archive
            Path cut = dir.resolve("cut.pgdump");
            byte[] all = Files.readAllBytes(custom);
            Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
            TestHost.Result corrupt = t.run("site", "import", "-f", t.siteFile(newName, t.fixtureSite(newName, TestHost.freePort(),
                    TestHost.freePort(), "postgres", "v4.5.0", null)).toString(), "--database-dump", cut.toString(), "--moodledata", data.toString());
            assertThat(corrupt.exitCode()).as(corrupt.err()).isEqualTo(3);
            assertThat(corrupt.err()).contains("truncated");
            nothingOf(newName);

            int port = TestHost.freePort();
            Path file = t.siteFile(newName, t.fixtureSite(newName, port, TestHost.freePort(), "postgres", "v4.5.0", null));
            TestHost.Result r = t.run("--json", "site", "import", "-f", file.toString(), "--database-dump", custom.toString(),
                    "--moodledata", data.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            JsonNode res = json.readTree(r.out());
            assertThat(res.get("upgraded").asBoolean()).isTrue();
            assertThat(res.get("dumpFormat").asText()).isEqualTo("custom");
            assertThat(HttpProbe.get("127.0.0.1", port, "127.0.0.1:" + port, "/login/index.php", 10_000).status()).isEqualTo(200);
            Map<String, String> before = counts(old);
            Map<String, String> after = counts(newName);
            for (String table : List.of("user", "course", "files", "fixtureassign")) {
                assertThat(after.get(table)).as(table).isEqualTo(before.get(table));
            }
            assertThat(filedir(volume(newName))).isEqualTo(filedir(volume(old))).isNotEmpty();
            JsonNode live = json.readTree(t.run("--json", "site", "status", newName).out()).get("environments").get(0);
            assertThat(live.get("release").asText()).startsWith("4.5");
            assertThat(new java.math.BigDecimal(live.get("dbVersion").asText()))
                    .isEqualByComparingTo(new java.math.BigDecimal(live.get("codeVersion").asText()));
            assertThat(t.run("ops", "show", res.get("operation").asText()).out()).contains("upgrade");
        } finally {
            t.run("site", "destroy", newName, "--yes");
            t.run("site", "destroy", old, "--yes");
        }
    }

    // ---------------------------------------------------------------- helpers

    private void create(String name, String db, String ref, String plugin) {
        Path file = t.siteFile(name, t.fixtureSite(name, TestHost.freePort(), TestHost.freePort(), db, ref, plugin));
        TestHost.Result r = t.run("site", "create", "-f", file.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    private void addFiles(String site) {
        for (int i = 0; i < 3; i++) {
            TestHost.Result r = t.run("exec", site, "--", "php", "fixture/cli/add_file.php", "--filename=f" + i + ".txt",
                    "--content=content of file " + i + " of " + site);
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        }
    }

    private void refused(String name, String ref, String plugin, String dump, Path moodledata, int code, String message, String hint) {
        Path file = t.siteFile(name, t.fixtureSite(name, TestHost.freePort(), TestHost.freePort(), "mariadb", ref, plugin));
        TestHost.Result r = t.run("site", "import", "-f", file.toString(), "--database-dump", dump, "--moodledata", moodledata.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(code);
        assertThat(r.err()).contains(message).contains(hint);
        nothingOf(name);
    }

    private void nothingOf(String name) {
        assertThat(t.containers(name)).isEmpty();
        assertThat(t.networks(name)).isEmpty();
        assertThat(t.volumes(name)).isEmpty();
        assertThat(Files.exists(t.stateDir().resolve("sites").resolve(name))).isFalse();
        assertThat(Files.exists(t.stateDir().resolve("secrets").resolve(name))).isFalse();
    }

    private Path volume(String site) {
        try (var h = t.host()) {
            return h.storage().root().resolve(site + ".e1");
        }
    }

    private String sql(String site, String query) {
        TestHost.Result r = t.run("exec", site, "--", "php", "fixture/cli/sql.php", "--query=" + query);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        return r.out().strip();
    }

    private Map<String, String> counts(String site) {
        Map<String, String> out = new TreeMap<>();
        for (String table : TABLES) {
            out.put(table, sql(site, "SELECT COUNT(*) FROM {" + table + "}"));
        }
        return out;
    }

    /** sha-256 of every file in moodledata/filedir, by path. */
    static Map<String, String> filedir(Path volume) throws Exception {
        Path root = volume.resolve("moodledata/filedir");
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return out;
    }

    static void sh(String command) {
        TestHost.exec(List.of("bash", "-o", "pipefail", "-c", command));
    }
}
