package io.moodlectl.database;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.runtime.ContainerRuntime;
import io.moodlectl.runtime.ExecResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A database client program run inside the server's container. Secrets travel only in the command's environment; any
 * that a client echoes back (e.g. in a syntax error) are masked before the output reaches an exception.
 *
 * @param what what the command does, for error messages ("create database moodle")
 */
public record DatabaseExec(String what, List<String> command, Map<String, String> env, List<String> secrets) {

    public static DatabaseExec of(String what, List<String> command) {
        return new DatabaseExec(what, List.copyOf(command), Map.of(), List.of());
    }

    /** Adds an environment variable whose value is secret (masked in any output shown). */
    public DatabaseExec withSecretEnv(String name, String value) {
        Map<String, String> e = new java.util.LinkedHashMap<>(env);
        e.put(name, value);
        List<String> s = new ArrayList<>(secrets);
        if (value != null && !value.isEmpty()) {
            s.add(value);
        }
        return new DatabaseExec(what, command, Map.copyOf(e), List.copyOf(s));
    }

    /** Masks {@code value} wherever it shows up in the output (e.g. a password inside SQL passed in the environment). */
    public DatabaseExec withSecret(String value) {
        if (value == null || value.isEmpty()) {
            return this;
        }
        List<String> s = new ArrayList<>(secrets);
        s.add(value);
        return new DatabaseExec(what, command, env, List.copyOf(s));
    }

    public DatabaseExec withEnv(String name, String value) {
        Map<String, String> e = new java.util.LinkedHashMap<>(env);
        e.put(name, value);
        return new DatabaseExec(what, command, Map.copyOf(e), secrets);
    }

    /** Runs as root in {@code container}; returns the result whatever the exit code (output masked). */
    public ExecResult run(ContainerRuntime runtime, String container) {
        ExecResult r = runtime.exec(container, command, "root", env, null);
        return new ExecResult(r.exitCode(), mask(r.output()));
    }

    /** Runs and returns the output; FAILED (quoting the masked output) on a non-zero exit. */
    public String check(ContainerRuntime runtime, String container) {
        ExecResult r = run(runtime, container);
        if (!r.ok()) {
            throw new MoodlectlException(ExitCode.FAILED, "could not " + what + " in " + container + " (exit "
                    + r.exitCode() + "): " + r.output().strip(),
                    "look at the database log: podman logs " + container);
        }
        return r.output();
    }

    private String mask(String text) {
        String out = text == null ? "" : text;
        for (String s : secrets) {
            out = out.replace(s, "****");
        }
        return out;
    }
}
