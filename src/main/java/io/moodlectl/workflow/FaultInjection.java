package io.moodlectl.workflow;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;

import java.io.IOException;

/**
 * Test-only faults, off unless set:
 * <ul>
 * <li>{@code MOODLECTL_FAULT_KILL_AT=<kind>:<step>:<before|after>} (env, or system property
 * {@code moodlectl.fault.killAt}): the process SIGKILLs itself right before/after that step;</li>
 * <li>{@code MOODLECTL_FAULT_FAIL_AT=<kind>:<step>} (env, or system property {@code moodlectl.fault.failAt}): that
 * step throws a FAILED error instead of running (after its before-record).</li>
 * </ul>
 * {@code *} as kind matches any operation kind.
 */
final class FaultInjection {
    static final String KILL_ENV = "MOODLECTL_FAULT_KILL_AT";
    static final String KILL_PROPERTY = "moodlectl.fault.killAt";
    static final String FAIL_ENV = "MOODLECTL_FAULT_FAIL_AT";
    static final String FAIL_PROPERTY = "moodlectl.fault.failAt";

    private FaultInjection() {
    }

    /** SIGKILLs this process if the kill switch names this point ({@code when} is "before" or "after"). */
    static void killIfRequested(String kind, String step, String when) {
        String spec = setting(KILL_PROPERTY, KILL_ENV);
        if (spec == null || !matches(spec, kind, step, when)) {
            return;
        }
        long pid = ProcessHandle.current().pid();
        System.err.println("moodlectl: fault injection: kill -9 " + pid + " " + when + " step " + step);
        System.err.flush();
        try {
            new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start().waitFor();
            // SIGKILL is asynchronous: never go on running the step
            while (true) {
                Thread.sleep(60_000);
            }
        } catch (IOException | InterruptedException e) {
            Runtime.getRuntime().halt(137);
        }
    }

    /** Throws the injected failure if the fail switch names this step. */
    static void failIfRequested(String kind, String step) {
        String spec = setting(FAIL_PROPERTY, FAIL_ENV);
        if (spec != null && matches(spec, kind, step, null)) {
            throw new MoodlectlException(ExitCode.FAILED, "injected failure at " + kind + ":" + step,
                    "unset " + FAIL_ENV + " / -D" + FAIL_PROPERTY + " (test-only fault injection)");
        }
    }

    private static String setting(String property, String env) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** {@code kind:step[:when]}; the step name may itself contain ':' (e.g. "revert: x"), so split at the ends. */
    static boolean matches(String spec, String kind, String step, String when) {
        int first = spec.indexOf(':');
        if (first < 0) {
            return false;
        }
        String k = spec.substring(0, first);
        String rest = spec.substring(first + 1);
        if (when != null) {
            int last = rest.lastIndexOf(':');
            if (last < 0 || !rest.substring(last + 1).equals(when)) {
                return false;
            }
            rest = rest.substring(0, last);
        }
        return (k.equals("*") || k.equals(kind)) && rest.equals(step);
    }
}
