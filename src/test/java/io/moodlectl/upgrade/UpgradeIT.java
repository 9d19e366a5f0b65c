package io.moodlectl.upgrade;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moodlectl.site.HttpProbe;
import io.moodlectl.testing.HttpLoad;
import io.moodlectl.testing.NotebookChecks;
import io.moodlectl.workflow.StepRecord;
import io.moodlectl.testing.TestHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upgrade cycle on the fixture: v4.4.0 + local_fixturenotes 1.0.0 → v4.5.0 (schema change, a new setting) +
 * local_fixturenotes 1.1.0. Stage reports; promote under load drops nothing; failures at each promote step leave the
 * old live serving; rollback under load answers only 200s; the watch rolls back a failing new side by itself.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpgradeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestHost t;
    private static String site;
    private static int port;
    private static int previewPort;
    private static Path target;
    private static String stageOperation;

    @BeforeAll
    static void createSite() {
        t = TestHost.get();
        site = t.siteName("u");
        port = TestHost.freePort();
        previewPort = TestHost.freePort();
        Path file = t.siteFile(site, t.fixtureSite(site, port, previewPort, "mariadb", "v4.4.0", "v1.0.0"));
        TestHost.Result r = t.run("site", "create", "-f", file.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        target = t.siteFile(site, t.fixtureSite(site, port, previewPort, "mariadb", "v4.5.0", "v1.1.0"));
    }

    @AfterAll
    static void destroySite() {
        if (site != null) {
            t.run("site", "destroy", site, "--yes");
        }
    }

    @Test
    @Order(1)
    void preflightRefusesADowngradeAndAnIncompatiblePlugin() {
        TestHost.Result down = t.run("check", site, "--ref", "v4.1.2");
        assertThat(down.exitCode()).isEqualTo(10);
        assertThat(down.out()).contains("downgrade");
        Path badPlugin = t.siteFile(site, t.fixtureSite(site, port, previewPort, "mariadb", "v4.5.0", "v2.0.0"));
        TestHost.Result plugin = t.run("check", site, "-f", badPlugin.toString());
        assertThat(plugin.exitCode()).isEqualTo(10);
        assertThat(plugin.out()).contains("local_fixturenotes");
        TestHost.Result ok = t.run("check", site, "-f", target.toString());
        assertThat(ok.exitCode()).as(ok.out() + ok.err()).isZero();
    }

    @Test
    @Order(2)
    void preflightRefusesSkippingARequiredIntermediateVersion() {
        String old = t.siteName("o");
        Path file = t.siteFile(old, t.fixtureSite(old, TestHost.freePort(), TestHost.freePort(), "mariadb", "v3.9.0", null));
        assertThat(t.run("site", "create", "-f", file.toString()).exitCode()).isZero();
        try {
            TestHost.Result skip = t.run("check", old, "--ref", "v4.4.0");
            assertThat(skip.exitCode()).isEqualTo(10);
            assertThat(skip.out()).contains("skipped-version").contains("4.1.2");
            assertThat(t.run("stage", old, "--ref", "v4.4.0").exitCode()).isEqualTo(10);
        } finally {
            t.run("site", "destroy", old, "--yes");
        }
    }

    @Test
    @Order(3)
    void stageRehearsesOnACopyAndReportsSettingsPluginsAndTheForecast() throws Exception {
        TestHost.Result r = t.run("--json", "stage", site, "-f", target.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode report = JSON.readTree(r.out());
        assertThat(report.get("passed").asBoolean()).isTrue();
        assertThat(report.get("release").asText()).startsWith("4.5");
        assertThat(report.get("newSettings").toString()).contains("enableaiplacements");
        assertThat(report.get("pluginChanges").toString()).contains("local_fixturenotes");
        assertThat(report.get("forecastSeconds").asDouble()).isGreaterThan(report.get("upgradeSeconds").asDouble());
        // the copy answers on the preview port with its own address; live still runs 4.4.0
        assertThat(HttpProbe.get("127.0.0.1", previewPort, "127.0.0.1:" + previewPort, "/login/index.php", 10_000).status()).isEqualTo(200);
        assertThat(liveRelease()).startsWith("4.4");
        assertThat(HttpProbe.get("127.0.0.1", port, "127.0.0.1:" + port, "/login/index.php", 10_000).status()).isEqualTo(200);
        stageOperation = report.get("operation").asText();
        assertExportsCompleteAndClean(stageOperation);
    }

    @Test
    @Order(3)
    void anExportedReadOnlyCellReRunsInAShellWithTheSameResult() throws Exception {
        TestHost.Result r = t.run("exec", site, "--", "php", "admin/cli/cfg.php", "--name=fixture_greeting");
        assertThat(r.exitCode()).as(r.err()).isZero();
        String id = JSON.readTree(t.run("--json", "ops", "list", "--site", site, "--limit", "1").out()).get(0).get("id").asText();
        Path nb = t.dir().resolve(id + ".ipynb");
        assertThat(t.run("ops", "export", id, "-o", nb.toString()).exitCode()).isZero();
        NotebookChecks.assertValidNotebook(nb);
        JsonNode cell = null;
        for (JsonNode c : JSON.readTree(nb.toFile()).get("cells")) {
            if (c.get("cell_type").asText().equals("code")) {
                cell = c;
            }
        }
        assertThat(cell).as("the exec step's cell").isNotNull();
        assertThat(NotebookChecks.cellOutput(cell)).isEqualTo("hello\n");
        String command = NotebookChecks.bashOf(cell);
        assertThat(command).startsWith("podman exec ");
        NotebookChecks.Run rerun = NotebookChecks.run(List.of("bash", "-c", command), null);
        assertThat(rerun.exitCode()).as(command + ": " + rerun.output()).isZero();
        assertThat(rerun.output()).isEqualTo(NotebookChecks.cellOutput(cell));
    }

    @Test
    @Order(4)
    void aFailureAtAnyPromoteStepLeavesTheOldLiveServingUnchanged() throws Exception {
        String before = liveDatabaseVersion();
        for (String step : List.of("prepare-code", "maintenance-on", "snapshot-live", "swap-code", "start-database", "database-ready",
                "start-web", "attach-proxy", "upgrade", "apply-settings", "health-check", "switch", "after-switch")) {
            System.setProperty("moodlectl.fault.failAt", "promote:" + step);
            TestHost.Result r;
            try {
                r = t.run("promote", site, "--watch", "0");
            } finally {
                System.clearProperty("moodlectl.fault.failAt");
            }
            assertThat(r.exitCode()).as("promote failing at " + step + ": " + r.err()).isNotZero();
            assertThat(r.err()).contains("injected");
            assertThat(HttpProbe.get("127.0.0.1", port, "127.0.0.1:" + port, "/login/index.php", 10_000).status())
                    .as("live serves after a failure at " + step).isEqualTo(200);
            assertThat(liveRelease()).as("after a failure at " + step).startsWith("4.4");
            assertThat(liveDatabaseVersion()).isEqualTo(before);
            // its automatic record exists and shows the failing step (journal only: cheaper than site status)
            JsonNode last = JSON.readTree(t.run("--json", "ops", "list", "--site", site, "--limit", "1").out()).get(0);
            assertThat(last.get("kind").asText()).isEqualTo("promote");
            assertThat(last.get("status").asText()).isIn("REVERTED", "FAILED");
            Path records = t.stateDir().resolve("records");
            String record = java.nio.file.Files.readString(records.resolve(last.get("id").asText() + ".md"));
            assertThat(record).as("record of the promotion failing at " + step).containsPattern(
                    "## \\d+\\. " + java.util.regex.Pattern.quote(step) + " — FAILED").contains("injected");
            assertThat(records.resolve(last.get("id").asText() + ".ipynb")).exists();
        }
        JsonNode status = JSON.readTree(t.run("--json", "site", "status", site).out());
        assertThat(status.get("proxy").get("maintenance").asBoolean()).isFalse();
        assertThat(status.toString()).contains("\"failed\"");
    }

    @Test
    @Order(5)
    void promoteUnderLoadDropsNoRequest() throws Exception {
        TestHost.Result r;
        HttpLoad.Result load;
        try (HttpLoad l = HttpLoad.start(URI.create("http://127.0.0.1:" + port + "/login/index.php"), "127.0.0.1:" + port,
                100_000, Duration.ofMinutes(5))) {
            l.awaitRequests(20);
            r = t.run("--json", "promote", site, "--watch", "10s");
            l.awaitRequests(l.snapshot().total() + 20);
            load = l.stop();
        }
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(load.connectionErrors()).as("connection errors").isZero();
        assertThat(load.otherStatus()).as("statuses other than 200/503").isZero();
        assertThat(load.ok()).isPositive();
        JsonNode report = JSON.readTree(r.out());
        assertThat(report.get("windowSeconds").asDouble()).isGreaterThanOrEqualTo(report.get("upgradeSeconds").asDouble());
        assertThat(report.get("watch").get("rolledBack").asBoolean()).isFalse();
        assertThat(liveRelease()).startsWith("4.5");
        JsonNode status = JSON.readTree(t.run("--json", "site", "status", site).out());
        assertThat(status.toString()).contains("\"standby\"");
        String promoteOperation = report.get("operation").asText();
        assertThat(status.get("lastOperation").get("id").asText()).isEqualTo(promoteOperation);
        assertExportsCompleteAndClean(promoteOperation);

        // the rehearsal against the promotion: upgrade.php in both, timed in both
        TestHost.Result diff = t.run("--json", "ops", "diff", stageOperation, promoteOperation);
        assertThat(diff.exitCode()).as(diff.err()).isZero();
        JsonNode d = JSON.readTree(diff.out());
        assertThat(d.get("a").get("kind").asText()).isEqualTo("stage");
        assertThat(d.get("b").get("kind").asText()).isEqualTo("promote");
        JsonNode upgrade = null;
        for (JsonNode row : d.get("steps")) {
            if (row.get("name").asText().equals("upgrade")) {
                upgrade = row;
            }
        }
        assertThat(upgrade).as("upgrade matched: " + diff.out()).isNotNull();
        assertThat(upgrade.get("a").get("seconds").asDouble()).isPositive();
        assertThat(upgrade.get("b").get("seconds").asDouble()).isPositive();
        assertThat(upgrade.get("ratio").isNumber()).isTrue();
        assertThat(d.get("onlyInB").asInt()).as("maintenance-on, switch… only in the promotion").isPositive();
        assertThat(t.run("ops", "diff", stageOperation, "no-such-operation").exitCode()).isEqualTo(7);
        TestHost.Result human = t.run("ops", "diff", stageOperation, promoteOperation);
        assertThat(human.out()).contains("upgrade").contains("B/A");
    }

    @Test
    @Order(6)
    void rollbackNeedsForceWhenUsersWroteAndThenAnswersOnly200sUnderLoad() {
        // the load above wrote log rows on the new side
        TestHost.Result refused = t.run("rollback", site);
        assertThat(refused.exitCode()).isEqualTo(10);
        assertThat(refused.err()).contains("log row");
        HttpLoad.Result load;
        TestHost.Result r;
        try (HttpLoad l = HttpLoad.start(URI.create("http://127.0.0.1:" + port + "/login/index.php"), "127.0.0.1:" + port,
                100_000, Duration.ofMinutes(3))) {
            l.awaitRequests(20);
            r = t.run("rollback", site, "--force");
            l.awaitRequests(l.snapshot().total() + 20);
            load = l.stop();
        }
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(load.connectionErrors()).isZero();
        assertThat(load.unavailable()).isZero();
        assertThat(load.otherStatus()).isZero();
        assertThat(liveRelease()).startsWith("4.4");
    }

    @Test
    @Order(7)
    void theWatchRollsBackANewSideThatFailsByItself() throws Exception {
        assertThat(t.run("stage", site, "-f", target.toString()).exitCode()).isZero();
        CompletableFuture<TestHost.Result> promote = CompletableFuture.supplyAsync(
                () -> t.run("--json", "promote", site, "--watch", "60s"));
        String newLive = null;
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline && newLive == null) {
            Thread.sleep(500);
            JsonNode status = JSON.readTree(t.run("--json", "site", "status", site).out());
            for (JsonNode e : status.get("environments")) {
                if (e.get("role").asText().equals("live") && e.get("release").asText().startsWith("4.5")) {
                    newLive = e.get("id").asText();
                }
            }
        }
        assertThat(newLive).as("the promotion switched").isNotNull();
        TestHost.exec(List.of("podman", "stop", "-t", "2", site + "-" + newLive + "-db"));
        TestHost.Result r = promote.get();
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode report = JSON.readTree(r.out());
        assertThat(report.get("watch").get("rolledBack").asBoolean()).isTrue();
        assertThat(liveRelease()).startsWith("4.4");
        assertThat(HttpProbe.get("127.0.0.1", port, "127.0.0.1:" + port, "/login/index.php", 10_000).status()).isEqualTo(200);
        JsonNode status = JSON.readTree(t.run("--json", "site", "status", site).out());
        for (JsonNode e : status.get("environments")) {
            if (e.get("id").asText().equals(newLive)) {
                assertThat(e.get("role").asText()).isEqualTo("failed");
            }
        }
    }

    @Test
    @Order(8)
    void aSnapshotComesBackAsLiveAndTidyKeepsTheLastStandby() throws Exception {
        assertThat(t.run("snapshot", "create", site, "--name", "known-good").exitCode()).isZero();
        String before = liveEnvironment();
        TestHost.Result r = t.run("--json", "snapshot", "restore", site, "known-good");
        assertThat(r.exitCode()).as(r.err()).isZero();
        String restored = liveEnvironment();
        assertThat(restored).isNotEqualTo(before);
        assertThat(HttpProbe.get("127.0.0.1", port, "127.0.0.1:" + port, "/login/index.php", 10_000).status()).isEqualTo(200);
        assertThat(liveRelease()).startsWith("4.4");
        JsonNode status = JSON.readTree(t.run("--json", "site", "status", site).out());
        for (JsonNode e : status.get("environments")) {
            if (e.get("id").asText().equals(before)) {
                assertThat(e.get("role").asText()).isEqualTo("standby");
            }
        }
        TestHost.Result tidy = t.run("site", "tidy", site);
        assertThat(tidy.exitCode()).as(tidy.err()).isZero();
        status = JSON.readTree(t.run("--json", "site", "status", site).out());
        assertThat(status.toString()).contains("\"standby\"");
        for (JsonNode e : status.get("environments")) {
            if (e.get("role").asText().equals("failed") || e.get("role").asText().equals("retired")) {
                for (JsonNode c : e.get("containers")) {
                    assertThat(c.get("status").asText()).as(e.get("id") + " stopped by tidy").isNotEqualTo("running");
                }
            }
        }
    }

    /**
     * The operation's ipynb and md exports: valid for nbformat, every step with its output and duration, no secret of
     * the site in them, nor in any automatic record or the journal.
     */
    private static void assertExportsCompleteAndClean(String operation) {
        Path nb = t.dir().resolve(operation + ".ipynb");
        Path md = t.dir().resolve(operation + ".md");
        assertThat(t.run("ops", "export", operation, "-o", nb.toString()).exitCode()).isZero();
        assertThat(t.run("ops", "export", operation, "--format", "md", "-o", md.toString()).exitCode()).isZero();
        NotebookChecks.assertValidNotebook(nb);
        List<StepRecord> steps;
        try (var h = t.host()) {
            steps = h.journal().steps(operation);
        }
        NotebookChecks.assertEveryStepShown(nb, md, steps);
        List<String> secrets = NotebookChecks.siteSecrets(t.stateDir(), site);
        NotebookChecks.assertNoSecret(nb, secrets);
        NotebookChecks.assertNoSecret(md, secrets);
        Path record = t.stateDir().resolve("records").resolve(operation + ".ipynb");
        NotebookChecks.assertValidNotebook(record);
        try (var records = java.nio.file.Files.list(t.stateDir().resolve("records"))) {
            records.forEach(f -> NotebookChecks.assertNoSecret(f, secrets));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (String f : List.of("journal.db", "journal.db-wal")) {
            if (java.nio.file.Files.exists(t.stateDir().resolve(f))) {
                NotebookChecks.assertNoSecret(t.stateDir().resolve(f), secrets);
            }
        }
    }

    private static String liveEnvironment() throws Exception {
        JsonNode status = JSON.readTree(t.run("--json", "site", "status", site).out());
        for (JsonNode e : status.get("environments")) {
            if (e.get("role").asText().equals("live")) {
                return e.get("id").asText();
            }
        }
        return null;
    }

    private static String liveRelease() {
        try {
            JsonNode status = JSON.readTree(t.run("--json", "site", "status", site).out());
            for (JsonNode e : status.get("environments")) {
                if (e.get("role").asText().equals("live")) {
                    return e.get("release").asText();
                }
            }
            return "none";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String liveDatabaseVersion() throws Exception {
        JsonNode status = JSON.readTree(t.run("--json", "site", "status", site).out());
        for (JsonNode e : status.get("environments")) {
            if (e.get("role").asText().equals("live")) {
                return e.get("dbVersion").asText();
            }
        }
        return null;
    }
}
