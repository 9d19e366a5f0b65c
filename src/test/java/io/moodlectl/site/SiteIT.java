package io.moodlectl.site;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moodlectl.testing.TestHost;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** site create / status / exec / snapshot / destroy on the Moodle-contract fixture, with both databases. */
class SiteIT {
    private final TestHost t = TestHost.get();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void mariadbSiteServesItsLoginPageRunsCronAndIsDestroyedWithoutLeftovers() throws Exception {
        String name = t.siteName("m");
        int port = TestHost.freePort();
        Path file = t.siteFile(name, t.fixtureSite(name, port, TestHost.freePort(), "mariadb", "v4.4.0", "v1.0.0"));

        TestHost.Result created = t.run("--json", "site", "create", "-f", file.toString());
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(HttpProbe.get("127.0.0.1", port, "127.0.0.1:" + port, "/login/index.php", 10_000).status()).isEqualTo(200);

        JsonNode status = json.readTree(t.run("--json", "site", "status", name).out());
        JsonNode live = status.get("environments").get(0);
        assertThat(live.get("role").asText()).isEqualTo("live");
        assertThat(live.get("release").asText()).startsWith("4.4");
        assertThat(new java.math.BigDecimal(live.get("codeVersion").asText()))
                .isEqualByComparingTo(new java.math.BigDecimal(live.get("dbVersion").asText()));
        assertThat(live.get("plugins").toString()).contains("local_fixturenotes");
        assertThat(live.get("containers")).hasSize(3);

        TestHost.Result checks = t.run("exec", name, "--", "php", "admin/cli/checks.php", "--type=status");
        assertThat(checks.exitCode()).as(checks.out() + checks.err()).isZero();
        TestHost.Result unknown = t.run("exec", name, "--", "php", "admin/cli/checks.php", "--no-such-option");
        assertThat(unknown.exitCode()).as("exit code passed through").isEqualTo(1);

        // the admin password is a 0600 secret and never appears in the journal or its notebook
        Path secret = t.stateDir().resolve("secrets").resolve(name).resolve("admin");
        assertThat(Files.getPosixFilePermissions(secret)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        String password = Files.readString(secret).strip();
        String opId = json.readTree(created.out()).get("operation").asText();
        assertThat(t.run("ops", "export", opId, "--format", "ipynb").out()).doesNotContain(password).contains("install-database");

        // cron: a pass recorded in the task log within two minutes
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        String tasks = "0";
        while (System.nanoTime() < deadline) {
            tasks = t.run("exec", name, "--", "php", "fixture/cli/sql.php", "--query=SELECT COUNT(*) FROM mdl_task_log").out().strip();
            if (!tasks.equals("0") && !tasks.isEmpty()) {
                break;
            }
            Thread.sleep(3000);
        }
        assertThat(Long.parseLong(tasks)).as("cron passes recorded").isPositive();

        // snapshots: read-only site versions
        assertThat(t.run("snapshot", "create", name, "--name", "before").exitCode()).isZero();
        assertThat(t.run("snapshot", "list", name).out()).contains("before");
        assertThat(t.volumes(name)).contains(name + "@before");
        assertThat(t.run("snapshot", "delete", name, "before").exitCode()).isZero();

        TestHost.Result refused = t.run("site", "destroy", name);
        assertThat(refused.exitCode()).isEqualTo(10);
        assertThat(t.run("site", "destroy", name, "--yes").exitCode()).isZero();
        assertThat(t.containers(name)).isEmpty();
        assertThat(t.networks(name)).isEmpty();
        assertThat(t.volumes(name)).isEmpty();
        assertThat(t.run("site", "status", name).exitCode()).isEqualTo(7);
        assertThat(t.run("ops", "list", "--site", name).out()).contains("create").contains("destroy");
    }

    @Test
    void postgresSiteInThePublicLayoutServesItsLoginPage() throws Exception {
        String name = t.siteName("p");
        int port = TestHost.freePort();
        Path file = t.siteFile(name, t.fixtureSite(name, port, TestHost.freePort(), "postgres", "v5.1.0", null));
        TestHost.Result created = t.run("site", "create", "-f", file.toString());
        assertThat(created.exitCode()).as(created.err()).isZero();
        var login = HttpProbe.get("127.0.0.1", port, "127.0.0.1:" + port, "/login/index.php", 10_000);
        assertThat(login.status()).isEqualTo(200);
        JsonNode status = json.readTree(t.run("--json", "site", "status", name).out());
        assertThat(status.get("environments").get(0).get("release").asText()).startsWith("5.1");
        assertThat(status.get("database").asText()).isEqualTo("postgres");
        assertThat(t.run("site", "destroy", name, "--yes").exitCode()).isZero();
        assertThat(t.containers(name)).isEmpty();
        assertThat(t.volumes(name)).isEmpty();
    }

    @Test
    void badInputsAreRefusedWithTheirOwnExitCodesAndLeaveNothingBehind() throws Exception {
        String name = t.siteName("b");
        int port = TestHost.freePort();
        // invalid YAML
        assertRefused(name, "name: [unclosed\n", 3);
        // unknown key, with its line
        TestHost.Result unknownKey = t.run("site", "create", "-f",
                t.siteFile(name, t.fixtureSite(name, port, TestHost.freePort(), "mariadb", "v4.4.0", null) + "colour: blue\n").toString());
        assertThat(unknownKey.exitCode()).isEqualTo(3);
        assertThat(unknownKey.err()).contains("colour: unknown key").containsPattern("\\.yaml:\\d+:");
        // unknown ref
        assertRefused(name, t.fixtureSite(name, port, TestHost.freePort(), "mariadb", "v9.9.9", null), 7);
        // unreachable repository
        assertRefused(name, t.fixtureSite(name, port, TestHost.freePort(), "mariadb", "v4.4.0", null)
                .replace(t.fixtureRepo().toString(), "/nonexistent/moodle.git"), 13);
        // a plugin whose requires is above the core
        assertRefused(name, t.fixtureSite(name, port, TestHost.freePort(), "mariadb", "v4.4.0", "v2.0.0"), 10);
        // port in use
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertRefused(name, t.fixtureSite(name, busy.getLocalPort(), TestHost.freePort(), "mariadb", "v4.4.0", null), 8);
        }
        // a failing install reverts everything
        assertRefused(name, t.fixtureSite(name, port, TestHost.freePort(), "mariadb", "v4.4.0-failinstall", null), 1);
    }

