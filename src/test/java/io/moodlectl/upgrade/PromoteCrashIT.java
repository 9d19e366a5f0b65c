package io.moodlectl.upgrade;

import com.fasterxml.jackson.databind.JsonNode;
import io.moodlectl.host.Host;
import io.moodlectl.runtime.ContainerState;
import io.moodlectl.site.SiteStore;
import io.moodlectl.testing.TestHost;
import io.moodlectl.workflow.OperationRecord;
import io.moodlectl.workflow.OperationStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGKILL at every step boundary of `promote` (v4.4.0 → v4.5.0 of the fixture, rehearsed once): after each kill the
 * guardian makes the site serve, then `ops abort` (killed before each step) or `ops resume` (killed after the last step:
 * the tail is finished) leaves it serving, the journal consistent, no orphan, the marker setting
 * kept. Two operations at once on the site: the second is refused, naming the first. The full matrix (every boundary
 * before and after, each with abort and with resume; stage and create too) is {@link CrashMatrixIT}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PromoteCrashIT {
    /** promote's steps in order (remove-staging only while a staging copy exists; start-cron runs inside after-switch). */
    static final List<String> STEPS = List.of("remove-staging", "prepare-code", "create-network", "maintenance-on", "snapshot-live",
            "swap-code", "write-config", "start-database", "start-web", "database-ready", "attach-proxy", "upgrade",
            "apply-settings", "maintenance-file-off", "health-check", "switch", "after-switch", "start-cron");
    static final String MARKER = "crash_marker";

    static TestHost t;
    static CrashTrials c;
    static String site;
    static int port;
    static Path target;

    @BeforeAll
    static void prepareSite() {
        t = TestHost.get();
        c = new CrashTrials(t);
        site = t.siteName("k");
        port = TestHost.freePort();
        int preview = TestHost.freePort();
        Path file = t.siteFile(site, t.fixtureSite(site, port, preview, "mariadb", "v4.4.0", "v1.0.0"));
        TestHost.Result r = t.run("site", "create", "-f", file.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        TestHost.Result m = t.run("-q", "exec", site, "--", "php", "admin/cli/cfg.php", "--name=" + MARKER, "--set=kept");
        assertThat(m.exitCode()).as(m.err()).isZero();
        target = t.siteFile(site, t.fixtureSite(site, port, preview, "mariadb", "v4.5.0", "v1.1.0"));
        stage();
    }

    @AfterAll
    static void destroySite() {
        if (site != null) {
            t.run("site", "destroy", site, "--yes");
        }
    }

    static void stage() {
        TestHost.Result s = t.run("stage", site, "-f", target.toString());
        assertThat(s.exitCode()).as(s.err()).isZero();
    }

    /** Back to a promotable site: live on 4.4 (rolled back after a resumed promotion) with a rehearsal of it. */
    static void ensurePromotable() throws Exception {
        if (c.liveRelease(site).startsWith("4.5")) {
            TestHost.Result r = t.run("rollback", site, "--force");
            assertThat(r.exitCode()).as(r.err()).isZero();
        }
        Path rehearsal;
        try (Host h = t.host()) {
            rehearsal = new SiteStore(h.state()).dir(site).resolve("rehearsal.json");
        }
        if (!Files.isRegularFile(rehearsal)) {
            stage();
        }
    }

    @Test
    @Order(1)
    void killedWhileRemovingTheStagingCopyThenAborted() throws Exception {
        trial(new CrashTrials.Boundary("promote", "remove-staging", "before"), "abort");
    }

    @Test
    @Order(2)
    void aSecondOperationOnTheSiteIsRefusedWithTheHoldersIdPidAndStart() throws Exception {
        ensurePromotable();
        CrashTrials.Boundary b = new CrashTrials.Boundary("promote", "upgrade", "after");
        Process child = c.startChild(b, "promote", site, "--watch", "0");
        String holder = null;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (holder == null && child.isAlive() && System.nanoTime() < deadline) {
            try (Host h = t.host()) {
                holder = h.journal().running(site).stream().filter(o -> o.pid() == child.pid()).map(OperationRecord::id)
                        .findFirst().orElse(null);
            }
            Thread.sleep(100);
        }
        assertThat(holder).as("the child's promote is running").isNotNull();
        TestHost.Result second = t.run("stage", site, "--ref", "v4.5.0");
        TestHost.Result third = t.run("ops", "resume", holder);
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(second.exitCode()).as(second.err()).isEqualTo(8);
        assertThat(second.err()).contains("another moodlectl operation on site " + site + " is running")
                .contains("operation " + holder).contains("pid " + child.pid()).contains("started");
        assertThat(third.exitCode()).as(third.err()).isEqualTo(8);
        assertThat(third.err()).contains("RUNNING").contains("process " + child.pid());
        assertThat(child.exitValue()).isEqualTo(137);
        // and the killed one is then recovered like the others
        check(b, holder, "abort");
    }

    @Test
    @Order(3)
    void opsResumeAndAbortRefuseWhatTheyCannotDo() {
        TestHost.Result unknown = t.run("ops", "abort", "19990101-000000-nothing");
        assertThat(unknown.exitCode()).isEqualTo(7);
        String done;
        try (Host h = t.host()) {
            done = h.journal().operations(site, 0).stream().filter(o -> o.status() == OperationStatus.SUCCEEDED)
                    .findFirst().orElseThrow().id();
        }
        TestHost.Result finished = t.run("ops", "resume", done);
        assertThat(finished.exitCode()).isEqualTo(8);
        assertThat(finished.err()).contains("only an interrupted operation can be resumed");
    }

    @Test
    @Order(4)
    void killedInTheWindowThenAMachineRestartThenHostUpServesTheOldLive() throws Exception {
        ensurePromotable();
        CrashTrials.Boundary b = new CrashTrials.Boundary("promote", "upgrade", "before");
        CrashTrials.Killed k = c.runKilled(site, b, Map.of(Guardian.OFF_ENV, "off"), "promote", site, "--watch", "0");
        // the kill left the maintenance page on; then the "machine restarts": every container of the site stops
        JsonNode status = CrashTrials.JSON.readTree(t.run("--json", "site", "status", site).out());
        assertThat(status.get("proxy").get("maintenance").asBoolean()).as("maintenance page left on by the kill").isTrue();
        for (ContainerState cs : t.containers(site)) {
            TestHost.exec(List.of("podman", "stop", "-t", "2", cs.name()));
        }
        TestHost.exec(List.of("podman", "stop", "-t", "2", site + "-proxy"));
        TestHost.Result up = t.run("host", "up");
        assertThat(up.exitCode()).as(up.err()).isZero();
        assertThat(up.out()).contains("interrupted " + k.operation());
        c.assertServes(site, port, "after host up");
        assertThat(c.liveRelease(site)).startsWith("4.4");
        check(b, k.operation(), "abort");
    }

    @TestFactory
    @Order(5)
    Stream<DynamicTest> sigkillAtEveryBoundaryOfPromote() {
        List<DynamicTest> tests = new ArrayList<>();
        // -Dcrash.steps=a,b runs only those boundaries (while debugging)
        List<String> only = List.of(System.getProperty("crash.steps", "").split(",")).stream().filter(x -> !x.isBlank()).toList();
        for (String step : STEPS.subList(1, STEPS.size())) {
            if (!only.isEmpty() && !only.contains(step)) {
                continue;
            }
            String action = "abort"; // an abort leaves the site promotable again: no re-staging between trials
            CrashTrials.Boundary b = new CrashTrials.Boundary("promote", step, "before");
            tests.add(DynamicTest.dynamicTest(b + " then " + action, () -> trial(b, action)));
        }
        CrashTrials.Boundary last = new CrashTrials.Boundary("promote", "after-switch", "after");
        if (only.isEmpty() || only.contains("after-switch")) {
            // last, so no rollback and re-staging follows it; resume's revert + re-run: CrashMatrixIT
            tests.add(DynamicTest.dynamicTest(last + " then resume", () -> trial(last, "resume")));
        }
        return tests.stream();
    }

    static void trial(CrashTrials.Boundary b, String action) throws Exception {
        ensurePromotable();
        CrashTrials.Killed k = c.runKilled(site, b, "promote", site, "--watch", "0");
        check(b, k.operation(), action);
    }

    static void check(CrashTrials.Boundary b, String operation, String action) throws Exception {
        c.awaitGuardian(operation);
        c.assertServes(site, port, "once the guardian of " + operation + " killed " + b + " is done");
        JsonNode out = c.recover(action, operation);
        c.assertServes(site, port, "after ops " + action + " of " + operation + " (killed " + b + ")");
        c.assertJournalConsistent(site, operation, action.equals("abort") ? OperationStatus.ABORTED : OperationStatus.RESUMED);
        c.assertNoOrphans(site);
        assertThat(c.liveSetting(site, MARKER)).as("committed setting after " + action + " at " + b).isEqualTo("kept");
        assertThat(c.liveRelease(site)).as("live after " + action + " at " + b + ": " + out)
                .startsWith(action.equals("abort") ? "4.4" : "4.5");
        JsonNode status = CrashTrials.JSON.readTree(t.run("--json", "site", "status", site).out());
        assertThat(status.get("proxy").get("maintenance").asBoolean()).as("maintenance page after " + b).isFalse();
    }
}
