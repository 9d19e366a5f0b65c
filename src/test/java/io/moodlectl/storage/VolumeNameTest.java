package io.moodlectl.storage;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VolumeNameTest {
    @ParameterizedTest
    @ValueSource(strings = {"live", "a", "0", "site1.live@2026-01-31", "blue-green", "x.y.z", "a-", "9@9", "a_b"})
    void acceptsLowerCaseNamesWithDotsUnderscoresAtSignsAndDashes(String name) {
        assertThat(VolumeName.isValid(name)).isTrue();
        assertThat(VolumeName.requireValid(name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "Live", "-live", ".live", "@x", "_x", "a/b", "..", "a b", "é", "a\nb",
            "live:1", "a*"})
    void rejectsEverythingElse(String name) {
        assertThat(VolumeName.isValid(name)).isFalse();
        assertThatThrownBy(() -> VolumeName.requireValid(name)).isInstanceOfSatisfying(MoodlectlException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
            assertThat(e.hint()).contains("lower-case");
        });
    }

    @Test
    void allowsAtMost120Characters() {
        assertThat(VolumeName.isValid("a".repeat(120))).isTrue();
        assertThat(VolumeName.isValid("a".repeat(121))).isFalse();
        assertThat(VolumeName.isValid(null)).isFalse();
        assertThatThrownBy(() -> VolumeName.requireValid(null)).isInstanceOf(MoodlectlException.class);
    }
}
