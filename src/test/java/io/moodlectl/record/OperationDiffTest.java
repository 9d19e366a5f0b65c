package io.moodlectl.record;

import io.moodlectl.workflow.OperationRecord;
import io.moodlectl.workflow.OperationStatus;
import io.moodlectl.workflow.StepRecord;
import io.moodlectl.workflow.StepStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OperationDiffTest {
    static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    static OperationRecord op(String id, String kind, OperationStatus status, long seconds) {
        return new OperationRecord(id, kind, "demo", null, status, T0, T0.plusSeconds(seconds), null, 1, Map.of());
    }

    /** Steps from (name, millis, command, exit) tuples, one after another. */
    static List<StepRecord> steps(String id, Object... spec) {
        List<StepRecord> out = new ArrayList<>();
        Instant t = T0;
        for (int i = 0; i < spec.length; i += 4) {
            long ms = ((Number) spec[i + 1]).longValue();
            Instant end = ms < 0 ? null : t.plusMillis(ms);
            out.add(new StepRecord(id, out.size() + 1, (String) spec[i], null, (String) spec[i + 2],
                    end == null ? StepStatus.RUNNING : (Integer) spec[i + 3] == null || (Integer) spec[i + 3] == 0
                            ? StepStatus.OK : StepStatus.FAILED, "", (Integer) spec[i + 3], t, end));
            t = end == null ? t : end;
        }
        return out;
    }

    @Test
    void matchesStepsByNameAcrossKindsAndShowsBothDurationsAndTheRatio() {
        var stage = steps("s", "preflight", 100, null, null,
                "snapshot-live", 200, "btrfs subvolume snapshot /p/demo.e1 /p/demo.e2", 0,
                "upgrade", 6000, "php admin/cli/upgrade.php --non-interactive", 0,
                "checks", 1500, null, null,
                "write-report", 10, null, null);
        var promote = steps("p", "preflight", 100, null, null,
                "maintenance-on", 300, "touch climaintenance.html", 0,
                "snapshot-live", 400, "btrfs subvolume snapshot /p/demo.e1 /p/demo.e3", 0,
                "upgrade", 9000, "php admin/cli/upgrade.php --non-interactive", 0,
                "switch", 50, "echo 'set server …' | socat - admin.sock", 0);
        OperationDiff d = OperationDiff.compare(op("s", "stage", OperationStatus.SUCCEEDED, 20), stage,
                op("p", "promote", OperationStatus.SUCCEEDED, 30), promote);

        assertThat(d.a().kind()).isEqualTo("stage");
        assertThat(d.b().kind()).isEqualTo("promote");
        assertThat(d.steps()).extracting(OperationDiff.Row::name).containsExactly("preflight", "maintenance-on",
                "snapshot-live", "upgrade", "switch", "checks", "write-report");
        // a step only in B follows the B step before it, wherever that one sits in A
        assertThat(d.steps()).extracting(OperationDiff.Row::in).containsExactly("both", "b", "both", "both", "b", "a", "a");
        OperationDiff.Row upgrade = d.steps().get(3);
        assertThat(upgrade.a().seconds()).isEqualTo(6.0);
        assertThat(upgrade.b().seconds()).isEqualTo(9.0);
        assertThat(upgrade.ratio()).isEqualTo(1.5);
        assertThat(upgrade.commandDiffers()).isFalse();
        assertThat(d.steps().get(2).commandDiffers()).isTrue();
        assertThat(d.steps().get(0).commandDiffers()).as("no command on either side").isFalse();
        assertThat(d.matched()).isEqualTo(3);
        assertThat(d.onlyInA()).isEqualTo(2);
        assertThat(d.onlyInB()).isEqualTo(2);
        assertThat(d.commandsDiffer()).isEqualTo(1);
    }

    @Test
    void repeatedNamesPairInOrderAndFailuresAndUnfinishedStepsShow() {
        var a = steps("a", "health-check", 100, "curl x", 0, "health-check", 100, "curl x", 0);
        var b = steps("b", "b-first", 10, null, null, "health-check", 300, "curl x", 22, "revert: start-web", -1, null, null);
        OperationDiff d = OperationDiff.compare(op("a", "promote", OperationStatus.SUCCEEDED, 1), a,
                op("b", "promote", OperationStatus.REVERTED, 2), b);
        assertThat(d.steps()).extracting(OperationDiff.Row::name)
                .containsExactly("b-first", "health-check", "revert: start-web", "health-check");
        assertThat(d.steps().get(1).b().exitCode()).isEqualTo(22);
        assertThat(d.steps().get(1).b().status()).isEqualTo("FAILED");
        assertThat(d.steps().get(1).ratio()).isEqualTo(3.0);
        assertThat(d.steps().get(2).b().seconds()).as("unfinished").isNull();
        assertThat(d.steps().get(3).in()).isEqualTo("a");
        assertThat(d.matched()).isEqualTo(1);
    }

    @Test
    void anOperationAgainstItselfMatchesEverything() {
        var a = steps("a", "x", 100, "echo 1", 0, "y", 0, null, null);
        OperationDiff d = OperationDiff.compare(op("a", "exec", OperationStatus.SUCCEEDED, 1), a,
                op("a", "exec", OperationStatus.SUCCEEDED, 1), a);
        assertThat(d.steps()).allSatisfy(r -> assertThat(r.in()).isEqualTo("both"));
        assertThat(d.steps().get(0).ratio()).isEqualTo(1.0);
        assertThat(d.steps().get(1).ratio()).as("zero seconds: no ratio").isNull();
        assertThat(d.commandsDiffer()).isZero();
    }
}
