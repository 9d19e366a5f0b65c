package io.moodlectl.moodle;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VersionNumbersTest {

    @Test
    void comparesReleasesNumerically() {
        assertThat(VersionNumbers.compareReleases("4.1.2", "4.4.0")).isNegative();
        assertThat(VersionNumbers.compareReleases("4.4.0", "4.5.0")).isNegative();
        assertThat(VersionNumbers.compareReleases("4.10", "4.9")).isPositive();
        assertThat(VersionNumbers.compareReleases("4.5", "4.5.0")).isZero();
        assertThat(VersionNumbers.compareReleases("3.11.8", "4.0")).isNegative();
    }

    @Test
    void weeklyBuildsAndPreReleasesSortAroundTheRelease() {
        List<String> sorted = new ArrayList<>(List.of("4.5.0", "4.4.3+", "4.5beta", "4.4.4", "4.5.0-rc1", "4.4.3",
                "4.5.0-alpha", "4.5dev", "4.5rc2"));
        sorted.sort(VersionNumbers.RELEASE_ORDER);
        assertThat(sorted).containsExactly("4.4.3", "4.4.3+", "4.4.4", "4.5dev", "4.5.0-alpha", "4.5beta", "4.5.0-rc1",
                "4.5rc2", "4.5.0");
        assertThat(VersionNumbers.numbers("4.4.3+ (Build: 20240823)")).containsExactly(4, 4, 3);
        assertThat(VersionNumbers.isAtLeast("4.4.3+", "4.4.3")).isTrue();
        assertThat(VersionNumbers.isAtLeast("4.5beta", "4.5.0")).isFalse();
    }

    @Test
    void readsDatabaseVersionStrings() {
        assertThat(VersionNumbers.databaseVersion("10.11.6-MariaDB-0+deb12u1")).isEqualTo("10.11.6");
        assertThat(VersionNumbers.databaseVersion("5.5.5-10.11.6-MariaDB-0+deb12u1")).isEqualTo("10.11.6");
        assertThat(VersionNumbers.databaseVersion("15.8 (Debian 15.8-0+deb12u1)")).isEqualTo("15.8");
        assertThat(VersionNumbers.databaseVersion("PostgreSQL 15.8 (Debian 15.8-0+deb12u1) on x86_64-pc-linux-gnu"))
                .isEqualTo("15.8");
        assertThat(VersionNumbers.databaseVersion("8.0.39")).isEqualTo("8.0.39");
    }

    @Test
    void comparesDatabaseVersionsToMinimums() {
        assertThat(VersionNumbers.databaseMeetsMinimum("10.11.6-MariaDB-0+deb12u1", "10.6.7")).isTrue();
        assertThat(VersionNumbers.databaseMeetsMinimum("10.5.23-MariaDB", "10.6.7")).isFalse();
        assertThat(VersionNumbers.databaseMeetsMinimum("15.8 (Debian 15.8-0+deb12u1)", "13")).isTrue();
        assertThat(VersionNumbers.databaseMeetsMinimum("15.8 (Debian 15.8-0+deb12u1)", "16")).isFalse();
        assertThat(VersionNumbers.databaseMeetsMinimum("10.11.6-MariaDB", "10.11.0")).isTrue();
    }
}
