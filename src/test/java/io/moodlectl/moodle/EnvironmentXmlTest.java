package io.moodlectl.moodle;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvironmentXmlTest {
    private final EnvironmentXml xml = EnvironmentXml.read(Samples.path("environment.xml"));

    @Test
    void listsTheMajors() {
        assertThat(xml.majors()).containsExactly("4.4", "4.5", "5.1");
    }

    @Test
    void readsTheRequirementsOfOneMajor() {
        Requirements r = xml.requirementsFor("4.5");
        assertThat(r.requires()).isEqualTo("4.1.2");
        assertThat(r.phpMinimum()).isEqualTo("8.1.0");
        assertThat(r.databaseMinimums()).containsEntry("mariadb", "10.6.7").containsEntry("mysql", "8.0")
                .containsEntry("postgres", "13");
        assertThat(r.databaseMinimum("oracle")).isEmpty();
        assertThat(r.requiredExtensions()).containsExactly("iconv", "mbstring", "curl", "intl");
    }

    @Test
    void readsRequiredPhpSettingsOnly() {
        assertThat(xml.requirementsFor("4.4").requiredPhpSettings())
                .containsEntry("memory_limit", "96M").containsEntry("max_input_vars", "5000")
                .doesNotContainKey("opcache.enable");
    }

    @Test
    void decidesTheUpgradePath() {
        Requirements r51 = xml.requirementsFor("5.1");
        assertThat(r51.upgradeAllowedFrom("4.2.3")).isTrue();
        assertThat(r51.upgradeAllowedFrom("4.4.3+")).isTrue();
        assertThat(r51.upgradeAllowedFrom("4.1.2")).isFalse();
        assertThat(r51.databaseMinimum("postgres")).contains("15");
    }

    @Test
    void anUnknownMajorIsNotFound() {
        assertThatThrownBy(() -> xml.requirementsFor("3.9")).isInstanceOfSatisfying(MoodlectlException.class,
                e -> assertThat(e.exitCode()).isEqualTo(ExitCode.NOT_FOUND));
    }

    @Test
    void externalEntitiesAreNotResolved() {
        EnvironmentXml hostile;
        try {
            hostile = EnvironmentXml.read(Samples.path("environment-xxe.xml"));
        } catch (MoodlectlException refused) {
            assertThat(refused.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
            return;
        }
        String requires = hostile.requirementsFor("4.5").requires();
        assertThat(requires == null ? "" : requires).doesNotContain(hostname());
    }

    @Test
    void somethingElseIsInvalid() {
        assertThatThrownBy(() -> EnvironmentXml.parse("<other/>")).isInstanceOf(MoodlectlException.class);
        assertThatThrownBy(() -> EnvironmentXml.parse("not xml")).isInstanceOf(MoodlectlException.class);
    }

    private static String hostname() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/etc/hostname")).trim();
        } catch (java.io.IOException e) {
            return "\u0000never";
        }
    }
}
