package io.moodlectl.upgrade;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moodlectl.host.Host;
import io.moodlectl.runtime.ContainerState;
import io.moodlectl.site.HttpProbe;
import io.moodlectl.site.SiteState;
import io.moodlectl.site.SiteStore;
import io.moodlectl.testing.TestHost;
import io.moodlectl.workflow.OperationRecord;
import io.moodlectl.workflow.OperationStatus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SIGKILL fault-injection harness: runs a moodlectl command in a CHILD JVM ({@code java -cp target/classes:target/lib/*
 * io.moodlectl.cli.Main}) that kills itself with SIGKILL at a step boundary (MOODLECTL_FAULT_KILL_AT), waits for the
 * guardian it may have started, resumes or aborts the operation, and checks what the site was left with.
 */
final class CrashTrials {
    static final ObjectMapper JSON = new ObjectMapper();
    private final TestHost t;

    CrashTrials(TestHost t) {
        this.t = t;
    }

    /** A step boundary: kill right {@code when} ("before" or "after") step {@code step} of operation kind {@code kind}. */
    record Boundary(String kind, String step, String when) {
        String spec() {
            return kind + ":" + step + ":" + when;
        }

        @Override
        public String toString() {
            return when + " " + step;
        }
    }

    /** A child moodlectl that was killed: its operation (the newest of the site), exit code and stderr. */
    record Killed(String operation, int exitCode, String err) {
    }

    /** Runs moodlectl ARGS in a child JVM with the kill switch set; the child must die by SIGKILL (exit 137). */
    Killed runKilled(String site, Boundary b, String... args) throws Exception {
        return runKilled(site, b, java.util.Map.of(), args);
    }

    /** As {@link #runKilled(String, Boundary, String...)} with more environment variables for the child. */
    Killed runKilled(String site, Boundary b, java.util.Map<String, String> env, String... args) throws Exception {
        Process p = startChild(b, env, args);
        boolean done = p.waitFor(6, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(done).as("child ended: " + b).isTrue();
        assertThat(p.exitValue()).as("child killed by SIGKILL at " + b + "; its stderr:\n" + tail(err)).isEqualTo(137);
        try (Host h = t.host()) {
            OperationRecord op = h.journal().operations(site, 1).get(0);
            assertThat(op.kind()).as("newest operation of " + site).isEqualTo(b.kind());
            assertThat(op.status()).isEqualTo(OperationStatus.INTERRUPTED);
            return new Killed(op.id(), p.exitValue(), err);
        }
    }

    /** Starts moodlectl ARGS in a child JVM (the kill switch set if {@code b} is not null); output goes to files. */
    Process startChild(Boundary b, String... args) throws IOException {
        return startChild(b, java.util.Map.of(), args);
    }

    private Process startChild(Boundary b, java.util.Map<String, String> env, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> argv = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-cp", "target/classes:target/lib/*",
                "io.moodlectl.cli.Main", "--state-dir", t.stateDir().toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().keySet().removeIf(k -> k.startsWith("MOODLECTL_FAULT_"));
        if (b != null) {
            pb.environment().put("MOODLECTL_FAULT_KILL_AT", b.spec());
        }
        pb.environment().putAll(env);
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }

    /** Waits for the guardian the operation recorded (if any) to end, so that nobody else holds the site's lock. */
    void awaitGuardian(String operation) {
        String g;
        try (Host h = t.host()) {
            g = h.journal().operation(operation).orElseThrow().facts().get(Recovery.GUARDIAN);
        }
        if (g == null) {
            return;
        }
        Matcher m = Pattern.compile("pid (\\d+)").matcher(g);
        if (m.find()) {
            Optional<ProcessHandle> ph = ProcessHandle.of(Long.parseLong(m.group(1)));
            if (ph.isPresent()) {
                try {
                    ph.get().onExit().get(3, TimeUnit.MINUTES);
                } catch (Exception e) {
                    throw new AssertionError("the guardian of " + operation + " did not end: " + g, e);
                }
            }
        }
    }

    /** The login page through the site's front port answers 200 (asked for up to {@code seconds}). */
    void assertServes(String site, int port, String why) throws InterruptedException {
        int status = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            status = HttpProbe.get("127.0.0.1", port, "127.0.0.1:" + port, "/login/index.php", 10_000).status();
            if (status == 200) {
                return;
            }
            Thread.sleep(300);
        }
        assertThat(status).as(site + " serves " + why).isEqualTo(200);
    }

    /** `ops abort` or `ops resume` of the interrupted operation; returns the JSON outcome. */
    JsonNode recover(String action, String operation) throws IOException {
        TestHost.Result r = t.run("--json", "ops", action, operation);
        assertThat(r.exitCode()).as("ops " + action + " " + operation + ": " + r.out() + r.err()).isZero();
        return JSON.readTree(r.out());
    }

    /** Nothing of the site is RUNNING or INTERRUPTED in the journal, and {@code operation} is closed as {@code status}. */
    void assertJournalConsistent(String site, String operation, OperationStatus status) {
        try (Host h = t.host()) {
            assertThat(h.journal().operation(operation).orElseThrow().status()).isEqualTo(status);
            List<OperationRecord> open = h.journal().operations(site, 0).stream()
                    .filter(o -> o.status() == OperationStatus.RUNNING || o.status() == OperationStatus.INTERRUPTED).toList();
            assertThat(open).as("operations of " + site + " left open").isEmpty();
        }
    }

    /**
     * No container, network or volume of the site belongs to an environment its state does not list (the front proxy and
     * named snapshots aside); with no state, nothing of the site is left at all.
     */
    void assertNoOrphans(String site) {
        Set<String> envs;
        try (Host h = t.host()) {
            envs = new SiteStore(h.state()).find(site).map(SiteState::environments).orElse(List.of()).stream()
                    .map(e -> e.id()).collect(Collectors.toSet());
        }
        boolean exists = !envs.isEmpty();
        for (ContainerState c : t.containers(site)) {
            if (c.name().equals(site + "-proxy")) {
                assertThat(exists).as("proxy of a site that is not recorded").isTrue();
                continue;
            }
            assertThat(envOf(c.name().substring(site.length() + 1))).as("container " + c.name()).isIn(envs);
        }
        for (String n : t.networks(site)) {
            if (n.equals(site + "-front")) {
                assertThat(exists).as("front network of a site that is not recorded").isTrue();
                continue;
            }
            assertThat(n.substring(site.length() + 1)).as("network " + n).isIn(envs);
        }
        for (String v : t.volumes(site)) {
            if (v.startsWith(site + "@")) {
                continue;
            }
            assertThat(v.substring(site.length() + 1)).as("volume " + v).isIn(envs);
        }
        if (!exists) {
            assertThat(t.containers(site)).as("containers of an aborted create").isEmpty();
            assertThat(t.volumes(site)).as("volumes of an aborted create").isEmpty();
        }
    }

    private static String envOf(String rest) {
        int dash = rest.indexOf('-');
        return dash < 0 ? rest : rest.substring(0, dash);
    }

    /** The value of a Moodle setting of live, read with cfg.php (committed data the trials must not lose). */
    String liveSetting(String site, String name) {
        TestHost.Result r = t.run("-q", "exec", site, "--", "php", "admin/cli/cfg.php", "--name=" + name);
        assertThat(r.exitCode()).as("cfg.php --name=" + name + ": " + r.err()).isZero();
        return r.out().strip();
    }

    /** Moodle's $release of live. */
    String liveRelease(String site) throws IOException {
        JsonNode s = JSON.readTree(t.run("--json", "site", "status", site).out());
        for (JsonNode e : s.get("environments")) {
            if ("live".equals(e.get("role").asText())) {
                return e.get("release").asText();
            }
        }
        return "";
    }

    static String tail(String s) {
        List<String> lines = s.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
    }

    static void writeQuietly(Path f, String s) {
        try {
            Files.writeString(f, s);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
