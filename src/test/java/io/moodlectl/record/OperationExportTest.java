package io.moodlectl.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moodlectl.workflow.OperationRecord;
import io.moodlectl.workflow.OperationStatus;
import io.moodlectl.workflow.Redactor;
import io.moodlectl.workflow.StepRecord;
import io.moodlectl.workflow.StepStatus;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class OperationExportTest {
    static final String SECRET = "hunter2-" + Long.toHexString(System.nanoTime());
    static final Instant T0 = Instant.parse("2026-12-02T14:15:03Z");

    static OperationRecord sampleOperation() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("downtime", "9.8 s");
        facts.put("db password", SECRET);
        return new OperationRecord("20261202-141503-promote-demo", "promote", "demo", "promote demo to 4.5.6",
                OperationStatus.REVERTED, T0, T0.plusSeconds(75), "health-check: login page answered 500", 4242,
                facts);
    }

    static List<StepRecord> sampleSteps() {
        String id = "20261202-141503-promote-demo";
        List<StepRecord> steps = new ArrayList<>();
        steps.add(new StepRecord(id, 1, "preflight", "Check that staging passed with this release", null,
                StepStatus.OK, "staged release matches\n", null, T0, T0.plusMillis(120)));
        steps.add(new StepRecord(id, 2, "snapshot", "Snapshot the live environment",
                "btrfs subvolume snapshot -r /pool/demo-blue /pool/demo-blue@pre", StepStatus.OK,
                "Create a readonly snapshot of '/pool/demo-blue' in '/pool/demo-blue@pre'\n", 0,
                T0.plusSeconds(1), T0.plusMillis(1024)));
        steps.add(new StepRecord(id, 3, "write-config", "Write config.php",
                "printf '%s' \"$CFG\" > code/config.php  # dbpass=" + SECRET, StepStatus.OK,
                "wrote with ```fences``` and " + SECRET + "\n", 0, T0.plusSeconds(2), T0.plusSeconds(3)));
        steps.add(new StepRecord(id, 4, "health-check", "Fetch the login page of the new environment",
                "curl -fsS -o /dev/null -w '%{http_code}' http://127.0.0.1:8081/login/index.php", StepStatus.FAILED,
                "500", 22, T0.plusSeconds(60), T0.plusSeconds(61)));
        steps.add(new StepRecord(id, 5, "revert: snapshot", "Undo: Snapshot the live environment",
                "btrfs subvolume delete /pool/demo-blue@pre", StepStatus.REVERTED, "", 0, T0.plusSeconds(62),
                T0.plusSeconds(63)));
        steps.add(new StepRecord(id, 6, "watch", "Never finished", "sleep 600", StepStatus.RUNNING, "", null,
                T0.plusSeconds(64), null));
        return steps;
    }

    @Test
    void theNotebookIsValidNbformat45WithOneBashCellPerCommand() throws Exception {
        Redactor.register(SECRET);
        String json = OperationExport.toNotebook(sampleOperation(), sampleSteps());
        assertThat(json).doesNotContain(SECRET).contains("********");

        JsonNode nb = new ObjectMapper().readTree(json);
        assertThat(nb.get("nbformat").asInt()).isEqualTo(4);
        assertThat(nb.get("nbformat_minor").asInt()).isEqualTo(5);
        assertThat(nb.at("/metadata/kernelspec/name").asText()).isEqualTo("python3");
        assertThat(nb.at("/metadata/language_info/name").asText()).isEqualTo("python");
        assertThat(nb.at("/metadata/moodlectl/operation").asText()).isEqualTo("20261202-141503-promote-demo");

        List<JsonNode> cells = new ArrayList<>();
        nb.get("cells").forEach(cells::add);
        // header + 6 markdown + 5 code cells (preflight has no command)
        assertThat(cells).hasSize(12);
        assertThat(cells).extracting(c -> c.get("id").asText()).doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).matches("[a-zA-Z0-9_-]{1,64}"));
        assertThat(cells).extracting(c -> c.get("cell_type").asText()).containsExactly("markdown",
                "markdown", "markdown", "code", "markdown", "code", "markdown", "code", "markdown", "code",
                "markdown", "code");
        String header = text(cells.get(0).get("source"));
        assertThat(header).contains("promote demo — REVERTED").contains("| downtime | 9.8 s |")
                .contains("login page answered 500").contains("2026-12-02 14:15:03 UTC");
        String preflight = text(cells.get(1).get("source"));
        assertThat(preflight).contains("## 1. preflight — OK").contains("staged release matches");

        JsonNode snapshot = cells.get(3);
        assertThat(text(snapshot.get("source")))
                .isEqualTo("%%bash\nbtrfs subvolume snapshot -r /pool/demo-blue /pool/demo-blue@pre");
        assertThat(snapshot.get("execution_count").asInt()).isEqualTo(1);
        assertThat(snapshot.at("/metadata/moodlectl/step").asInt()).isEqualTo(2);
        assertThat(snapshot.at("/metadata/moodlectl/status").asText()).isEqualTo("OK");
        assertThat(snapshot.at("/metadata/moodlectl/exitCode").asInt()).isZero();
        assertThat(snapshot.at("/outputs/0/output_type").asText()).isEqualTo("stream");
        assertThat(snapshot.at("/outputs/0/name").asText()).isEqualTo("stdout");
        assertThat(text(snapshot.at("/outputs/0/text")))
                .isEqualTo("Create a readonly snapshot of '/pool/demo-blue' in '/pool/demo-blue@pre'\n");

        JsonNode health = cells.get(7);
        assertThat(health.at("/metadata/moodlectl/exitCode").asInt()).isEqualTo(22);
        assertThat(health.at("/metadata/moodlectl/status").asText()).isEqualTo("FAILED");
        assertThat(text(cells.get(6).get("source"))).contains("Exit code 22.");
        assertThat(cells.get(9).get("outputs")).isEmpty(); // the revert printed nothing
        assertThat(cells.get(11).at("/metadata/moodlectl/exitCode").isNull()).isTrue();
        assertThat(text(cells.get(10).get("source"))).contains("never finished");

        if (nbformatAvailable()) {
            Result r = python("import nbformat,sys; nbformat.validate(nbformat.reads(sys.stdin.read(), as_version=4)); "
                    + "print('valid')", json);
            assertThat(r.output()).as("nbformat validator").contains("valid");
            assertThat(r.exitCode()).as("nbformat validator: " + r.output()).isZero();
        }
    }

    @Test
    void theMarkdownRunbookShowsCommandsAndOutputInBlocks() {
        Redactor.register(SECRET);
        String md = OperationExport.toMarkdown(sampleOperation(), sampleSteps());
        assertThat(md).doesNotContain(SECRET);
        assertThat(md).startsWith("# moodlectl promote demo — REVERTED\n\npromote demo to 4.5.6\n");
        assertThat(md).contains("| db password | ******** |");
        assertThat(md).contains("## 2. snapshot — OK (0.0 s)\n\nSnapshot the live environment\n\n"
                + "```bash\nbtrfs subvolume snapshot -r /pool/demo-blue /pool/demo-blue@pre\n```\n\nOutput:\n\n"
                + "```\nCreate a readonly snapshot of '/pool/demo-blue' in '/pool/demo-blue@pre'\n```");
        // output holding a fence gets a longer fence
        assertThat(md).contains("````\nwrote with ```fences``` and ********\n````");
        assertThat(md).contains("## 4. health-check — FAILED (1.0 s)").contains("Exit code 22.");
        assertThat(md).contains("## 1. preflight — OK (0.1 s)\n\nCheck that staging passed with this release\n\n"
                + "Output:\n\n```\nstaged release matches\n```");
    }

    @Test
    void durationsAreReadable() {
        assertThat(OperationExport.duration(java.time.Duration.ofMillis(9_800))).isEqualTo("9.8 s");
        assertThat(OperationExport.duration(java.time.Duration.ofSeconds(76))).isEqualTo("1 min 16 s");
        assertThat(OperationExport.duration(java.time.Duration.ofMinutes(125))).isEqualTo("2 h 5 min");
    }

    static String text(JsonNode source) {
        if (source.isTextual()) {
            return source.asText();
        }
        StringBuilder sb = new StringBuilder();
        source.forEach(n -> sb.append(n.asText()));
        return sb.toString();
    }

    record Result(int exitCode, String output) {
    }

    static boolean nbformatAvailable() throws Exception {
        return java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/python3"))
                && python("import nbformat", "").exitCode() == 0;
    }

    static Result python(String code, String stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", code).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }
}
