package io.moodlectl.upgrade;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moodlectl.cli.Main;
import io.moodlectl.site.HttpProbe;
import io.moodlectl.testing.TestHost;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On the copy driver (no atomic snapshot) stage still makes a consistent copy: the database is stopped cleanly
 * (quiesced) for the copy, and the rehearsed copy's schema checks out.
 */
class CopyPoolStageIT {
    @Test
    void stageOnAPlainDirectoryPoolQuiescesTheDatabaseAndMakesAConsistentCopy() throws Exception {
        TestHost t = TestHost.get();
        Path state = t.dir().resolve("copy-state");
        Path pool = Files.createDirectories(t.dir().resolve("copy-pool-" + System.nanoTime()));
        String site = t.siteName("c");
        int port = TestHost.freePort();
        assertThat(run(state, "host", "init", "--pool-dir", pool.toString(), "--driver", "copy")[0]).isEqualTo("0");
        Path file = t.siteFile(site, t.fixtureSite(site, port, TestHost.freePort(), "mariadb", "v4.4.0", null));
        try {
            String[] created = run(state, "site", "create", "-f", file.toString());
            assertThat(created[0]).as(created[2]).isEqualTo("0");
            String[] staged = run(state, "--json", "stage", site, "--ref", "v4.5.0");
            assertThat(staged[0]).as(staged[2]).isEqualTo("0");
            JsonNode report = new ObjectMapper().readTree(staged[1]);
            assertThat(report.get("passed").asBoolean()).isTrue();
            assertThat(report.get("checks").toString()).contains("check_database_schema.php");
            String opId = report.get("operation").asText();
            String shown = run(state, "ops", "show", opId)[1];
            assertThat(shown).contains("snapshot-live");
            String notebook = run(state, "ops", "export", opId, "--format", "md")[1];
            assertThat(notebook).contains("stopping the database cleanly");
            // without atomic snapshots live's database was stopped for the copy: live comes back once it answers again
            long deadline = System.nanoTime() + 120_000_000_000L;
            int status = -1;
            while (status != 200 && System.nanoTime() < deadline) {
                status = HttpProbe.get("127.0.0.1", port, "127.0.0.1:" + port, "/login/index.php", 10_000).status();
                if (status != 200) {
                    Thread.sleep(1000);
                }
            }
            assertThat(status).as("live serves again after the quiesced copy").isEqualTo(200);
        } finally {
            run(state, "site", "destroy", site, "--yes");
        }
    }

    private static String[] run(Path state, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--state-dir";
        all[1] = state.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), all);
        return new String[]{String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }
}
