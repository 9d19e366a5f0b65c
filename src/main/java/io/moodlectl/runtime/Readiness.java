package io.moodlectl.runtime;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or a deadline passes (the engine's health checks need systemd, absent here). */
public final class Readiness {
    private Readiness() {
    }

    /** Waits until {@code ready} is true; NOT_READY naming {@code what} after {@code timeout}. */
    public static void await(String what, Duration timeout, Duration interval, BooleanSupplier ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean ok;
            try {
                ok = ready.getAsBoolean();
            } catch (RuntimeException e) {
                ok = false;
            }
            if (ok) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new MoodlectlException(ExitCode.NOT_READY, what + " was not ready after " + timeout.toSeconds() + " s",
                        "look at the container's log: podman logs <container>");
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MoodlectlException(ExitCode.FAILED, "interrupted while waiting for " + what);
            }
        }
    }
}
