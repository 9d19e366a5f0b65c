package io.moodlectl.site;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The per-site lock between processes: the second is refused naming the holder; a dead holder's lock is taken over. */
class SiteLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondProcessIsRefusedWithTheHolderAndADeadHoldersLockIsTakenOver() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), SiteLockHolder.class.getName(),
                dir.toString(), "demo").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("locked");
            long pid = holder.pid();
            assertThatThrownBy(() -> SiteLock.acquire(dir, "demo", p -> p == pid ? Optional.of("20261202-170000-promote-demo") : Optional.empty()))
                    .isInstanceOfSatisfying(MoodlectlException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(ExitCode.CONFLICT);
                        assertThat(e.getMessage()).contains("another moodlectl operation on site demo is running")
                                .contains("operation 20261202-170000-promote-demo").contains("pid " + pid).contains("started 20");
                    });
            // another site is not blocked
            SiteLock.acquire(dir, "other").close();

            holder.destroyForcibly(); // SIGKILL: the lock file still names it, the kernel lock is gone
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(dir.resolve("demo.lock"))).contains("pid=" + pid);
            try (SiteLock taken = SiteLock.acquire(dir, "demo", p -> Optional.of("20261202-170000-promote-demo"))) {
                assertThat(taken.staleNotice()).hasValueSatisfying(n -> assertThat(n)
                        .isEqualTo("stale lock of operation 20261202-170000-promote-demo (pid " + pid + ", dead, started "
                                + n.substring(n.indexOf("started ") + 8, n.indexOf(") taken over")) + ") taken over"));
                assertThat(Files.readString(dir.resolve("demo.lock"))).contains("pid=" + ProcessHandle.current().pid());
            }
            // a clean release leaves nothing stale behind
            assertThat(Files.readString(dir.resolve("demo.lock"))).isEmpty();
            try (SiteLock again = SiteLock.acquire(dir, "demo")) {
                assertThat(again.staleNotice()).isEmpty();
            }
        } finally {
            holder.destroyForcibly();
        }
    }
}
