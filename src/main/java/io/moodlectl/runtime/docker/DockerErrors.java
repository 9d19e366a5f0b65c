package io.moodlectl.runtime.docker;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;

import java.io.IOException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The one place where engine failures become moodlectl errors (exit code, message, what to do next). */
final class DockerErrors {
    private static final Pattern PORT = Pattern.compile("((?:\\d{1,3}\\.){3}\\d{1,3}:\\d+)");
    private static final Pattern MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private DockerErrors() {
    }

    /** What a call is about, so the error can name it. Any field may be null. */
    record Subject(String action, String container, String image, String network) {
        static Subject of(String action) {
            return new Subject(action, null, null, null);
        }

        static Subject container(String action, String container) {
            return new Subject(action, container, null, null);
        }
    }

    static <T> T call(String action, Supplier<T> op) {
        return call(Subject.of(action), op);
    }

    static <T> T call(Subject subject, Supplier<T> op) {
        try {
            return op.get();
        } catch (MoodlectlException e) {
            throw e;
        } catch (RuntimeException e) {
            throw translate(subject, e);
        }
    }

    static void run(Subject subject, Runnable op) {
        call(subject, () -> {
            op.run();
            return null;
        });
    }

    /** Runs an operation for which a missing object (404) or nothing to do (304) is success: stop, remove. */
    static void tolerateMissing(Subject subject, Runnable op) {
        try {
            op.run();
        } catch (NotFoundException | NotModifiedException e) {
            // already gone or already stopped
        } catch (MoodlectlException e) {
            throw e;
        } catch (RuntimeException e) {
            if (isMissing(e)) {
                return;
            }
            throw translate(subject, e);
        }
    }

    static boolean isMissing(RuntimeException e) {
        if (e instanceof NotFoundException) {
            return true;
        }
        String m = String.valueOf(e.getMessage()).toLowerCase();
        return m.contains("no such container") || m.contains("no such network") || m.contains("no such image")
                || m.contains("network not found") || m.contains("image not known");
    }

    static MoodlectlException translate(Subject s, RuntimeException e) {
        if (isUnreachable(e)) {
            return new MoodlectlException(ExitCode.API_UNREACHABLE,
                    "the Docker/Podman API stopped answering while trying to " + s.action() + ": " + rootMessage(e),
                    DockerConnection.HINT, e);
        }
        String detail = engineMessage(e);
        String lower = detail.toLowerCase();
        if (lower.contains("address already in use") || lower.contains("port is already allocated")) {
            Matcher m = PORT.matcher(detail);
            String port = m.find() ? m.group(1) : "a published port";
            return new MoodlectlException(ExitCode.CONFLICT,
                    "port " + port + " is already in use" + (s.container() != null ? " (starting " + s.container() + ")" : ""),
                    "stop what listens on " + port + " or choose another port", e);
        }
        if (lower.contains("already in use") || lower.contains("already exists")) {
            if (s.network() != null && s.container() == null) {
                return new MoodlectlException(ExitCode.CONFLICT, "network " + s.network() + " exists",
                        "remove it or choose another name", e);
            }
            if (s.container() != null) {
                return new MoodlectlException(ExitCode.CONFLICT, "container " + s.container() + " exists",
                        "remove it or choose another name", e);
            }
            return new MoodlectlException(ExitCode.CONFLICT, "could not " + s.action() + ": " + detail, null, e);
        }
        if (lower.contains("not running") || lower.contains("state improper")) {
            return new MoodlectlException(ExitCode.NOT_READY, "could not " + s.action() + ": "
                    + (s.container() != null ? "container " + s.container() + " is not running" : detail),
                    s.container() != null ? "start it first" : null, e);
        }
        if (e instanceof ConflictException) {
            return new MoodlectlException(ExitCode.CONFLICT, "could not " + s.action() + ": " + detail, null, e);
        }
        if (e instanceof NotFoundException || lower.contains("no such") || lower.contains("not found")
                || lower.contains("not known")) {
            if (s.image() != null && (lower.contains("image") || lower.contains(s.image().toLowerCase()))
                    && !lower.contains("network")) {
                return new MoodlectlException(ExitCode.NOT_READY, "image " + s.image() + " is missing",
                        "run `moodlectl images build`", e);
            }
            if (s.network() != null && lower.contains("network")) {
                return new MoodlectlException(ExitCode.NOT_FOUND, "network " + s.network() + " does not exist",
                        "create it first", e);
            }
            if (s.container() != null) {
                return new MoodlectlException(ExitCode.NOT_FOUND, "container " + s.container() + " does not exist",
                        "list containers: podman ps -a", e);
            }
            return new MoodlectlException(ExitCode.NOT_FOUND, "could not " + s.action() + ": " + detail, null, e);
        }
        return new MoodlectlException(ExitCode.FAILED, "could not " + s.action() + ": " + detail, null, e);
    }

    private static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
            if (t == t.getCause()) {
                break;
            }
        }
        return false;
    }

    /** The engine's own message out of docker-java's "Status 409: {json}". */
    static String engineMessage(RuntimeException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        if (e instanceof DockerException) {
            Matcher j = MESSAGE.matcher(m);
            if (j.find()) {
                return j.group(1).replace("\\\"", "\"").replace("\\n", " ");
            }
        }
        return m.strip();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
