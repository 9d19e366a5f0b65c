package io.moodlectl.testing;

import io.moodlectl.cli.Main;
import io.moodlectl.host.Host;
import io.moodlectl.host.StateDir;
import io.moodlectl.runtime.ContainerState;
import io.moodlectl.runtime.docker.DockerConnection;
import io.moodlectl.storage.LoopPool;
import io.moodlectl.workflow.ProgressListener;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One moodlectl host for a whole integration-test run (one JVM): a state directory and a loop-file btrfs pool under
 * /var/tmp/mctl-t&lt;pid&gt;, the fixture's git repositories, unique site names and free ports. Everything it made is
 * removed when the JVM ends (containers and networks of its sites, the pool's mount and loop device, the files).
 */
public final class TestHost {
    private static TestHost instance;
    private static final AtomicInteger SITES = new AtomicInteger();

    private final String prefix;
    private final Path dir;
    private final Path stateDir;
    private Path fixture;

    private TestHost(String prefix, Path dir) {
        this.prefix = prefix;
        this.dir = dir;
        this.stateDir = dir.resolve("state");
    }

    public static synchronized TestHost get() {
        if (instance == null) {
            String prefix = "mctl-t" + ProcessHandle.current().pid();
            TestHost h = new TestHost(prefix, Path.of("/var/tmp", prefix));
            Runtime.getRuntime().addShutdownHook(new Thread(h::cleanUp));
            h.init();
            instance = h;
        }
        return instance;
    }

    private void init() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Result r = run("host", "init", "--pool-file", dir.resolve("pool.img").toString(), "--pool-size", "12G");
        if (r.exitCode() != 0) {
            throw new IllegalStateException("host init failed: " + r.err());
        }
    }

    public Path stateDir() {
        return stateDir;
    }

    public Path dir() {
        return dir;
    }

    public Host host() {
        return new Host(new StateDir(stateDir), ProgressListener.NONE);
    }

    /** A new site name: mctl-t&lt;pid&gt;-&lt;n&gt;&lt;tag&gt; (short: container names carry it). */
    public String siteName(String tag) {
        return prefix + "-" + SITES.incrementAndGet() + tag;
    }

    /** The fixture's core repository (make-repo.sh), made once per run; plugins in {@code <repo>-plugins/}. */
    public synchronized Path fixtureRepo() {
        if (fixture == null) {
            Path repo = dir.resolve("fixture-core");
            exec(List.of("bash", "fixtures/moodle-contract/make-repo.sh", repo.toString(), "--slow-upgrade", "6"));
            fixture = repo;
        }
        return fixture;
    }

    public Path pluginRepo() {
        return Path.of(fixtureRepo() + "-plugins").resolve("local_fixturenotes.git");
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a site file into the test directory and returns its path. */
    public Path siteFile(String name, String yaml) {
        Path f = dir.resolve(name + "-" + System.nanoTime() + ".yaml");
        try {
            Files.writeString(f, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return f;
    }

    /** A site file for the fixture: name, ports, database, Moodle ref, optional plugin ref. */
    public String fixtureSite(String name, int port, int previewPort, String database, String ref, String pluginRef) {
        StringBuilder sb = new StringBuilder();
        sb.append("name: ").append(name).append('\n')
                .append("port: ").append(port).append('\n')
                .append("preview: {port: ").append(previewPort).append("}\n")
                .append("database: ").append(database).append('\n')
                .append("moodle:\n  repository: ").append(fixtureRepo()).append("\n  ref: ").append(ref).append('\n')
                .append("settings:\n  - {name: fixture_greeting, value: hello}\n");
        if (pluginRef != null) {
            sb.append("plugins:\n  - {component: local_fixturenotes, repository: ").append(pluginRepo())
                    .append(", ref: ").append(pluginRef).append("}\n");
        }
        return sb.toString();
    }

    public record Result(int exitCode, String out, String err) {
    }

    /** Runs the CLI in this JVM with this host's state directory. */
    public Result run(String... args) {
        List<String> all = new ArrayList<>(List.of("--state-dir", stateDir.toString()));
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(o, e, all.toArray(String[]::new));
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Containers of a site, whatever their state. */
    public List<ContainerState> containers(String site) {
        try (DockerConnection c = DockerConnection.connect()) {
            return c.runtime().list(Map.of("moodlectl.site", site));
        }
    }

    public List<String> networks(String site) {
        try (DockerConnection c = DockerConnection.connect()) {
            return c.runtime().listNetworks(Map.of("moodlectl.site", site));
        }
    }

    /** Volumes and snapshots of a site in the pool. */
    public List<String> volumes(String site) {
        try (Host h = host()) {
            return h.storage().list().stream().map(v -> v.name())
                    .filter(n -> n.startsWith(site + ".") || n.startsWith(site + "@")).toList();
        }
    }

    public static String exec(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", argv) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void cleanUp() {
        try (DockerConnection c = DockerConnection.connect()) {
            for (ContainerState s : c.runtime().list(Map.of())) {
                String site = s.labels().get("moodlectl.site");
                if (site != null && site.startsWith(prefix)) {
                    c.runtime().remove(s.name());
                }
            }
            for (String n : c.runtime().listNetworks(Map.of())) {
                if (n.startsWith(prefix)) {
                    c.runtime().removeNetwork(n);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("TestHost clean-up: " + e.getMessage());
        }
        try {
            Path pool = Files.exists(stateDir.resolve("host.json")) ? poolMount() : null;
            if (pool != null && LoopPool.isMounted(pool)) {
                new ProcessBuilder("sh", "-c", "for v in $(btrfs subvolume list -o " + pool + " | awk '{print $NF}'); do "
                        + "btrfs property set -ts " + pool + "/$(basename $v) ro false 2>/dev/null; done").start().waitFor();
                LoopPool.unmount(pool);
            }
            new ProcessBuilder("rm", "-rf", "--one-file-system", dir.toString()).start().waitFor();
        } catch (IOException | RuntimeException e) {
            System.err.println("TestHost clean-up: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Path poolMount() {
        try {
            String json = Files.readString(stateDir.resolve("host.json"));
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
            return Path.of(node.get("poolRoot").asText());
        } catch (IOException e) {
            return null;
        }
    }
}