    @Test
    void aSiteNameThatIsTakenIsRefused() {
        String name = t.siteName("d");
        int port = TestHost.freePort();
        Path file = t.siteFile(name, t.fixtureSite(name, port, TestHost.freePort(), "mariadb", "v4.4.0", null));
        assertThat(t.run("site", "create", "-f", file.toString()).exitCode()).isZero();
        try {
            Path again = t.siteFile(name, t.fixtureSite(name, TestHost.freePort(), TestHost.freePort(), "mariadb", "v4.4.0", null));
            TestHost.Result r = t.run("site", "create", "-f", again.toString());
            assertThat(r.exitCode()).isEqualTo(8);
            assertThat(r.err()).contains("exists");
            assertThat(HttpProbe.get("127.0.0.1", port, "127.0.0.1:" + port, "/login/index.php", 10_000).status()).isEqualTo(200);
        } finally {
            t.run("site", "destroy", name, "--yes");
        }
    }

    private void assertRefused(String name, String yaml, int code) {
        TestHost.Result r = t.run("site", "create", "-f", t.siteFile(name, yaml).toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(code);
        assertThat(r.err()).contains("what to do");
        assertThat(t.containers(name)).isEmpty();
        assertThat(t.networks(name)).isEmpty();
        assertThat(t.volumes(name)).isEmpty();
        assertThat(Files.exists(t.stateDir().resolve("sites").resolve(name).resolve("state.json"))).isFalse();
        assertThat(Files.exists(t.stateDir().resolve("secrets").resolve(name))).isFalse();
    }
}
