package io.moodlectl.record;

import io.moodlectl.error.MoodlectlException;
import io.moodlectl.shell.ShellCommand;
import io.moodlectl.workflow.Journal;
import io.moodlectl.workflow.Operation;
import io.moodlectl.workflow.OperationRunner;
import io.moodlectl.workflow.ProgressListener;
import io.moodlectl.workflow.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The automatic records: written as the operation runs, readable half-way, and showing the step that failed. */
class OperationRecordsTest {
    @TempDir
    Path dir;

    @Test
    void aRunningOperationsRecordIsReadableAndAFailedOnesShowsTheFailingStep() throws Exception {
        OperationRecords records = new OperationRecords(dir.resolve("records"));
        try (Journal journal = Journal.open(dir.resolve("journal.db"))) {
            records.attach(journal);
            String id;
            try (Operation op = new OperationRunner(journal, ProgressListener.NONE).begin("stage", "demo", "a test")) {
                id = op.id();
                op.run(Step.named("first").describe("Say hi").sh(ShellCommand.of("echo", "hi")));
                // half-way: the record is there and says so
                String half = Files.readString(records.notebook(id));
                assertThat(half).contains("\"status\" : \"RUNNING\"").contains("## 1. first — OK");
                assertValid(records.notebook(id));
                op.run(Step.named("undoable").action(ctx -> null).undo(() -> { }));
                assertThatThrownBy(() -> op.run(Step.named("breaks").describe("Fail on purpose")
                        .sh(ShellCommand.of("sh", "-c", "echo about to fail; exit 3"))))
                        .isInstanceOf(MoodlectlException.class);
            }
            String nb = Files.readString(records.notebook(id));
            String md = Files.readString(records.markdown(id));
            assertThat(nb).contains("REVERTED").contains("## 3. breaks — FAILED").contains("Exit code 3.")
                    .contains("about to fail").contains("revert: undoable");
            assertThat(md).contains("# moodlectl stage demo — REVERTED").contains("| 3 | breaks | FAILED |")
                    .contains("```bash\nsh -c 'echo about to fail; exit 3'\n```");
            assertValid(records.notebook(id));
            try (var files = Files.list(dir.resolve("records"))) {
                assertThat(files.map(p -> p.getFileName().toString())).as("no temporary file left")
                        .containsExactlyInAnyOrder(id + ".ipynb", id + ".md");
            }
        }
    }

    private static void assertValid(Path notebook) throws Exception {
        if (!OperationExportTest.nbformatAvailable()) {
            return;
        }
        OperationExportTest.Result r = OperationExportTest.python(
                "import nbformat,sys; nbformat.validate(nbformat.reads(sys.stdin.read(), as_version=4)); print('valid')",
                Files.readString(notebook));
        assertThat(r.exitCode()).as("nbformat: " + r.output()).isZero();
    }
}
