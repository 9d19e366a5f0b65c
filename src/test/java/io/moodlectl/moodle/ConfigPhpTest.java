package io.moodlectl.moodle;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigPhpTest {
    private static final ConfigPhp.Settings BASIC =
            ConfigPhp.Settings.of("mariadb", "db", "moodle", "moodle", "s3cret", "http://localhost:8080");

    @Test
    void writesTheSettingsAndEndsWithSetup() {
        String text = ConfigPhp.render(BASIC);
        assertThat(text).startsWith("<?php");
        assertThat(text).contains("$CFG->dbtype    = 'mariadb';", "$CFG->prefix    = 'mdl_';",
                "$CFG->dataroot  = '/var/www/moodle/moodledata';", "'dbcollation' => 'utf8mb4_unicode_ci'");
        assertThat(text.strip()).contains("require_once(__DIR__ . '/lib/setup.php');");
        assertThat(text.indexOf("require_once(__DIR__ . '/lib/setup.php');")).isGreaterThan(text.indexOf("$CFG->admin"));
        assertThat(text).doesNotContain("noemailever", "sslproxy", "getremoteaddrconf");
        assertThat(ConfigPhp.render(ConfigPhp.Settings.of("pgsql", "db", "m", "u", "p", "http://x"))).doesNotContain("dbcollation");
    }

    @Test
    void escapesQuotesAndBackslashesInAPassword() {
        String password = "it's a \\'tricky\\ one\\";
        String text = ConfigPhp.render(ConfigPhp.Settings.of("mariadb", "db", "moodle", "moodle", password, "http://x"));
        assertThat(text).contains("$CFG->dbpass    = 'it\\'s a \\\\\\'tricky\\\\ one\\\\';");
        assertThat(ConfigPhp.readScalars(text)).containsEntry("dbpass", password);
        assertThat(ConfigPhp.quote("a'b\\c")).isEqualTo("'a\\'b\\\\c'");
    }

    @Test
    void roundTripsEveryScalar() {
        ConfigPhp.Settings s = BASIC.withWwwroot("https://moodle.example.edu")
                .withProxy(true, false, ConfigPhp.TRUST_X_FORWARDED_FOR)
                .withMail(true, "qa@example.edu")
                .withExtra(Map.of("debugdisplay", "false", "debug", "32767", "theme", "boost"));
        Map<String, String> back = ConfigPhp.readScalars(ConfigPhp.render(s));
        assertThat(back).containsEntry("wwwroot", "https://moodle.example.edu").containsEntry("sslproxy", "true")
                .containsEntry("getremoteaddrconf", "1").containsEntry("noemailever", "true")
                .containsEntry("divertallemailsto", "qa@example.edu").containsEntry("debugdisplay", "false")
                .containsEntry("debug", "32767").containsEntry("theme", "boost").containsEntry("admin", "admin")
                .containsEntry("directorypermissions", "02777").doesNotContainKey("reverseproxy");
        assertThat(ConfigPhp.render(s)).contains("$CFG->debugdisplay = false;", "$CFG->theme     = 'boost';");
    }

    @Test
    void readsScalarsWrittenByHand() {
        String text = "<?php\n$CFG = new stdClass();\n$CFG->wwwroot='http://a';  // live\n"
                + "# $CFG->wwwroot = 'http://commented';\n$CFG->dbpass = \"x\\\"y\";\n$CFG->sslproxy = TRUE;\n"
                + "$CFG->dboptions = array('dbport' => '');\n";
        assertThat(ConfigPhp.readScalars(text)).containsExactly(Map.entry("wwwroot", "http://a"),
                Map.entry("dbpass", "x\"y"), Map.entry("sslproxy", "true"));
    }

    @Test
    void refusesBadSettings() {
        assertInvalid(ConfigPhp.Settings.of("oracle9", "db", "m", "u", "p", "http://x"));
        assertInvalid(ConfigPhp.Settings.of("mariadb", "db", "m", "u", "p", "http://x/"));
        assertInvalid(ConfigPhp.Settings.of("mariadb", "db", "m", "u", "p", "localhost"));
        assertInvalid(ConfigPhp.Settings.of("mariadb", "", "m", "u", "p", "http://x"));
        assertInvalid(BASIC.withExtra(Map.of("wwwroot", "http://evil")));
        assertInvalid(BASIC.withExtra(Map.of("bad-name", "1")));
        assertInvalid(ConfigPhp.Settings.of("mariadb", "db", "m", "u", "nul\0", "http://x"));
    }

    private static void assertInvalid(ConfigPhp.Settings s) {
        assertThatThrownBy(() -> ConfigPhp.render(s)).isInstanceOfSatisfying(MoodlectlException.class,
                e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT));
    }
}
