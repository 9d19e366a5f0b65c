package io.moodlectl.upgrade;

import io.moodlectl.host.Host;
import io.moodlectl.workflow.Operation;
import io.moodlectl.workflow.OperationRecord;
import io.moodlectl.workflow.OperationStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A detached watcher of one operation (`moodlectl ops guard ID`, started with setsid so it outlives a killed
 * moodlectl): it waits for the operation's process to end and, if the operation was left unfinished, makes the site
 * serve again at once ({@link Recovery#restoreServing}) without resolving it; `ops resume` or `ops abort` do that. Its
 * log is {@code logs/guard-<id>.log} under the state directory.
 */
public final class Guardian {
    /** How often the journal is read while the operation runs. */
    private static final Duration POLL = Duration.ofMillis(250);
    /** {@code MOODLECTL_GUARDIAN=off}: start none (where no detached process is wanted; `host up` still recovers). */
    static final String OFF_ENV = "MOODLECTL_GUARDIAN";

    private Guardian() {
    }

    /** Starts the guardian of {@code op} (its pid is recorded as a fact); an operation goes on without one if it can't. */
    static void spawn(Host host, Operation op) {
        if ("off".equals(System.getenv(OFF_ENV))) {
            op.fact(Recovery.GUARDIAN, "off (" + OFF_ENV + "=off): after a crash, `moodlectl ops abort|resume " + op.id() + "` or `host up`");
            return;
        }
        try {
            Path logs = Files.createDirectories(host.state().root().resolve("logs"));
            Path log = logs.resolve("guard-" + op.id() + ".log");
            String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            List<String> argv = new ArrayList<>(List.of("setsid", java, "-Xmx96m", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), "io.moodlectl.cli.Main",
                    "--state-dir", host.state().root().toString(), "-q", "ops", "guard", op.id()));
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().keySet().removeIf(k -> k.startsWith("MOODLECTL_FAULT_"));
            Process p = pb.start();
            op.fact(Recovery.GUARDIAN, "pid " + p.pid() + ", log " + log);
        } catch (IOException | RuntimeException e) {
            op.fact(Recovery.GUARDIAN, "not started (" + e.getMessage() + "); `moodlectl ops abort|resume` or `host up` recover");
        }
    }

    /** What the guardian saw and did. */
    public record Report(String operation, OperationStatus ended, List<String> actions) {
    }

    /** Waits for the operation's process to end; if it was left unfinished, makes the site serve again. */
    public static Report guard(Host host, String id) throws InterruptedException {
        OperationRecord op = host.journal().operation(id).orElseThrow(() -> io.moodlectl.error.MoodlectlException.notFound(
                "no operation " + id, "list them with `moodlectl ops list`"));
        log("guarding " + op.id() + " (" + op.kind() + " " + op.site() + ", pid " + op.pid() + ")");
        Optional<ProcessHandle> p = ProcessHandle.of(op.pid());
        while (true) {
            if (p.isPresent()) {
                try {
                    p.get().onExit().get(POLL.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException ignored) {
                    // still running
                }
            } else {
                Thread.sleep(POLL.toMillis());
            }
            op = host.journal().operation(op.id()).orElseThrow();
            if (op.status() != OperationStatus.RUNNING) {
                break;
            }
        }
        if (op.status() != OperationStatus.INTERRUPTED) {
            log(op.id() + " ended " + op.status() + ": nothing to do");
            return new Report(op.id(), op.status(), List.of());
        }
        log(op.id() + " was interrupted: making " + op.site() + " serve again");
        List<String> actions = new Recovery(host).restoreServingLocked(op);
        actions.forEach(Guardian::log);
        return new Report(op.id(), op.status(), actions);
    }

    private static void log(String line) {
        System.out.println(Instant.now() + " " + line);
        System.out.flush();
    }
}
