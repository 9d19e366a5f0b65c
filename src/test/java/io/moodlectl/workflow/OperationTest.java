package io.moodlectl.workflow;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.shell.ShellCommand;
import io.moodlectl.shell.ShellResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OperationTest {
    @TempDir
    Path dir;
    Journal journal;
    RecordingProgress progress;
    OperationRunner runner;

    @BeforeEach
    void open() {
        journal = Journal.open(dir.resolve("journal.db"));
        progress = new RecordingProgress();
        runner = new OperationRunner(journal, progress);
    }

    @AfterEach
    void close() {
        journal.close();
        System.clearProperty(FaultInjection.FAIL_PROPERTY);
    }

    @Test
    void stepsAreJournaledInOrderWithTheirOutputCommandAndExitCode() {
        String id;
        try (Operation op = runner.begin("create", "demo", "create site demo")) {
            id = op.id();
            String got = op.run(Step.named("plan").describe("Work out what to do").action(ctx -> {
                ctx.output("line one");
                ctx.output("line two\nline three\n");
                return "planned";
            }));
            assertThat(got).isEqualTo("planned");
            ShellResult r = op.run(Step.named("say-hello").describe("Say hello")
                    .sh(ShellCommand.of("sh", "-c", "echo hello; echo warning >&2")));
            assertThat(r.stdout()).isEqualTo("hello\n");
            op.run(Step.named("explicit").command("make it so").action(ctx -> {
                ctx.exitCode(0);
                return null;
            }));
            op.succeed();
        }
        assertThat(id).matches("\\d{8}-\\d{6}-create-demo");
        OperationRecord rec = journal.operation(id).orElseThrow();
        assertThat(rec.status()).isEqualTo(OperationStatus.SUCCEEDED);
        assertThat(rec.kind()).isEqualTo("create");
        assertThat(rec.site()).isEqualTo("demo");
        assertThat(rec.summary()).isEqualTo("create site demo");
        assertThat(rec.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(rec.ended()).isNotNull();
        assertThat(rec.error()).isNull();

        List<StepRecord> steps = journal.steps(id);
        assertThat(steps).extracting(StepRecord::seq).containsExactly(1, 2, 3);
        assertThat(steps).extracting(StepRecord::name).containsExactly("plan", "say-hello", "explicit");
        assertThat(steps).extracting(StepRecord::status).containsOnly(StepStatus.OK);
        assertThat(steps.get(0).description()).isEqualTo("Work out what to do");
        assertThat(steps.get(0).output()).isEqualTo("line one\nline two\nline three\n");
        assertThat(steps.get(0).command()).isNull();
        assertThat(steps.get(0).exitCode()).isNull();
        assertThat(steps.get(1).command()).isEqualTo("sh -c 'echo hello; echo warning >&2'");
        assertThat(steps.get(1).output()).isEqualTo("hello\nwarning\n");
        assertThat(steps.get(1).exitCode()).isZero();
        assertThat(steps.get(2).command()).isEqualTo("make it so");
        assertThat(steps.get(2).exitCode()).isZero();
        assertThat(steps).allSatisfy(s -> {
            assertThat(s.started()).isNotNull();
            assertThat(s.ended()).isNotNull();
            assertThat(s.ended()).isAfterOrEqualTo(s.started());
        });

        assertThat(progress.events).containsExactly(
                "started 1 plan | Work out what to do",
                "output 1 line one", "output 1 line two", "output 1 line three",
                "finished 1 OK",
                "started 2 say-hello | Say hello",
                "output 2 hello", "output 2 warning",
                "finished 2 OK",
                "started 3 explicit | null",
                "finished 3 OK");
    }

    @Test
    void theBeforeRecordIsOnDiskBeforeTheActionRuns() {
        AtomicReference<StepRecord> seenFromOutside = new AtomicReference<>();
        try (Operation op = runner.begin("stage", "demo", null);
             Journal other = Journal.open(dir.resolve("journal.db"))) {
            op.run(Step.named("first").action(ctx -> null));
            op.run(Step.named("second").describe("The second step").command("btrfs subvolume snapshot a b")
                    .action(ctx -> {
                        List<StepRecord> steps = other.steps(ctx.operationId());
                        seenFromOutside.set(steps.get(steps.size() - 1));
                        return null;
                    }));
            op.succeed();
        }
        StepRecord s = seenFromOutside.get();
        assertThat(s.seq()).isEqualTo(2);
        assertThat(s.name()).isEqualTo("second");
        assertThat(s.status()).isEqualTo(StepStatus.RUNNING);
        assertThat(s.description()).isEqualTo("The second step");
        assertThat(s.command()).isEqualTo("btrfs subvolume snapshot a b");
        assertThat(s.ended()).isNull();
    }

    @Test
    void aFailingCommandFailsTheStepWithItsExitCodeAndOutput() {
        String id;
        try (Operation op = runner.begin("exec", "demo", null)) {
            id = op.id();
            assertThatThrownBy(() -> op.run(Step.named("broken")
                    .sh(ShellCommand.of("sh", "-c", "echo partial; exit 3"))))
                    .isInstanceOfSatisfying(MoodlectlException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(ExitCode.FAILED);
                        assertThat(e.getMessage()).contains("exited 3").contains("partial");
                    });
        }
        StepRecord s = journal.steps(id).get(0);
        assertThat(s.status()).isEqualTo(StepStatus.FAILED);
        assertThat(s.exitCode()).isEqualTo(3);
        assertThat(s.output()).isEqualTo("partial\n");
        assertThat(s.ended()).isNotNull();
        OperationRecord rec = journal.operation(id).orElseThrow();
        assertThat(rec.status()).isEqualTo(OperationStatus.FAILED);
        assertThat(rec.error()).startsWith("broken: ").contains("exited 3");
    }

    @Test
    void revertRunsTheUndosInReverseOrderAndJournalsEach() {
        List<String> undone = new ArrayList<>();
        String id;
        try (Operation op = runner.begin("promote", "demo", null)) {
            id = op.id();
            op.run(Step.named("a").describe("Make a").action(ctx -> "A").undo(r -> undone.add("a got " + r)));
            op.run(Step.named("b").action(ctx -> null).undo(() -> undone.add("b")));
            op.onRevert("end the maintenance page", () -> undone.add("maintenance"));
            op.run(Step.named("no-undo").action(ctx -> null));
            op.run(Step.named("c").action(ctx -> 3).undoWith((r, ctx) -> {
                ctx.output("removing " + r);
                ctx.command("rm -r c");
                undone.add("c");
            }));
            assertThatThrownBy(() -> op.run(Step.named("d").action(ctx -> {
                throw new IllegalStateException("d broke");
            }))).isInstanceOf(MoodlectlException.class).hasMessageContaining("d broke");
        }
        assertThat(undone).containsExactly("c", "maintenance", "b", "a got A");

        List<StepRecord> steps = journal.steps(id);
        assertThat(steps).extracting(StepRecord::name).containsExactly("a", "b", "no-undo", "c", "d",
                "revert: c", "revert: end the maintenance page", "revert: b", "revert: a");
        assertThat(steps).extracting(StepRecord::status).containsExactly(StepStatus.OK, StepStatus.OK, StepStatus.OK,
                StepStatus.OK, StepStatus.FAILED,
                StepStatus.REVERTED, StepStatus.REVERTED, StepStatus.REVERTED, StepStatus.REVERTED);
        assertThat(steps.get(4).output()).contains("error: d broke");
        assertThat(steps.get(5).output()).isEqualTo("removing 3\n");
        assertThat(steps.get(5).command()).isEqualTo("rm -r c");
        assertThat(steps.get(8).description()).isEqualTo("Undo: Make a");

        OperationRecord rec = journal.operation(id).orElseThrow();
        assertThat(rec.status()).isEqualTo(OperationStatus.REVERTED);
        assertThat(rec.error()).isEqualTo("d: d broke");
    }

    @Test
    void aFailingUndoIsRecordedAndTheOthersStillRun() {
        List<String> undone = new ArrayList<>();
        String id;
        try (Operation op = runner.begin("stage", "demo", null)) {
            id = op.id();
            op.run(Step.named("a").action(ctx -> null).undo(() -> undone.add("a")));
            op.run(Step.named("b").action(ctx -> null).undo(() -> {
                throw new IllegalStateException("volume busy");
            }));
            op.run(Step.named("c").action(ctx -> null).undo(() -> undone.add("c")));
            op.fail(new MoodlectlException(ExitCode.UNHEALTHY, "login page answered 500"));
        }
        assertThat(undone).containsExactly("c", "a");
        List<StepRecord> steps = journal.steps(id);
        assertThat(steps).extracting(StepRecord::name, StepRecord::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a", StepStatus.OK),
                org.assertj.core.groups.Tuple.tuple("b", StepStatus.OK),
                org.assertj.core.groups.Tuple.tuple("c", StepStatus.OK),
                org.assertj.core.groups.Tuple.tuple("revert: c", StepStatus.REVERTED),
                org.assertj.core.groups.Tuple.tuple("revert: b", StepStatus.REVERT_FAILED),
                org.assertj.core.groups.Tuple.tuple("revert: a", StepStatus.REVERTED));
        assertThat(steps.get(4).output()).contains("volume busy");
        OperationRecord rec = journal.operation(id).orElseThrow();
        assertThat(rec.status()).isEqualTo(OperationStatus.FAILED);
        assertThat(rec.error()).startsWith("login page answered 500").contains("could not undo: b (volume busy)");
    }

    @Test
    void keepOnFailureRevertsNothing() {
        List<String> undone = new ArrayList<>();
        String id;
        try (Operation op = runner.begin("stage", "demo", null)) {
            id = op.id();
            op.keepOnFailure();
            op.run(Step.named("clone").action(ctx -> null).undo(() -> undone.add("clone")));
            assertThatThrownBy(() -> op.run(Step.named("upgrade").action(ctx -> {
                throw new MoodlectlException(ExitCode.UNHEALTHY, "upgrade.php failed");
            }))).isInstanceOfSatisfying(MoodlectlException.class,
                    e -> assertThat(e.exitCode()).isEqualTo(ExitCode.UNHEALTHY));
        }
        assertThat(undone).isEmpty();
        assertThat(journal.steps(id)).extracting(StepRecord::name).containsExactly("clone", "upgrade");
        OperationRecord rec = journal.operation(id).orElseThrow();
        assertThat(rec.status()).isEqualTo(OperationStatus.FAILED);
        assertThat(rec.error()).contains("upgrade.php failed").contains("kept for inspection");
    }

    @Test
    void succeedDropsTheRevertStack() {
        List<String> undone = new ArrayList<>();
        String id;
        try (Operation op = runner.begin("create", "demo", null)) {
            id = op.id();
            op.run(Step.named("a").action(ctx -> null).undo(() -> undone.add("a")));
            op.succeed();
            assertThatThrownBy(() -> op.run(Step.named("late").action(ctx -> null)))
                    .isInstanceOf(IllegalStateException.class);
        }
        assertThat(undone).isEmpty();
        assertThat(journal.operation(id).orElseThrow().status()).isEqualTo(OperationStatus.SUCCEEDED);
        assertThat(journal.steps(id)).hasSize(1);
    }

    @Test
    void closingWithoutSucceedingRevertsEvenWithoutAFailedStep() {
        List<String> undone = new ArrayList<>();
        String id;
        try (Operation op = runner.begin("create", "demo", null)) {
            id = op.id();
            op.run(Step.named("a").action(ctx -> null).undo(() -> undone.add("a")));
        }
        assertThat(undone).containsExactly("a");
        OperationRecord rec = journal.operation(id).orElseThrow();
        assertThat(rec.status()).isEqualTo(OperationStatus.REVERTED);
        assertThat(rec.error()).isEqualTo("the operation stopped before it succeeded");
    }

    @Test
    void aFailureWithNothingToUndoIsFailed() {
        String id;
        try (Operation op = runner.begin("promote", "demo", null)) {
            id = op.id();
            assertThatThrownBy(() -> op.run(Step.named("preflight").action(ctx -> {
                throw MoodlectlException.conflict("nothing staged", "run stage first");
            }))).isInstanceOfSatisfying(MoodlectlException.class, e -> {
                assertThat(e.exitCode()).isEqualTo(ExitCode.CONFLICT);
                assertThat(e.hint()).isEqualTo("run stage first");
            });
        }
        assertThat(journal.operation(id).orElseThrow().status()).isEqualTo(OperationStatus.FAILED);
    }

    @Test
    void aMoodlectlExceptionIsRethrownAsItIsAndOthersBecomeFailed() {
        MoodlectlException original = MoodlectlException.notFound("no such snapshot", "list them");
        try (Operation op = runner.begin("rollback", "demo", null)) {
            assertThatThrownBy(() -> op.run(Step.named("find").action(ctx -> {
                throw original;
            }))).isSameAs(original);
            assertThatThrownBy(() -> op.run(Step.named("io").action(ctx -> {
                throw new IOException("disk on fire");
            }))).isInstanceOfSatisfying(MoodlectlException.class, e -> {
                assertThat(e.exitCode()).isEqualTo(ExitCode.FAILED);
                assertThat(e.getMessage()).isEqualTo("step io failed: disk on fire");
                assertThat(e.hint()).contains("ops show " + op.id());
                assertThat(e.getCause()).isInstanceOf(IOException.class);
            });
        }
    }

    @Test
    void factsAreKeptInOrderAndALaterValueReplacesAnEarlierOne() {
        String id;
        try (Operation op = runner.begin("promote", "demo", null)) {
            id = op.id();
            op.fact("downtime", "pending");
            op.fact("snapshot", "demo@20261202");
            op.fact("downtime", "9.8 s");
            op.succeed();
        }
        assertThat(journal.operation(id).orElseThrow().facts())
                .containsExactly(java.util.Map.entry("downtime", "9.8 s"), java.util.Map.entry("snapshot", "demo@20261202"));
    }

    @Test
    void secretsNeverReachTheJournalOrTheProgressListener() {
        String secret = "s3cr3t-" + System.nanoTime();
        Redactor.register(secret);
        String id;
        try (Operation op = runner.begin("create", "demo", "create with password " + secret)) {
            id = op.id();
            op.fact("db password", secret);
            op.run(Step.named("write-config").describe("Write config.php with " + secret)
                    .action(ctx -> {
                        ctx.output("dbpass=" + secret);
                        return null;
                    }));
            op.run(Step.named("echo").sh(ShellCommand.of("echo", "--password=" + secret)));
            assertThatThrownBy(() -> op.run(Step.named("connect").action(ctx -> {
                throw MoodlectlException.failed("access denied for password " + secret, "check " + secret);
            }))).isInstanceOfSatisfying(MoodlectlException.class, e -> {
                assertThat(e.getMessage()).doesNotContain(secret).contains(Redactor.MASK);
                assertThat(e.hint()).doesNotContain(secret);
            });
            assertThatThrownBy(() -> op.run(Step.named("shell-fails")
                    .sh(ShellCommand.of("sh", "-c", "echo bad " + secret + "; exit 1"))))
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret));
        }
        OperationRecord rec = journal.operation(id).orElseThrow();
        assertThat(rec.toString()).doesNotContain(secret);
        assertThat(rec.summary()).isEqualTo("create with password ********");
        assertThat(rec.facts()).containsEntry("db password", "********");
        assertThat(rec.error()).contains("********");
        List<StepRecord> steps = journal.steps(id);
        assertThat(steps).allSatisfy(s -> assertThat(s.toString()).doesNotContain(secret));
        assertThat(steps.get(0).output()).isEqualTo("dbpass=********\n");
        assertThat(steps.get(1).command()).isEqualTo("echo --password=********");
        assertThat(steps.get(1).output()).isEqualTo("--password=********\n");
        assertThat(progress.events).isNotEmpty().allSatisfy(e -> assertThat(e).doesNotContain(secret));
        assertThat(progress.events).contains("output 1 dbpass=********");
    }

    @Test
    void anOperationWhoseProcessIsGoneIsReportedInterrupted() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long deadPid = p.pid();
        Instant t = Instant.parse("2026-12-02T10:00:00Z");
        assertThat(journal.insertOperation("dead", "stage", "demo", null, t, deadPid, null)).isTrue();
        // this process's pid, but a process that started long before: the pid was reused
        assertThat(journal.insertOperation("reused", "stage", "demo", null, t, ProcessHandle.current().pid(),
                Instant.parse("2001-01-01T00:00:00Z"))).isTrue();
        try (Operation op = runner.begin("stage", "demo", null)) {
            assertThat(journal.operation("dead").orElseThrow().status()).isEqualTo(OperationStatus.INTERRUPTED);
            assertThat(journal.operation("reused").orElseThrow().status()).isEqualTo(OperationStatus.INTERRUPTED);
            assertThat(journal.operation(op.id()).orElseThrow().status()).isEqualTo(OperationStatus.RUNNING);
            assertThat(journal.running("demo")).extracting(OperationRecord::id).containsExactly(op.id());
            assertThatThrownBy(() -> journal.abandon(op.id(), "no"))
                    .isInstanceOfSatisfying(MoodlectlException.class,
                            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.CONFLICT));
            op.succeed();
        }
    }

    @Test
    void injectedFailureFailsTheStepAfterItsBeforeRecord() {
        System.setProperty(FaultInjection.FAIL_PROPERTY, "fault-test:second");
        List<String> ran = new ArrayList<>();
        String id;
        try (Operation op = runner.begin("fault-test", null, null)) {
            id = op.id();
            op.run(Step.named("first").action(ctx -> ran.add("first")).undo(() -> ran.add("undo first")));
            assertThatThrownBy(() -> op.run(Step.named("second").action(ctx -> ran.add("second"))))
                    .isInstanceOfSatisfying(MoodlectlException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(ExitCode.FAILED);
                        assertThat(e.getMessage()).isEqualTo("injected failure at fault-test:second");
                    });
        }
        assertThat(ran).containsExactly("first", "undo first");
        assertThat(id).matches("\\d{8}-\\d{6}-fault-test");
        assertThat(journal.steps(id)).extracting(StepRecord::name, StepRecord::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("first", StepStatus.OK),
                org.assertj.core.groups.Tuple.tuple("second", StepStatus.FAILED),
                org.assertj.core.groups.Tuple.tuple("revert: first", StepStatus.REVERTED));
    }

    @Test
    void skippedStepsAreJournaled() {
        String id;
        try (Operation op = runner.begin("stage", "demo", null)) {
            id = op.id();
            op.skip("apply-settings", "Apply the release's settings", "the release sets nothing");
            op.succeed();
        }
        StepRecord s = journal.steps(id).get(0);
        assertThat(s.status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(s.output()).isEqualTo("the release sets nothing\n");
    }

    @Test
    void idsAreReadableUniqueAndFoundByPrefix() {
        Clock fixed = Clock.fixed(Instant.parse("2026-12-02T14:15:03Z"), ZoneOffset.UTC);
        OperationRunner r = new OperationRunner(journal, ProgressListener.NONE, fixed);
        String a;
        String b;
        try (Operation op1 = r.begin("promote", "Demo Site", null); Operation op2 = r.begin("promote", "Demo Site", null)) {
            a = op1.id();
            b = op2.id();
            op1.succeed();
            op2.succeed();
        }
        assertThat(a).isEqualTo("20261202-141503-promote-demo-site");
        assertThat(b).isEqualTo("20261202-141503-promote-demo-site-2");
        assertThat(journal.operation(a).orElseThrow().id()).isEqualTo(a);
        assertThat(journal.operation(b.substring(0, b.length() - 1)).orElseThrow().id()).isEqualTo(b);
        assertThat(journal.operation("1999")).isEmpty();
        assertThatThrownBy(() -> journal.operation("20261202-1415"))
                .isInstanceOfSatisfying(MoodlectlException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT));
        assertThat(journal.operations("Demo Site", 10)).extracting(OperationRecord::id).containsExactly(b, a);
        assertThat(journal.operations("other", 10)).isEmpty();
        assertThat(journal.operations(null, 1)).hasSize(1);
    }
}
