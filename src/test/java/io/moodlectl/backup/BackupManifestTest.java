package io.moodlectl.backup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BackupManifestTest {
    @TempDir
    Path dir;

    @Test
    void moodledataStatsLeaveOutWhatBackupsLeaveOut() throws Exception {
        Files.createDirectories(dir.resolve("filedir/ab/cd"));
        Files.createDirectories(dir.resolve("cache/x"));
        Files.createDirectories(dir.resolve("sessions"));
        Files.writeString(dir.resolve("filedir/ab/cd/abcd1"), "12345");
        Files.writeString(dir.resolve("lang.txt"), "123");
        Files.writeString(dir.resolve("cache/x/c"), "not counted");
        Files.writeString(dir.resolve("sessions/s"), "not counted");
        Files.writeString(dir.resolve("climaintenance.html"), "not counted");
        assertThat(BackupManifest.moodledataStats(dir)).containsExactly(2, 8);
    }

    @Test
    void differencesNameEveryMismatch() {
        BackupManifest m = new BackupManifest("demo", "e1", Instant.now(), "mariadb", "php8.2", "v4.4.0", "abc", "4.4.0",
                "2024042200.00", "2024042200.00", Map.of("local_x", "2024010100"), Map.of("mdl_course", 3L, "mdl_user", 2L), 10, 1000);
        assertThat(m.differences(new BackupManifest.Measured("2024042200.00", "2024042200.00", Map.of("local_x", "2024010100"),
                Map.of("mdl_course", 3L, "mdl_user", 2L), 10, 1000))).isEmpty();
        assertThat(m.differences(new BackupManifest.Measured("2024042200.00", "2024042201.00", Map.of(),
                Map.of("mdl_course", 2L, "mdl_user", 2L, "mdl_extra", 0L), 9, 900)))
                .anySatisfy(d -> assertThat(d).contains("core version in the database"))
                .anySatisfy(d -> assertThat(d).contains("plugin local_x: 2024010100 in the backup, null restored"))
                .anySatisfy(d -> assertThat(d).contains("table mdl_course: 3 rows in the backup, 2 restored"))
                .anySatisfy(d -> assertThat(d).contains("table mdl_extra: null rows in the backup, 0 restored"))
                .anySatisfy(d -> assertThat(d).contains("moodledata: 10 files / 1000 bytes in the backup, 9 / 900 restored"));
    }
}
