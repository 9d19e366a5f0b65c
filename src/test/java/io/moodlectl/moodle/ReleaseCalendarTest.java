package io.moodlectl.moodle;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReleaseCalendarTest {
    private final ReleaseCalendar calendar = ReleaseCalendar.load();

    @Test
    void holdsTheContractsTable() {
        assertThat(calendar.branches()).extracting(BranchSupport::version)
                .containsExactly("3.9", "3.11", "4.0", "4.1", "4.2", "4.3", "4.4", "4.5", "5.0", "5.1", "5.2", "5.3");
        BranchSupport b45 = calendar.forMajor("4.5").orElseThrow();
        assertThat(b45.lts()).isTrue();
        assertThat(b45.released()).isEqualTo(LocalDate.of(2024, 10, 7));
        assertThat(b45.bugfixesEnd()).isEqualTo(LocalDate.of(2025, 10, 6));
        assertThat(b45.securityEnd()).isEqualTo(LocalDate.of(2027, 10, 4));
        assertThat(b45.requires()).isEqualTo("4.1.2");
        assertThat(calendar.forMajor("4.4").orElseThrow().lts()).isFalse();
        assertThat(calendar.forMajor("9.9")).isEmpty();
    }

    @Test
    void countsSecurityDaysLeft() {
        assertThat(calendar.securityDaysLeft("4.5", LocalDate.of(2027, 10, 1))).isEqualTo(3);
        assertThat(calendar.securityDaysLeft("4.4", LocalDate.of(2025, 12, 10))).isEqualTo(-2);
        assertThatThrownBy(() -> calendar.securityDaysLeft("9.9", LocalDate.now()))
                .isInstanceOfSatisfying(MoodlectlException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.NOT_FOUND));
    }

    @Test
    void knowsThePhpRanges() {
        PhpRange r45 = calendar.phpRange("4.5");
        assertThat(r45.minimum()).isEqualTo("8.1");
        assertThat(r45.maximum()).isEqualTo("8.3");
        assertThat(r45.allows("8.2.29")).isTrue();
        assertThat(r45.allows("8.3.0")).isTrue();
        assertThat(r45.allows("8.4.1")).isFalse();
        assertThat(r45.allows("8.0.30")).isFalse();
        assertThat(calendar.phpRange("5.1").allows("8.2.29")).isTrue();
        assertThat(calendar.phpRange("5.3").maximumIfKnown()).isEmpty();
        assertThat(calendar.phpRange("5.3").allows("8.2.29")).isFalse();
    }

    @Test
    void saysWhichBranchesAreSupportedOnADay() {
        assertThat(calendar.supportedOn(LocalDate.of(2026, 12, 2))).extracting(BranchSupport::version)
                .containsExactly("4.5", "5.1", "5.2", "5.3"); // 5.0 ended 2026-10-05
        BranchSupport b53 = calendar.forMajor("5.3").orElseThrow();
        assertThat(b53.isReleased(LocalDate.of(2026, 10, 4))).isFalse();
        assertThat(b53.hasBugfixSupport(LocalDate.of(2026, 12, 2))).isTrue();
    }
}
