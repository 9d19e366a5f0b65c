package io.moodlectl.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moodlectl.testing.NotebookChecks;
import io.moodlectl.testing.TestHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runbook notebooks under notebooks/ run headless, in order, with Debian's jupyter-nbconvert and python3 kernel,
 * against the fixture: the first builds a site (4.4.0), the second rehearses and promotes 4.5.0, the third rolls
 * back, the fourth runs Moodle CLI tasks; the site is destroyed at the end. They call this build's moodlectl
 * (target/moodlectl.jar, through MOODLECTL).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunbookNotebooksIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestHost t;
    private static String site;
    private static Map<String, String> env;

    @BeforeAll
    static void parameters() {
        t = TestHost.get();
        site = t.siteName("n");
        Path siteFile = t.siteFile(site, t.fixtureSite(site, TestHost.freePort(), TestHost.freePort(), "mariadb", "v4.4.0", null));
        Path jar = Path.of("target", "moodlectl.jar").toAbsolutePath();
        assertThat(jar).as("the build under test (mvn package)").exists();
        env = new HashMap<>();
        env.put("MOODLECTL", Path.of(System.getProperty("java.home"), "bin", "java") + " -jar " + jar);
        env.put("MOODLECTL_STATE_DIR", t.stateDir().toString());
        env.put("MOODLECTL_SITE_FILE", siteFile.toString());
        env.put("MOODLECTL_SITE", site);
        env.put("MOODLECTL_TARGET_REF", "v4.5.0");
        env.put("MOODLECTL_WATCH", "3s");
        env.put("MOODLECTL_ROLLBACK_FORCE", "yes");
        // Debian's jupyter and its python3 kernel, not a python3 from PATH that lacks ipykernel
        env.put("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        env.put("JUPYTER_RUNTIME_DIR", t.dir().resolve("jupyter-runtime").toString());
        env.put("IPYTHONDIR", t.dir().resolve("ipython").toString());
        env.put("JUPYTER_CONFIG_DIR", t.dir().resolve("jupyter-config").toString());
    }

    @AfterAll
    static void destroySite() {
        if (site != null) {
            t.run("site", "destroy", site, "--yes");
        }
    }

    @Test
    @Order(1)
    void theBuildNotebookCreatesTheSite() throws Exception {
        execute("01-build-site");
        assertThat(liveRelease()).startsWith("4.4");
    }

    @Test
    @Order(2)
    void theUpgradeNotebookRehearsesAndPromotes() throws Exception {
        JsonNode executed = execute("02-rehearse-and-promote");
        assertThat(liveRelease()).startsWith("4.5");
        assertThat(allOutput(executed)).contains("upgrade.php took").contains("maintenance window").contains("B/A");
    }

    @Test
    @Order(3)
    void theRollbackNotebookGoesBackToTheOldRelease() throws Exception {
        execute("03-rollback");
        assertThat(liveRelease()).startsWith("4.4");
    }

    @Test
    @Order(4)
    void theCliTaskNotebookChangesASettingAndPurgesCaches() throws Exception {
        execute("04-moodle-cli-task");
        TestHost.Result r = t.run("exec", site, "--", "php", "admin/cli/cfg.php", "--name=maintenance_message");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Moodle is being upgraded, back soon.");
    }

    /** Executes notebooks/NAME.ipynb into the test directory; nbconvert fails if a cell raises. */
    private static JsonNode execute(String name) throws Exception {
        Path source = Path.of("notebooks", name + ".ipynb").toAbsolutePath();
        Path outDir = t.dir().resolve("notebooks-run");
        Files.createDirectories(outDir);
        NotebookChecks.Run r = NotebookChecks.run(List.of("/usr/bin/jupyter-nbconvert", "--to", "notebook", "--execute",
                "--ExecutePreprocessor.timeout=1200", "--output-dir", outDir.toString(), source.toString()), env);
        Path executed = outDir.resolve(name + ".ipynb");
        String cells = Files.exists(executed) ? allOutput(JSON.readTree(executed.toFile())) : "";
        assertThat(r.exitCode()).as(name + " ran to the end:\n" + r.output() + "\n" + cells).isZero();
        NotebookChecks.assertValidNotebook(executed);
        return JSON.readTree(executed.toFile());
    }

    private static String allOutput(JsonNode nb) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode cell : nb.get("cells")) {
            if (cell.get("cell_type").asText().equals("code")) {
                for (JsonNode o : cell.get("outputs")) {
                    if (o.has("text")) {
                        o.get("text").forEach(x -> sb.append(x.asText()));
                    }
                    if (o.has("traceback")) {
                        o.get("traceback").forEach(x -> sb.append(x.asText()).append('\n'));
                    }
                }
            }
        }
        return sb.toString();
    }

    private static String liveRelease() throws Exception {
        JsonNode status = JSON.readTree(t.run("--json", "site", "status", site).out());
        for (JsonNode e : status.get("environments")) {
            if (e.get("role").asText().equals("live")) {
                return e.get("release").asText();
            }
        }
        return "none";
    }
}
