package io.moodlectl.storage;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoopPoolTest {
    @Test
    void parsesBinaryUnits() {
        assertThat(LoopPool.parseSize("20G")).isEqualTo(20L << 30);
        assertThat(LoopPool.parseSize("512M")).isEqualTo(512L << 20);
        assertThat(LoopPool.parseSize("1T")).isEqualTo(1L << 40);
        assertThat(LoopPool.parseSize("64K")).isEqualTo(64L << 10);
        assertThat(LoopPool.parseSize("134217728")).isEqualTo(134_217_728L);
        assertThat(LoopPool.parseSize("100B")).isEqualTo(100L);
    }

    @Test
    void acceptsLowerCaseSpacesAndIbSuffixes() {
        assertThat(LoopPool.parseSize("20g")).isEqualTo(20L << 30);
        assertThat(LoopPool.parseSize(" 20 GiB ")).isEqualTo(20L << 30);
        assertThat(LoopPool.parseSize("512MB")).isEqualTo(512L << 20);
        assertThat(LoopPool.parseSize("0")).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "G", "20X", "-1G", "1.5G", "20 G B", "twenty", "20GG", "99999999999999999999",
            "9000000000T"})
    void rejectsGarbage(String text) {
        assertThatThrownBy(() -> LoopPool.parseSize(text)).isInstanceOfSatisfying(MoodlectlException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
            assertThat(e.hint()).contains("20G");
        });
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> LoopPool.parseSize(null)).isInstanceOf(MoodlectlException.class);
    }

    @Test
    void refusesAPoolTooSmallForBtrfsBeforeTouchingAnything(@TempDir Path dir) {
        Path image = dir.resolve("pool.img");
        assertThatThrownBy(() -> LoopPool.create(image, LoopPool.parseSize("100M"), dir.resolve("mnt")))
                .isInstanceOfSatisfying(MoodlectlException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT));
        assertThat(image).doesNotExist();
        assertThat(dir.resolve("mnt")).doesNotExist();
    }
}
