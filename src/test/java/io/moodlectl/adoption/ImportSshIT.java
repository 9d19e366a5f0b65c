package io.moodlectl.adoption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moodlectl.moodle.ConfigPhp;
import io.moodlectl.site.HttpProbe;
import io.moodlectl.testing.TestHost;
import io.moodlectl.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * site import --from ssh://… against a second "host" on this machine: a container (TEST-only image built from
 * src/test/resources/images/sshsite on the web image, cached by a hash of its recipe) running sshd, MariaDB and a
 * fixture site installed with its own CLI.
 */
class ImportSshIT {
    private static final Path RECIPE = Path.of("src/test/resources/images/sshsite");
    private final TestHost t = TestHost.get();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aRunningSiteIsImportedOverSshWithMaintenanceOnlyWhileItIsCopied() throws Exception {
        String oldHost = t.siteName("so");
        String container = oldHost + "-oldhost";
        String newName = t.siteName("si");
        String liveName = t.siteName("sl");
        Path dir = Files.createDirectories(t.dir().resolve(oldHost));
        try {
            String image = ensureImage();
            Path code = Files.createDirectories(dir.resolve("code"));
            sh("git -C " + t.fixtureRepo() + " archive v4.4.0 | tar -x -C " + code);
            String dbPass = "old-db-pass-" + System.nanoTime();
            Files.writeString(code.resolve("config.php"), ConfigPhp.render(new ConfigPhp.Settings("mariadb", "localhost", "moodle",
                    "moodle", dbPass, "mdl_", "http://old.example.edu", "/var/moodledata", "admin", false, false, false, null, null,
                    Map.of())));
            Path keys = Files.createDirectories(dir.resolve("keys"));
            sh("ssh-keygen -q -t ed25519 -N '' -f " + dir.resolve("id") + " && cp " + dir.resolve("id.pub") + " " + keys.resolve("authorized_keys"));
            int sshPort = TestHost.freePort();
            sh("podman run -d --name " + container + " --label moodlectl.site=" + oldHost + " -e DB_PASSWORD=" + dbPass
                    + " -p 127.0.0.1:" + sshPort + ":22 -v " + code + ":/srv/oldmoodle -v " + keys + ":/keys:ro " + image);
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!TestHost.exec(List.of("podman", "logs", container)).contains("old site host ready")) {
                assertThat(System.nanoTime()).as("old host ready").isLessThan(deadline);
                Thread.sleep(500);
            }
            old(container, "php -d max_input_vars=5000 admin/cli/install_database.php --agree-license --adminpass=Old-Admin-1"
                    + " --adminemail=admin@old.example.edu --fullname=Old --shortname=old");
            for (int i = 0; i < 3; i++) {
                old(container, "php fixture/cli/add_file.php --filename=o" + i + ".txt --content='old file " + i + "'");
            }

            int port = TestHost.freePort();
            Path file = t.siteFile(newName, t.fixtureSite(newName, port, TestHost.freePort(), "mariadb", "v4.4.0", null));
            TestHost.Result r = t.run("--json", "site", "import", "-f", file.toString(),
                    "--from", "ssh://root@127.0.0.1:" + sshPort + "/srv/oldmoodle",
                    "--ssh-option", "IdentityFile=" + dir.resolve("id"), "--ssh-option", "StrictHostKeyChecking=no",
                    "--ssh-option", "UserKnownHostsFile=/dev/null", "--ssh-option", "LogLevel=ERROR");
            assertThat(r.exitCode()).as(r.err()).isZero();
            JsonNode res = json.readTree(r.out());
            assertThat(res.get("origin").asText()).startsWith("ssh://root@127.0.0.1:" + sshPort + "/srv/oldmoodle");
            assertThat(res.get("possiblyInconsistent").asBoolean()).isFalse();
            assertThat(HttpProbe.get("127.0.0.1", port, "127.0.0.1:" + port, "/login/index.php", 10_000).status()).isEqualTo(200);

            // the same data
            for (String table : List.of("user", "course", "files", "config_plugins")) {
                String q = "SELECT COUNT(*) FROM {" + table + "}";
                assertThat(sqlNew(newName, q)).as(table).isEqualTo(old(container, "php fixture/cli/sql.php --query='" + q + "'").strip());
            }
            TreeSet<String> remoteFiles = new TreeSet<>(old(container, "cd /var/moodledata/filedir && find . -type f -printf '%P\\n'").lines().toList());
            Path filedir;
            try (var h = t.host()) {
                filedir = h.storage().root().resolve(newName + ".e1/moodledata/filedir");
            }
            TreeSet<String> localFiles = new TreeSet<>();
            try (Stream<Path> s = Files.walk(filedir)) {
                for (Path p : s.filter(Files::isRegularFile).toList()) {
                    localFiles.add(filedir.relativize(p).toString());
                    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(Files.readAllBytes(p))))
                            .as("content of " + p).isEqualTo(p.getFileName().toString());
                }
            }
            assertThat(localFiles).isEqualTo(remoteFiles).hasSize(3);

            // the old site serves as before: maintenance was on for the copy only
            assertThat(old(container, "test -e /var/moodledata/climaintenance.html && echo on || echo off").strip()).isEqualTo("off");
            String fetch = t.run("ops", "list", "--site", newName).out();
            assertThat(fetch).contains("import-fetch").contains("import");
            String fetchId = res.get("origin").asText().replaceAll(".*operation ([^)]+)\\).*", "$1");
            String shown = t.run("ops", "show", fetchId).out();
            assertThat(shown).contains("maintenance-on").contains("dump-database").contains("maintenance-off").doesNotContain(dbPass);
            assertThat(t.run("ops", "export", res.get("operation").asText(), "--format", "ipynb").out())
                    .contains("ssh://root@127.0.0.1").doesNotContain(dbPass);
            assertThat(Files.exists(t.stateDir().resolve("cache/imports"))
                    ? Files.list(t.stateDir().resolve("cache/imports")).count() : 0).as("fetched files removed").isZero();

            // --live-copy: the old site is never put in maintenance, and the result says it may be inconsistent
            assertThat(t.run("site", "destroy", newName, "--yes").exitCode()).isZero();
            Path again = t.siteFile(liveName, t.fixtureSite(liveName, TestHost.freePort(), TestHost.freePort(), "mariadb", "v4.4.0", null));
            TestHost.Result live = t.run("--json", "site", "import", "-f", again.toString(), "--live-copy",
                    "--from", "ssh://root@127.0.0.1:" + sshPort + "/srv/oldmoodle",
                    "--ssh-option", "IdentityFile=" + dir.resolve("id"), "--ssh-option", "StrictHostKeyChecking=no",
                    "--ssh-option", "UserKnownHostsFile=/dev/null", "--ssh-option", "LogLevel=ERROR");
            assertThat(live.exitCode()).as(live.err()).isZero();
            JsonNode liveRes = json.readTree(live.out());
            assertThat(liveRes.get("possiblyInconsistent").asBoolean()).isTrue();
            String liveFetch = liveRes.get("origin").asText().replaceAll(".*operation ([^)]+)\\).*", "$1");
            assertThat(t.run("ops", "show", liveFetch).out()).contains("dump-database").doesNotContain("maintenance-on");
            assertThat(sqlNew(liveName, "SELECT COUNT(*) FROM {files}"))
                    .isEqualTo(old(container, "php fixture/cli/sql.php --query='SELECT COUNT(*) FROM {files}'").strip());
        } finally {
            t.run("site", "destroy", newName, "--yes");
            t.run("site", "destroy", liveName, "--yes");
            TestHost.exec(List.of("podman", "rm", "-f", "-t", "0", "--ignore", container));
        }
    }

    private static String old(String container, String command) {
        return TestHost.exec(List.of("podman", "exec", "-u", "www-data", "-w", "/srv/oldmoodle", container, "sh", "-c", command));
    }

    private String sqlNew(String site, String query) {
        TestHost.Result r = t.run("exec", site, "--", "php", "fixture/cli/sql.php", "--query=" + query);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        return r.out().strip();
    }

    /** The test image, built if missing; its tag carries a hash of the recipe and its base. */
    static String ensureImage() throws Exception {
        String base = TestImages.tag("web");
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        d.update(Files.readAllBytes(RECIPE.resolve("Containerfile")));
        d.update(Files.readAllBytes(RECIPE.resolve("start.sh")));
        d.update(base.getBytes(StandardCharsets.UTF_8));
        String tag = "moodlectl/test-sshsite:" + HexFormat.of().formatHex(d.digest()).substring(0, 12);
        Process p = new ProcessBuilder("podman", "image", "exists", tag).start();
        if (p.waitFor() != 0) {
            TestHost.exec(List.of("podman", "build", "-q", "-t", tag, "--build-arg", "BASE=" + base, RECIPE.toString()));
        }
        return tag;
    }

    static void sh(String command) {
        TestHost.exec(List.of("bash", "-o", "pipefail", "-c", command));
    }
}
