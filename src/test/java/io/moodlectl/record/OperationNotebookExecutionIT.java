package io.moodlectl.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An exported notebook can be re-run as it is: {@code jupyter nbconvert --execute} (python3 kernel, {@code %%bash}
 * cells) reproduces the outputs moodlectl recorded. Needs jupyter-nbconvert and python3-ipykernel.
 */
class OperationNotebookExecutionIT {
    @TempDir
    Path dir;

    @Test
    void anExportedNotebookReRunsWithTheSameOutputs() throws Exception {
        String json;
        try (Journal journal = Journal.open(dir.resolve("journal.db"))) {
            String id;
            try (Operation op = new OperationRunner(journal, ProgressListener.NONE).begin("exec", "demo", "harmless")) {
                id = op.id();
                op.run(Step.named("hello").describe("Say hi").sh(ShellCommand.of("echo", "hi")));
                op.run(Step.named("two-lines").sh(ShellCommand.of("printf", "a\\nb\\n")));
                op.run(Step.named("note").describe("No command: markdown only").action(ctx -> null));
                op.run(Step.named("arith").command("echo $((6 * 7))").action(ctx -> {
                    ctx.output("42");
                    ctx.exitCode(0);
                    return null;
                }));
                op.succeed();
            }
            json = OperationExport.toNotebook(journal.operation(id).orElseThrow(), journal.steps(id));
        }
        Path notebook = dir.resolve("op.ipynb");
        Files.writeString(notebook, json);

        ProcessBuilder pb = new ProcessBuilder("/usr/bin/jupyter", "nbconvert", "--to", "notebook", "--execute",
                "--stdout", notebook.toString()).redirectError(dir.resolve("nbconvert.err").toFile());
        // Debian's jupyter and its python3 kernel, not a python3 from PATH that lacks ipykernel
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().put("JUPYTER_RUNTIME_DIR", dir.resolve("runtime").toString());
        pb.environment().put("IPYTHONDIR", dir.resolve("ipython").toString());
        pb.environment().put("JUPYTER_CONFIG_DIR", dir.resolve("config").toString());
        Process p = pb.start();
        String executed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("nbconvert finished").isTrue();
        assertThat(p.exitValue()).as("nbconvert: " + Files.readString(dir.resolve("nbconvert.err"))).isZero();

        List<String> recorded = codeOutputs(new ObjectMapper().readTree(json));
        List<String> rerun = codeOutputs(new ObjectMapper().readTree(executed));
        assertThat(recorded).containsExactly("hi\n", "a\nb\n", "42\n");
        assertThat(rerun).isEqualTo(recorded);
    }

    private static List<String> codeOutputs(JsonNode nb) {
        List<String> out = new ArrayList<>();
        for (JsonNode cell : nb.get("cells")) {
            if (cell.get("cell_type").asText().equals("code")) {
                StringBuilder sb = new StringBuilder();
                for (JsonNode o : cell.get("outputs")) {
                    if (o.get("output_type").asText().equals("stream")) {
                        sb.append(OperationExportTest.text(o.get("text")));
                    }
                }
                out.add(sb.toString());
            }
        }
        return out;
    }
}
