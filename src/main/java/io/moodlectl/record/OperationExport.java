package io.moodlectl.record;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moodlectl.workflow.OperationRecord;
import io.moodlectl.workflow.Redactor;
import io.moodlectl.workflow.StepRecord;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a journaled operation as a Jupyter notebook (nbformat 4.5, python3 kernel, each command in a {@code %%bash}
 * cell with its recorded output) or as a Markdown runbook. Everything passes through {@link Redactor#redact} again, so a
 * secret registered after the journal was written is still masked.
 */
public final class OperationExport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private OperationExport() {
    }

    /** The operation as a Jupyter notebook (nbformat 4.5 JSON). */
    public static String toNotebook(OperationRecord op, List<StepRecord> steps) {
        ObjectNode nb = NODES.objectNode();
        ArrayNode cells = nb.putArray("cells");
        cells.add(markdownCell("operation", header(op, steps, true)));
        int executionCount = 0;
        for (StepRecord s : steps) {
            String cellBase = String.format(Locale.ROOT, "step-%03d", s.seq());
            boolean hasCommand = s.command() != null && !s.command().isBlank();
            cells.add(markdownCell(cellBase + "-md", stepHeading(s) + (hasCommand ? "" : outputBlock(s))));
            if (hasCommand) {
                executionCount++;
                ObjectNode cell = NODES.objectNode();
                cell.put("cell_type", "code");
                cell.put("execution_count", executionCount);
                cell.put("id", cellBase + "-code");
                ObjectNode meta = cell.putObject("metadata");
                ObjectNode mine = meta.putObject("moodlectl");
                mine.put("step", s.seq());
                mine.put("name", r(s.name()));
                mine.put("status", s.status().name());
                if (s.exitCode() == null) {
                    mine.putNull("exitCode");
                } else {
                    mine.put("exitCode", s.exitCode());
                }
                if (s.started() != null) {
                    mine.put("started", s.started().toString());
                }
                if (s.ended() != null) {
                    mine.put("ended", s.ended().toString());
                    mine.put("seconds", s.took().toMillis() / 1000.0);
                }
                if (s.started() != null && s.ended() != null) {
                    // Jupyter's own timing keys, so front-ends that show execution times show the step's
                    ObjectNode execution = meta.putObject("execution");
                    execution.put("iopub.execute_input", s.started().toString());
                    execution.put("shell.execute_reply", s.ended().toString());
                }
                ArrayNode outputs = cell.putArray("outputs");
                String output = r(s.output());
                if (output != null && !output.isEmpty()) {
                    ObjectNode stream = outputs.addObject();
                    stream.put("name", "stdout");
                    stream.put("output_type", "stream");
                    stream.set("text", lines(output));
                }
                cell.set("source", lines("%%bash\n" + r(s.command())));
                cells.add(cell);
            }
        }
        ObjectNode metadata = nb.putObject("metadata");
        ObjectNode kernel = metadata.putObject("kernelspec");
        kernel.put("display_name", "Python 3 (ipykernel)");
        kernel.put("language", "python");
        kernel.put("name", "python3");
        ObjectNode language = metadata.putObject("language_info");
        language.put("name", "python");
        language.put("file_extension", ".py");
        language.put("mimetype", "text/x-python");
        ObjectNode mine = metadata.putObject("moodlectl");
        mine.put("operation", op.id());
        mine.put("kind", r(op.kind()));
        if (op.site() != null) {
            mine.put("site", r(op.site()));
        }
        mine.put("status", op.status().name());
        if (op.started() != null) {
            mine.put("started", op.started().toString());
        }
        if (op.ended() != null) {
            mine.put("ended", op.ended().toString());
        }
        nb.put("nbformat", 4);
        nb.put("nbformat_minor", 5);
        try {
            return JSON.writeValueAsString(nb) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The operation as a Markdown runbook: commands in {@code bash} blocks, their output in plain blocks. */
    public static String toMarkdown(OperationRecord op, List<StepRecord> steps) {
        StringBuilder md = new StringBuilder(header(op, steps, false));
        for (StepRecord s : steps) {
            md.append("\n\n").append(stepHeading(s));
            if (s.command() != null && !s.command().isBlank()) {
                md.append("\n\n").append(block("bash", r(s.command())));
            }
            md.append(outputBlock(s));
        }
        return md.append('\n').toString();
    }

    // ---------------------------------------------------------------- pieces

    private static String header(OperationRecord op, List<StepRecord> steps, boolean notebook) {
        StringBuilder md = new StringBuilder();
        md.append("# moodlectl ").append(r(op.kind()));
        if (op.site() != null) {
            md.append(" ").append(r(op.site()));
        }
        md.append(" — ").append(op.status().name()).append("\n\n");
        if (op.summary() != null && !op.summary().isBlank()) {
            md.append(r(op.summary())).append("\n\n");
        }
        md.append("| | |\n|---|---|\n");
        row(md, "Operation", "`" + op.id() + "`");
        row(md, "Kind", r(op.kind()));
        if (op.site() != null) {
            row(md, "Site", r(op.site()));
        }
        row(md, "Status", op.status().name());
        row(md, "Started", time(op.started()));
        if (op.ended() != null) {
            row(md, "Ended", time(op.ended()) + " (took " + duration(op.took()) + ")");
        }
        if (op.error() != null) {
            row(md, "Error", r(op.error()));
        }
        row(md, "Process", Long.toString(op.pid()));
        for (Map.Entry<String, String> f : op.facts().entrySet()) {
            row(md, r(f.getKey()), r(f.getValue()));
        }
        md.append('\n');
        if (!steps.isEmpty()) {
            md.append("| # | step | status | took | exit code |\n|---|---|---|---|---|\n");
            for (StepRecord s : steps) {
                md.append("| ").append(s.seq()).append(" | ").append(cell(r(s.name()))).append(" | ")
                        .append(s.status().name()).append(" | ")
                        .append(s.ended() == null ? "(did not finish)" : duration(s.took())).append(" | ")
                        .append(s.exitCode() == null ? "" : s.exitCode()).append(" |\n");
            }
            md.append('\n');
        }
        if (notebook) {
            md.append("Each step shows the shell-equivalent command moodlectl ran and the output it recorded. "
                    + "Running a cell runs that command again on this machine: read it before you run it.");
        } else {
            md.append("Each step shows the shell-equivalent command moodlectl ran and the output it recorded.");
        }
        return md.toString();
    }

    private static void row(StringBuilder md, String key, String value) {
        md.append("| ").append(cell(key)).append(" | ").append(cell(value)).append(" |\n");
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\r", "").replace("\n", "<br>");
    }

    private static String stepHeading(StepRecord s) {
        StringBuilder md = new StringBuilder();
        md.append("## ").append(s.seq()).append(". ").append(r(s.name())).append(" — ").append(s.status().name());
        if (s.took() != null) {
            md.append(" (").append(duration(s.took())).append(")");
        }
        if (s.description() != null && !s.description().isBlank()) {
            md.append("\n\n").append(r(s.description()));
        }
        if (s.exitCode() != null && s.exitCode() != 0) {
            md.append("\n\nExit code ").append(s.exitCode()).append('.');
        }
        if (s.ended() == null) {
            md.append("\n\nThis step never finished (the process ended while it ran).");
        }
        return md.toString();
    }

    private static String outputBlock(StepRecord s) {
        String out = r(s.output());
        if (out == null || out.isBlank()) {
            return "";
        }
        return "\n\nOutput:\n\n" + block("", out);
    }

    /** A fenced block whose fence is longer than any run of backticks inside. */
    static String block(String language, String content) {
        int longest = 0;
        int run = 0;
        for (char c : content.toCharArray()) {
            run = c == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        String fence = "`".repeat(Math.max(3, longest + 1));
        String body = content.endsWith("\n") ? content : content + "\n";
        return fence + language + "\n" + body + fence;
    }

    /** Jupyter's multi-line string: one element per line, each but the last ending in a newline. */
    private static ArrayNode lines(String text) {
        ArrayNode a = NODES.arrayNode();
        int from = 0;
        while (from < text.length()) {
            int nl = text.indexOf('\n', from);
            if (nl < 0) {
                a.add(text.substring(from));
                break;
            }
            a.add(text.substring(from, nl + 1));
            from = nl + 1;
        }
        return a;
    }

    private static ObjectNode markdownCell(String id, String source) {
        ObjectNode cell = NODES.objectNode();
        cell.put("cell_type", "markdown");
        cell.put("id", id);
        cell.putObject("metadata");
        cell.set("source", lines(source));
        return cell;
    }

    static String time(Instant t) {
        return t == null ? "" : TIME.format(t);
    }

    static String duration(Duration d) {
        if (d == null) {
            return "";
        }
        long ms = d.toMillis();
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = Math.round(ms / 1000.0);
        if (s < 3600) {
            return (s / 60) + " min " + (s % 60) + " s";
        }
        return (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }

    private static String r(String s) {
        return Redactor.redact(s);
    }
}
