package io.moodlectl.backup.restic;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The restic wrapper against Debian's restic and a repository in a temporary folder (a few seconds). */
class ResticRepositoryTest {
    @TempDir
    Path dir;

    private ResticRepository repo(String password) throws Exception {
        Path pw = dir.resolve("pw-" + password.length() + "-" + Integer.toHexString(password.hashCode()));
        Files.writeString(pw, password + "\n");
        return new ResticRepository(dir.resolve("repo").toString(), pw, dir.resolve("cache"), List.of());
    }

    @Test
    void initBackupListForgetRestoreCheck() throws Exception {
        ResticRepository r = repo("s3cret");
        assertThat(r.exists()).isFalse();
        r.init();
        assertThat(r.exists()).isTrue();
        Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("code"));
        Files.createDirectories(src.resolve("moodledata/cache"));
        Files.writeString(src.resolve("code/config.php"), "<?php // config");
        Files.writeString(src.resolve("moodledata/cache/x"), "cached");
        List<String> progress = new ArrayList<>();
        ResticRepository.BackupSummary first = r.backup(src, List.of("code", "moodledata"),
                List.of(src.resolve("moodledata/cache").toString()), "demo", List.of("site=demo", "env=e1"), progress::add);
        assertThat(first.snapshotId()).isNotBlank();
        assertThat(first.totalFiles()).isEqualTo(1);
        ResticRepository.BackupSummary second = r.backup(src, List.of("code", "moodledata"), List.of(), "demo",
                List.of("site=demo", "env=e1"), null);
        assertThat(second.filesUnmodified()).isEqualTo(1);
        List<ResticRepository.Snapshot> all = r.snapshots(List.of("site=demo"));
        assertThat(all).hasSize(2);
        assertThat(all.get(0).tag("env")).isEqualTo("e1");
        assertThat(r.snapshots(List.of("site=other"))).isEmpty();
        assertThat(r.restoreSize(all.get(0).id())).isPositive();
        assertThat(r.forget(List.of("site=demo"), 1, 0, 0, 0)).hasSize(1);
        r.prune();
        Path target = dir.resolve("restored");
        r.restore(all.get(1).id(), target, null);
        assertThat(Files.readString(target.resolve("code/config.php"))).isEqualTo("<?php // config");
        assertThat(r.check(null).ok()).isTrue();
        assertThat(r.commandLine("snapshots")).contains("RESTIC_PASSWORD_FILE=").doesNotContain("s3cret");
    }

    @Test
    void failuresAreClassified() throws Exception {
        ResticRepository missing = repo("a");
        assertThatThrownBy(missing::prune).isInstanceOf(MoodlectlException.class)
                .satisfies(e -> assertThat(((MoodlectlException) e).exitCode()).isEqualTo(ExitCode.NOT_FOUND));
        missing.init();
        ResticRepository wrong = repo("b");
        assertThatThrownBy(wrong::exists).isInstanceOf(MoodlectlException.class)
                .hasMessageContaining("wrong password")
                .satisfies(e -> assertThat(((MoodlectlException) e).exitCode()).isEqualTo(ExitCode.INVALID_INPUT));
        Path pw = dir.resolve("pw-1-" + Integer.toHexString("a".hashCode()));
        ResticRepository unreachable = new ResticRepository("sftp:nobody@127.0.0.1:/x", pw, dir.resolve("cache"),
                List.of("sftp.command=ssh -p 1 -o BatchMode=yes nobody@127.0.0.1 -s sftp"));
        assertThatThrownBy(unreachable::exists).isInstanceOf(MoodlectlException.class)
                .satisfies(e -> assertThat(((MoodlectlException) e).exitCode()).isEqualTo(ExitCode.UNREACHABLE));
    }
}
