package io.moodlectl.database;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseEnginesTest {
    @Test
    void knowsMariaDbAndPostgresByName() {
        assertThat(DatabaseEngines.of("mariadb").moodleDbType()).isEqualTo("mariadb");
        assertThat(DatabaseEngines.of("mariadb").port()).isEqualTo(3306);
        assertThat(DatabaseEngines.of("postgres").moodleDbType()).isEqualTo("pgsql");
        assertThat(DatabaseEngines.of("postgres").port()).isEqualTo(5432);
    }

    @Test
    void rejectsOtherNames() {
        assertThatThrownBy(() -> DatabaseEngines.of("oracle"))
                .isInstanceOfSatisfying(MoodlectlException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
                    assertThat(e.hint()).contains("mariadb", "postgres");
                });
    }

    @Test
    void identifiersArePlainNames() {
        assertThat(DatabaseEngines.requireIdentifier("user", "moodle_1")).isEqualTo("moodle_1");
        assertThatThrownBy(() -> DatabaseEngines.requireIdentifier("database", "x`; DROP"))
                .isInstanceOf(MoodlectlException.class).hasMessageContaining("database");
    }

    @Test
    void parsesTabSeparatedRows() {
        assertThat(DatabaseEngines.parseRows("1\talpha\n2\t\n\n")).containsExactly(List.of("1", "alpha"), List.of("2", ""));
    }

    @Test
    void containerSpecMountsDataAndTransferFolders(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        var spec = DatabaseEngines.of("postgres").containerSpec("x-db", "img", tmp.resolve("db")).build();
        assertThat(spec.mounts()).extracting(m -> m.containerPath())
                .containsExactlyInAnyOrder("/var/lib/postgresql/data", "/transfer");
        assertThat(spec.ports()).isEmpty();
        assertThat(spec.labels()).containsEntry(TransferFolder.LABEL, tmp.resolve("db-transfer").toString());
        assertThat(tmp.resolve("db-transfer")).isDirectory();
    }
}
