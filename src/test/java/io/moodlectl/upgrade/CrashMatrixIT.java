package io.moodlectl.upgrade;

import com.fasterxml.jackson.databind.JsonNode;
import io.moodlectl.host.Host;
import io.moodlectl.site.SiteStore;
import io.moodlectl.testing.TestHost;
import io.moodlectl.workflow.OperationStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The full SIGKILL matrix, run only with {@code mvn verify -Pfault-matrix} (see README, Tests): every step boundary of
 * `site create` and `stage` (killed before each step and after the last; resume and abort alternate); and `promote`
 * resumed (reverted and run again, or finished) at a few boundaries, beside {@link PromoteCrashIT}'s every boundary.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashMatrixIT {
    static final List<String> CREATE_STEPS = List.of("secrets", "create-volume", "checkout-code", "prepare-moodledata", "write-config",
            "create-network", "start-database", "database-ready", "create-database", "start-web", "install-database",
            "apply-settings", "start-cron", "start-proxy", "health-check", "record-site");
    static final List<String> STAGE_STEPS = List.of("remove-old-staging", "snapshot-live", "record-staging", "checkout-code",
            "write-config", "maintenance-file-off", "create-network", "start-database", "database-ready", "start-web", "upgrade",
            "apply-settings", "open-preview", "checks", "write-report");

    static TestHost t;
    static CrashTrials c;

    @BeforeAll
    static void setUp() {
        t = TestHost.get();
        c = new CrashTrials(t);
    }

    @AfterAll
    static void tearDown() {
        if (PromoteCrashIT.site != null) {
            t.run("site", "destroy", PromoteCrashIT.site, "--yes");
        }
    }

    private static List<CrashTrials.Boundary> boundaries(String kind, List<String> steps) {
        List<CrashTrials.Boundary> out = new ArrayList<>();
        steps.forEach(s -> out.add(new CrashTrials.Boundary(kind, s, "before")));
        out.add(new CrashTrials.Boundary(kind, steps.get(steps.size() - 1), "after"));
        return out;
    }

    @TestFactory
    @Order(1)
    Stream<DynamicTest> sigkillAtEveryBoundaryOfCreate() {
        List<DynamicTest> tests = new ArrayList<>();
        List<CrashTrials.Boundary> all = boundaries("create", CREATE_STEPS);
        for (int i = 0; i < all.size(); i++) {
            CrashTrials.Boundary b = all.get(i);
            String action = i % 2 == 0 ? "abort" : "resume";
            tests.add(DynamicTest.dynamicTest(b + " then " + action, () -> createTrial(b, action)));
        }
        return tests.stream();
    }

    private static void createTrial(CrashTrials.Boundary b, String action) throws Exception {
        String site = t.siteName("c");
        int port = TestHost.freePort();
        Path file = t.siteFile(site, t.fixtureSite(site, port, TestHost.freePort(), "mariadb", "v4.4.0", "v1.0.0"));
        try {
            CrashTrials.Killed k = c.runKilled(site, b, "site", "create", "-f", file.toString());
            c.awaitGuardian(k.operation());
            JsonNode out = c.recover(action, k.operation());
            c.assertJournalConsistent(site, k.operation(), action.equals("abort") ? OperationStatus.ABORTED : OperationStatus.RESUMED);
            c.assertNoOrphans(site);
            if (action.equals("resume")) {
                c.assertServes(site, port, "after ops resume of a create killed " + b + ": " + out);
                assertThat(c.liveRelease(site)).startsWith("4.4");
            } else {
                assertThat(t.run("site", "status", site).exitCode()).as("no site after an aborted create").isEqualTo(7);
                try (Host h = t.host()) {
                    assertThat(h.secrets().file(site + "/db")).doesNotExist();
                }
            }
        } finally {
            t.run("site", "destroy", site, "--yes");
        }
    }

    @TestFactory
    @Order(2)
    Stream<DynamicTest> sigkillAtEveryBoundaryOfStage() {
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("prepare the site", () -> {
            PromoteCrashIT.prepareSite(); // created, marker set, staged once
        }));
        List<CrashTrials.Boundary> all = boundaries("stage", STAGE_STEPS);
        for (int i = 0; i < all.size(); i++) {
            CrashTrials.Boundary b = all.get(i);
            String action = i % 2 == 0 ? "abort" : "resume";
            tests.add(DynamicTest.dynamicTest(b + " then " + action, () -> stageTrial(b, action)));
        }
        return tests.stream();
    }

    private static void stageTrial(CrashTrials.Boundary b, String action) throws Exception {
        String site = PromoteCrashIT.site;
        if (b.step().equals("remove-old-staging")) {
            boolean staged;
            try (Host h = t.host()) {
                staged = new SiteStore(h.state()).get(site).withRole(io.moodlectl.site.Role.STAGING).isPresent();
            }
            if (!staged) {
                PromoteCrashIT.stage();
            }
        }
        CrashTrials.Killed k = c.runKilled(site, b, "stage", site, "-f", PromoteCrashIT.target.toString());
        c.awaitGuardian(k.operation());
        c.assertServes(site, PromoteCrashIT.port, "while stage is killed " + b);
        JsonNode out = c.recover(action, k.operation());
        c.assertServes(site, PromoteCrashIT.port, "after ops " + action + " of a stage killed " + b);
        c.assertJournalConsistent(site, k.operation(), action.equals("abort") ? OperationStatus.ABORTED : OperationStatus.RESUMED);
        c.assertNoOrphans(site);
        assertThat(c.liveSetting(site, PromoteCrashIT.MARKER)).isEqualTo("kept");
        assertThat(c.liveRelease(site)).startsWith("4.4");
        try (Host h = t.host()) {
            var state = new SiteStore(h.state()).get(site);
            var rehearsal = StageService.lastRehearsal(new SiteStore(h.state()), site);
            if (action.equals("resume")) {
                assertThat(state.withRole(io.moodlectl.site.Role.STAGING)).as("staging copy after resume: " + out).isPresent();
                assertThat(rehearsal).hasValueSatisfying(r -> assertThat(r.operation()).isEqualTo(out.get("followUp").asText()));
            } else {
                assertThat(rehearsal.map(Rehearsal::operation)).as("no report of the aborted stage").isNotEqualTo(java.util.Optional.of(k.operation()));
            }
        }
    }

    @TestFactory
    @Order(3)
    Stream<DynamicTest> sigkillInPromoteThenResumeRevertsAndRunsItAgain() {
        // PromoteCrashIT aborts at every boundary and resumes after the tail; here resume before the switch (revert and
        // re-run) at a boundary before, inside and at the end of the window (each costs a rollback and a new rehearsal)
        List<DynamicTest> tests = new ArrayList<>();
        for (String step : List.of("prepare-code", "upgrade", "health-check")) {
            CrashTrials.Boundary b = new CrashTrials.Boundary("promote", step, "after");
            tests.add(DynamicTest.dynamicTest(b + " then resume", () -> PromoteCrashIT.trial(b, "resume")));
        }
        CrashTrials.Boundary b = new CrashTrials.Boundary("promote", "switch", "after");
        tests.add(DynamicTest.dynamicTest(b + " then resume", () -> PromoteCrashIT.trial(b, "resume")));
        return tests.stream();
    }
}
