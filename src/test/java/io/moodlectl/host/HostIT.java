package io.moodlectl.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moodlectl.site.HttpProbe;
import io.moodlectl.storage.LoopPool;
import io.moodlectl.testing.TestHost;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** host init / status / up against the real pool and API, and the refusals of bad pool options. */
class HostIT {
    private final TestHost t = TestHost.get();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void statusReportsTheApiABtrfsPoolWithAtomicSnapshotsAndAllImages() throws Exception {
        TestHost.Result r = t.run("--json", "host", "status");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode s = json.readTree(r.out());
        assertThat(s.get("api").get("reachable").asBoolean()).isTrue();
        assertThat(s.get("api").get("info").get("engine").asText()).isIn("Podman", "Docker");
        assertThat(s.get("pool").get("driver").asText()).isEqualTo("btrfs");
        assertThat(s.get("pool").get("capabilities").get("atomicSnapshot").asBoolean()).isTrue();
        assertThat(s.get("images")).hasSizeGreaterThanOrEqualTo(10);
        for (JsonNode image : s.get("images")) {
            assertThat(image.get("present").asBoolean()).as(image.get("tag").asText()).isTrue();
        }
    }

    @Test
    void badPoolOptionsAreRefusedAndChangeNothing() throws Exception {
        Path state = Files.createDirectories(t.dir().resolve("bad-" + System.nanoTime()));
        // btrfs asked on a filesystem that is not btrfs
        Path plain = Files.createDirectories(state.resolve("plain"));
        TestHost.Result notBtrfs = run(state, "host", "init", "--pool-dir", plain.toString(), "--driver", "btrfs");
        assertThat(notBtrfs.exitCode()).isEqualTo(4);
        assertThat(notBtrfs.err()).contains("what to do");
        // a pool file too small for btrfs
        TestHost.Result tiny = run(state, "host", "init", "--pool-file", state.resolve("tiny.img").toString(), "--pool-size", "10M");
        assertThat(tiny.exitCode()).isEqualTo(3);
        // garbage size
        assertThat(run(state, "host", "init", "--pool-file", state.resolve("x.img").toString(), "--pool-size", "lots").exitCode()).isEqualTo(3);
        // a missing directory
        assertThat(run(state, "host", "init", "--pool-dir", state.resolve("missing").toString()).exitCode()).isEqualTo(7);
        assertThat(Files.exists(state.resolve("state/host.json"))).isFalse();
        assertThat(Files.exists(state.resolve("tiny.img"))).isFalse();
    }

    @Test
    void hostUpMountsThePoolAndStartsTheSitesAfterAReboot() throws Exception {
        String name = t.siteName("h");
        int port = TestHost.freePort();
        Path file = t.siteFile(name, t.fixtureSite(name, port, TestHost.freePort(), "mariadb", "v4.4.0", null));
        assertThat(t.run("site", "create", "-f", file.toString()).exitCode()).isZero();
        try {
            // "reboot": every container of the site stopped, the pool unmounted
            for (var c : t.containers(name)) {
                TestHost.exec(List.of("podman", "stop", "-t", "2", c.name()));
            }
            TestHost.exec(List.of("podman", "stop", "-t", "2", name + "-proxy"));
            JsonNode host = json.readTree(Files.readString(t.stateDir().resolve("host.json")));
            Path pool = Path.of(host.get("poolRoot").asText());
            LoopPool.unmount(pool);
            assertThat(LoopPool.isMounted(pool)).isFalse();
            assertThat(t.run("site", "status", name).exitCode()).isEqualTo(9);

            TestHost.Result up = t.run("host", "up");
            assertThat(up.exitCode()).as(up.err()).isZero();
            assertThat(up.out()).contains("mounted").contains(name);
            assertThat(LoopPool.isMounted(pool)).isTrue();
            long deadline = System.nanoTime() + 60_000_000_000L;
            int status = -1;
            while (System.nanoTime() < deadline && status != 200) {
                status = HttpProbe.get("127.0.0.1", port, "127.0.0.1:" + port, "/login/index.php", 10_000).status();
                Thread.sleep(500);
            }
            assertThat(status).isEqualTo(200);
            assertThat(t.containers(name)).allMatch(c -> c.running());
        } finally {
            t.run("host", "up");
            t.run("site", "destroy", name, "--yes");
        }
    }

    private static TestHost.Result run(Path state, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--state-dir";
        all[1] = state.resolve("state").toString();
        System.arraycopy(args, 0, all, 2, args.length);
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        int code = io.moodlectl.cli.Main.run(new java.io.PrintStream(out, true), new java.io.PrintStream(err, true), all);
        return new TestHost.Result(code, out.toString(), err.toString());
    }
}
