package io.moodlectl.database;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.runtime.ContainerRuntime;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a database server until it answers; gives up at once, with its last log lines, if its container stopped. */
public final class ServerReadiness {
    private static final long INTERVAL_MS = 200;

    private ServerReadiness() {
    }

    public static void await(String server, ContainerRuntime runtime, String container, Duration timeout,
                             BooleanSupplier answers) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean running = runtime.inspect(container).map(c -> c.running()).orElse(false);
            if (!running) {
                throw new MoodlectlException(ExitCode.NOT_READY, server + " in " + container + " is not running; its log ends: "
                        + lastLog(runtime, container), "look at the whole log: podman logs " + container);
            }
            boolean ok;
            try {
                ok = answers.getAsBoolean();
            } catch (RuntimeException e) {
                ok = false;
            }
            if (ok) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new MoodlectlException(ExitCode.NOT_READY, server + " in " + container + " did not answer within "
                        + timeout.toSeconds() + " s; its log ends: " + lastLog(runtime, container),
                        "look at the whole log: podman logs " + container);
            }
            try {
                Thread.sleep(INTERVAL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MoodlectlException(ExitCode.FAILED, "interrupted while waiting for " + server + " in " + container);
            }
        }
    }

    private static String lastLog(ContainerRuntime runtime, String container) {
        try {
            return runtime.logs(container, 5).strip();
        } catch (RuntimeException e) {
            return "(no log)";
        }
    }
}
