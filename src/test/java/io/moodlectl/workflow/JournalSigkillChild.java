package io.moodlectl.workflow;

import io.moodlectl.shell.ShellCommand;

import java.nio.file.Path;

/**
 * Run by {@link JournalSurvivesSigkillTest} in its own JVM: an operation "sigkill-test" on site "demo" with three
 * steps; step 2 either sleeps (and the fault-injection kill switch fires) or kills this JVM with {@code kill -9}.
 * Arguments: journal path, mode ("switch" or "self").
 */
public final class JournalSigkillChild {
    private JournalSigkillChild() {
    }

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        boolean self = args.length > 1 && args[1].equals("self");
        Journal journal = Journal.open(db);
        Operation op = new OperationRunner(journal, ProgressListener.NONE).begin("sigkill-test", "demo", "three steps");
        System.out.println(op.id());
        System.out.flush();
        op.run(Step.named("step-1").describe("The first step").command("echo one")
                .action(ctx -> {
                    ctx.output("one");
                    ctx.exitCode(0);
                    return null;
                }));
        op.run(Step.named("step-2").describe("The second step, killed while it runs").action(ctx -> {
            ctx.output("two begins");
            if (self) {
                ctx.sh(ShellCommand.of("kill", "-9", Long.toString(ProcessHandle.current().pid())));
            }
            Thread.sleep(60_000);
            return null;
        }));
        op.run(Step.named("step-3").action(ctx -> null));
        op.succeed();
        op.close();
        journal.close();
        System.exit(3); // the test expects the kill: finishing is a failure
    }
}
