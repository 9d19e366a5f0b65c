package io.moodlectl.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moodlectl.workflow.StepRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks of exported notebooks and records shared by integration tests: the real nbformat validator, secrets, steps. */
public final class NotebookChecks {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NotebookChecks() {
    }

    /** Debian's nbformat validator (python3-nbformat) accepts the file. */
    public static void assertValidNotebook(Path notebook) {
        Run r = run(List.of("/usr/bin/python3", "-c",
                "import nbformat,sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4)); print('valid')",
                notebook.toString()), null);
        assertThat(r.exitCode()).as("nbformat.validate(" + notebook + "): " + r.output()).isZero();
        assertThat(r.output()).contains("valid");
    }

    /** Every secret generated for the site (the files under secrets/&lt;site&gt;/: database and admin passwords…). */
    public static List<String> siteSecrets(Path stateDir, String site) {
        Path dir = stateDir.resolve("secrets").resolve(site);
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.add(Files.readString(f).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(out).as("secrets of " + site).isNotEmpty().allSatisfy(s -> assertThat(s).hasSizeGreaterThanOrEqualTo(8));
        return out;
    }

    /** None of the secrets appears in the file (read as bytes, so a binary journal is scanned too). */
    public static void assertNoSecret(Path file, List<String> secrets) {
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String s : secrets) {
            assertThat(text).as(file + " must not contain a secret").doesNotContain(s);
        }
    }

    /**
     * The Markdown export shows each journaled step (heading with its status and duration, its output) and the
     * notebook has a code cell with the recorded output and the step's seconds for each step with a command.
     */
    public static void assertEveryStepShown(Path notebook, Path markdown, List<StepRecord> steps) {
        try {
            String md = Files.readString(markdown);
            JsonNode nb = JSON.readTree(notebook.toFile());
            List<JsonNode> code = new ArrayList<>();
            nb.get("cells").forEach(c -> {
                if (c.get("cell_type").asText().equals("code")) {
                    code.add(c);
                }
            });
            assertThat(steps).isNotEmpty();
            for (StepRecord s : steps) {
                assertThat(md).as("step " + s.name()).contains("## " + s.seq() + ". " + s.name() + " — " + s.status() + " (")
                        .contains("| " + s.seq() + " | " + s.name() + " | " + s.status() + " | ");
                String firstLine = s.output().lines().filter(l -> !l.isBlank()).findFirst().orElse(null);
                if (firstLine != null) {
                    assertThat(md).as("output of " + s.name()).contains(firstLine);
                }
                if (s.command() != null && !s.command().isBlank()) {
                    JsonNode cell = code.stream().filter(c -> c.at("/metadata/moodlectl/step").asInt() == s.seq())
                            .findFirst().orElseThrow(() -> new AssertionError("no code cell for step " + s.name()));
                    assertThat(cell.at("/metadata/moodlectl/seconds").isNumber()).as("seconds of " + s.name()).isTrue();
                    assertThat(cellOutput(cell)).as("output of " + s.name()).isEqualTo(s.output());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stream text of a code cell's outputs. */
    public static String cellOutput(JsonNode cell) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode o : cell.get("outputs")) {
            if (o.get("output_type").asText().equals("stream")) {
                o.get("text").forEach(t -> sb.append(t.asText()));
            }
        }
        return sb.toString();
    }

    /** The source of a code cell without its first line (the {@code %%bash} magic). */
    public static String bashOf(JsonNode cell) {
        StringBuilder sb = new StringBuilder();
        cell.get("source").forEach(t -> sb.append(t.asText()));
        String src = sb.toString();
        assertThat(src).startsWith("%%bash\n");
        return src.substring("%%bash\n".length());
    }

    public record Run(int exitCode, String output) {
    }

    /** Runs a program (stdout and stderr together), with extra environment variables if given. */
    public static Run run(List<String> argv, java.util.Map<String, String> env) {
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
            if (env != null) {
                pb.environment().putAll(env);
            }
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", argv) + " did not finish");
            }
            return new Run(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
