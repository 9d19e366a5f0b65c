package io.moodlectl.host;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.runtime.docker.DockerConnection;
import io.moodlectl.shell.ShellCommand;
import io.moodlectl.shell.ShellResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The Docker-compatible API service. Where no Docker or Podman API answers (no systemd socket unit here), starts
 * {@code podman system service} detached and records its PID in /run/moodlectl/podman-api.pid so it can be stopped.
 */
public final class ApiService {
    public static final Path PID_FILE = Path.of("/run/moodlectl/podman-api.pid");
    public static final String SOCKET = "unix:///run/podman/podman.sock";

    private ApiService() {
    }

    /** True when an API answered; false when this call had to start one (and it then answered). */
    public static boolean ensureRunning() {
        if (answers()) {
            return true;
        }
        if (!ShellCommand.of("sh", "-c", "command -v podman").run().ok()) {
            throw new MoodlectlException(ExitCode.API_UNREACHABLE, "no Docker or Podman API answers and podman is not installed",
                    "run scripts/setup-host.sh, or start Docker and set DOCKER_HOST");
        }
        try {
            Files.createDirectories(PID_FILE.getParent());
            Files.createDirectories(Path.of("/run/podman"));
        } catch (IOException e) {
            throw new MoodlectlException(ExitCode.API_UNREACHABLE, "cannot create /run/podman: " + e.getMessage(),
                    "run as root, or start the API yourself: podman system service --time=0 " + SOCKET);
        }
        ShellResult r = ShellCommand.of("bash", "-c",
                "setsid podman system service --time=0 " + SOCKET + " >>/var/log/moodlectl-podman-api.log 2>&1 < /dev/null & echo $!")
                .run();
        String pid = r.stdout().strip();
        try {
            Files.writeString(PID_FILE, pid + "\n");
        } catch (IOException e) {
            throw new MoodlectlException(ExitCode.FAILED, "cannot write " + PID_FILE + ": " + e.getMessage(), null);
        }
        io.moodlectl.runtime.Readiness.await("the Podman API service", Duration.ofSeconds(15), Duration.ofMillis(200),
                ApiService::answers);
        return false;
    }

    public static boolean answers() {
        try {
            DockerConnection.connect().info();
            return true;
        } catch (MoodlectlException e) {
            return false;
        }
    }
}
