package io.moodlectl.shell;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A host command (git, btrfs, mount, cp …) as data: it can be run, and written as the shell line a person would type,
 * which is what journals and notebooks record.
 */
public final class ShellCommand {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private final List<String> argv;
    private final Path directory;
    private final Map<String, String> environment;
    private final Duration timeout;

    private ShellCommand(List<String> argv, Path directory, Map<String, String> environment, Duration timeout) {
        this.argv = List.copyOf(argv);
        this.directory = directory;
        this.environment = Map.copyOf(environment);
        this.timeout = timeout;
    }

    public static ShellCommand of(String... argv) {
        return new ShellCommand(List.of(argv), null, Map.of(), Duration.ofHours(2));
    }

    public static ShellCommand of(List<String> argv) {
        return new ShellCommand(argv, null, Map.of(), Duration.ofHours(2));
    }

    public ShellCommand in(Path dir) {
        return new ShellCommand(argv, dir, environment, timeout);
    }

    public ShellCommand withEnv(String name, String value) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put(name, value);
        return new ShellCommand(argv, directory, env, timeout);
    }

    public ShellCommand withTimeout(Duration t) {
        return new ShellCommand(argv, directory, environment, t);
    }

    public List<String> argv() {
        return argv;
    }

    /** The command as one shell line, quoted so it can be pasted into bash. Environment values are not shown. */
    public String toShellString() {
        StringBuilder sb = new StringBuilder();
        if (directory != null) {
            sb.append("cd ").append(quote(directory.toString())).append(" && ");
        }
        for (String name : environment.keySet()) {
            sb.append(name).append("=… ");
        }
        List<String> quoted = new ArrayList<>();
        for (String a : argv) {
            quoted.add(quote(a));
        }
        return sb.append(String.join(" ", quoted)).toString();
    }

    public static String quote(String s) {
        if (!s.isEmpty() && SAFE.matcher(s).matches()) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Runs the command and returns its result whatever the exit code. A missing program is a MISSING_TOOL error. */
    public ShellResult run() {
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (directory != null) {
            pb.directory(directory.toFile());
        }
        pb.environment().putAll(environment);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new MoodlectlException(ExitCode.MISSING_TOOL, "cannot run " + argv.get(0) + ": " + e.getMessage(),
                    "install " + argv.get(0) + " (scripts/setup-host.sh installs everything moodlectl needs)", e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread t1 = pump(p.getInputStream(), out);
        Thread t2 = pump(p.getErrorStream(), err);
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor();
            }
            t1.join();
            t2.join();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new MoodlectlException(ExitCode.FAILED, "interrupted while running " + toShellString());
        }
        return new ShellResult(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs the command; a non-zero exit becomes a FAILED error quoting its output. */
    public ShellResult check() {
        ShellResult r = run();
        if (!r.ok()) {
            throw new MoodlectlException(ExitCode.FAILED,
                    toShellString() + " exited " + r.exitCode() + ": " + r.output().strip(), null);
        }
        return r;
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(sink);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public String toString() {
        return toShellString();
    }
}
