package io.moodlectl.workflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A JVM killed with SIGKILL in the middle of a step leaves a journal that says exactly how far it got. */
class JournalSurvivesSigkillTest {
    @TempDir
    Path dir;

    @Test
    void theKillSwitchBeforeStepTwoLeavesItRunningAndTheOperationInterrupted() throws Exception {
        Path db = dir.resolve("journal.db");
        Child child = runChild(db, "switch", Map.of(FaultInjection.KILL_ENV, "sigkill-test:step-2:before"));
        assertKilledDuringStepTwo(db, child);
    }

    @Test
    void aJvmThatKillsItselfInsideStepTwoLeavesItRunning() throws Exception {
        Path db = dir.resolve("journal.db");
        Child child = runChild(db, "self", Map.of());
        assertKilledDuringStepTwo(db, child);
        try (Journal j = Journal.open(db)) {
            StepRecord two = j.steps(child.operationId()).get(1);
            // ctx.sh put the command on record before running it
            assertThat(two.command()).startsWith("kill -9 ");

            // once looked at, the interrupted operation can be closed as FAILED
            OperationRecord abandoned = j.abandon(child.operationId().substring(0, 15), "checked by hand");
            assertThat(abandoned.status()).isEqualTo(OperationStatus.FAILED);
            assertThat(abandoned.error()).isEqualTo("interrupted: checked by hand");
            assertThat(abandoned.ended()).isNotNull();
            StepRecord after = j.steps(child.operationId()).get(1);
            assertThat(after.status()).isEqualTo(StepStatus.FAILED);
            assertThat(after.output()).endsWith("(interrupted: the process ended while this step ran)\n");
            assertThat(j.steps(child.operationId()).get(0).status()).isEqualTo(StepStatus.OK);
            assertThatThrownBy(() -> j.abandon(child.operationId(), null))
                    .isInstanceOfSatisfying(io.moodlectl.error.MoodlectlException.class,
                            e -> assertThat(e.exitCode()).isEqualTo(io.moodlectl.error.ExitCode.CONFLICT));
        }
    }

    @Test
    void theKillSwitchAfterStepOneLeavesOnlyStepOne() throws Exception {
        Path db = dir.resolve("journal.db");
        Child child = runChild(db, "switch", Map.of(FaultInjection.KILL_ENV, "sigkill-test:step-1:after"));
        assertThat(child.exitCode()).isEqualTo(137);
        try (Journal j = Journal.open(db)) {
            List<StepRecord> steps = j.steps(child.operationId());
            assertThat(steps).extracting(StepRecord::name).containsExactly("step-1");
            assertThat(steps.get(0).status()).isEqualTo(StepStatus.OK);
            assertThat(j.operation(child.operationId()).orElseThrow().status())
                    .isEqualTo(OperationStatus.INTERRUPTED);
        }
    }

    private void assertKilledDuringStepTwo(Path db, Child child) {
        assertThat(child.exitCode()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);
        try (Journal j = Journal.open(db)) {
            OperationRecord op = j.operation(child.operationId()).orElseThrow();
            assertThat(op.status()).isEqualTo(OperationStatus.INTERRUPTED);
            assertThat(op.kind()).isEqualTo("sigkill-test");
            assertThat(op.ended()).isNull();
            assertThat(op.pid()).isEqualTo(child.pid());

            List<StepRecord> steps = j.steps(op.id());
            assertThat(steps).extracting(StepRecord::name).containsExactly("step-1", "step-2");
            StepRecord one = steps.get(0);
            assertThat(one.status()).isEqualTo(StepStatus.OK);
            assertThat(one.output()).isEqualTo("one\n");
            assertThat(one.command()).isEqualTo("echo one");
            assertThat(one.exitCode()).isZero();
            assertThat(one.ended()).isNotNull();
            StepRecord two = steps.get(1);
            assertThat(two.status()).isEqualTo(StepStatus.RUNNING);
            assertThat(two.description()).isEqualTo("The second step, killed while it runs");
            assertThat(two.ended()).isNull();
        }
    }

    private record Child(String operationId, int exitCode, long pid) {
    }

    private Child runChild(Path db, String mode, Map<String, String> env) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                JournalSigkillChild.class.getName(), db.toString(), mode);
        pb.environment().remove(FaultInjection.KILL_ENV);
        pb.environment().remove(FaultInjection.FAIL_ENV);
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        try {
            boolean done = p.waitFor(120, TimeUnit.SECONDS);
            assertThat(done).as("child JVM ended").isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(out).as("child printed its operation id").isNotEmpty();
            return new Child(out.lines().findFirst().orElseThrow(), p.exitValue(), p.pid());
        } finally {
            p.destroyForcibly();
        }
    }
}
