package io.moodlectl.record;

import io.moodlectl.shell.ShellCommand;
import io.moodlectl.workflow.Journal;
import io.moodlectl.workflow.Operation;
import io.moodlectl.workflow.OperationRunner;
import io.moodlectl.workflow.ProgressListener;
import io.moodlectl.workflow.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A JVM killed with SIGKILL inside a step leaves a whole, valid record that shows how far it got. */
class RecordSurvivesSigkillTest {
    @TempDir
    Path dir;

    /** The child JVM: records attached, step 1 succeeds, step 2 kills its own JVM. Arguments: state folder. */
    public static void main(String[] args) throws Exception {
        Path state = Path.of(args[0]);
        Journal journal = Journal.open(state.resolve("journal.db"));
        new OperationRecords(state.resolve("records")).attach(journal);
        Operation op = new OperationRunner(journal, ProgressListener.NONE).begin("stage", "demo", "killed half-way");
        System.out.println(op.id());
        System.out.flush();
        op.run(Step.named("step-1").describe("The first step").sh(ShellCommand.of("echo", "one")));
        op.run(Step.named("step-2").describe("Killed while it runs").action(ctx -> {
            ctx.output("two begins");
            ctx.sh(ShellCommand.of("kill", "-9", Long.toString(ProcessHandle.current().pid())));
            Thread.sleep(60_000);
            return null;
        }));
        System.exit(3);
    }

    @Test
    void theRecordOfAKilledOperationIsWholeAndShowsTheStepThatNeverFinished() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                RecordSurvivesSigkillTest.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("child ended").isTrue();
        String id = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.exitValue()).as("killed by SIGKILL").isEqualTo(137);

        OperationRecords records = new OperationRecords(dir.resolve("records"));
        String md = Files.readString(records.markdown(id));
        assertThat(md).contains("## 1. step-1 — OK").contains("one\n").contains("## 2. step-2 — RUNNING")
                .contains("This step never finished").contains("kill -9");
        String nb = Files.readString(records.notebook(id));
        assertThat(nb).contains("step-2").contains("RUNNING");
        if (OperationExportTest.nbformatAvailable()) {
            OperationExportTest.Result r = OperationExportTest.python("import nbformat,sys; "
                    + "nbformat.validate(nbformat.reads(sys.stdin.read(), as_version=4)); print('valid')", nb);
            assertThat(r.exitCode()).as("nbformat: " + r.output()).isZero();
        }
        // once anyone looks at the journal again, the record can say what happened
        try (Journal journal = Journal.open(dir.resolve("journal.db"))) {
            records.refresh(journal, id);
        }
        assertThat(Files.readString(records.markdown(id))).startsWith("# moodlectl stage demo — INTERRUPTED");
    }
}
