package io.moodlectl.moodle;

import io.moodlectl.error.MoodlectlException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MoodleCliTest {
    private final MoodleCli cli = MoodleCli.inContainer();
    private static final List<String> PREFIX = List.of("php", "-d", "max_input_vars=5000");

    @Test
    void runsScriptsByAbsolutePathWithMaxInputVars() {
        assertThat(cli.upgrade(true, false)).containsExactly("php", "-d", "max_input_vars=5000",
                "/var/www/moodle/code/admin/cli/upgrade.php", "--non-interactive");
        assertThat(cli.upgrade(true, true)).endsWith("--non-interactive", "--allow-unstable");
        assertThat(cli.upgradeIsPending()).endsWith("/var/www/moodle/code/admin/cli/upgrade.php", "--is-pending");
        assertThat(new MoodleCli("/srv/code/").purgeCaches()).containsExactly("php", "-d", "max_input_vars=5000",
                "/srv/code/admin/cli/purge_caches.php");
    }

    @Test
    void buildsEachScriptsOptions() {
        assertThat(cli.maintenance(true)).startsWith(PREFIX.toArray(String[]::new)).endsWith(cli.scriptPath("maintenance.php"), "--enable");
        assertThat(cli.maintenance(false)).last().isEqualTo("--disable");
        assertThat(cli.cfgSet("tool_x", "enabled", "1")).endsWith(cli.scriptPath("cfg.php"),
                "--component=tool_x", "--name=enabled", "--set=1");
        assertThat(cli.cfgSet(null, "noreplyaddress", "noreply@example.edu")).endsWith(cli.scriptPath("cfg.php"),
                "--name=noreplyaddress", "--set=noreply@example.edu");
        assertThat(cli.cfgGet("core", "theme")).endsWith(cli.scriptPath("cfg.php"), "--name=theme");
        assertThat(cli.cfgUnset("x_y", "z")).endsWith("--component=x_y", "--name=z", "--unset");
        assertThat(cli.checks(CheckType.SECURITY)).endsWith(cli.scriptPath("checks.php"), "--type=security");
        assertThat(cli.checkDatabaseSchema()).last().isEqualTo("/var/www/moodle/code/admin/cli/check_database_schema.php");
        assertThat(cli.cron(0)).endsWith(cli.scriptPath("cron.php"), "--keep-alive=0");
    }

    @Test
    void installDatabasePassesThePasswordAsMoodleRequiresAndRedactsItForLogs() {
        List<String> argv = cli.installDatabase(new MoodleCli.InstallOptions(null, null, "p w'\"$x", "admin@example.edu",
                "Test site", "test", null, null));
        assertThat(argv).contains("/var/www/moodle/code/admin/cli/install_database.php", "--agree-license", "--lang=en",
                "--adminuser=admin", "--adminpass=p w'\"$x", "--adminemail=admin@example.edu", "--fullname=Test site",
                "--shortname=test");
        assertThat(argv).noneMatch(a -> a.startsWith("--summary") || a.startsWith("--supportemail"));
        assertThat(MoodleCli.redacted(argv)).contains("--adminpass=***").noneMatch(a -> a.contains("p w'"));
        assertThat(cli.upgrade(true, false).stream().filter(a -> a.contains("pass"))).isEmpty();
    }

    @Test
    void refusesIncompleteInput() {
        assertThatThrownBy(() -> cli.installDatabase(new MoodleCli.InstallOptions("en", "admin", "", "a@b", "F", "s", null, null)))
                .isInstanceOf(MoodlectlException.class);
        assertThatThrownBy(() -> new MoodleCli("relative/code")).isInstanceOf(MoodlectlException.class);
        assertThatThrownBy(() -> cli.cron(-1)).isInstanceOf(MoodlectlException.class);
    }

    @Test
    void readsExitCodes() {
        assertThat(UpgradePending.fromExit(0)).isEqualTo(UpgradePending.NOT_PENDING);
        assertThat(UpgradePending.fromExit(2)).isEqualTo(UpgradePending.PENDING);
        assertThatThrownBy(() -> UpgradePending.fromExit(1)).isInstanceOf(MoodlectlException.class);
        assertThat(ChecksStatus.fromNagios(0)).isEqualTo(ChecksStatus.OK);
        assertThat(ChecksStatus.fromNagios(1)).isEqualTo(ChecksStatus.WARNING);
        assertThat(ChecksStatus.fromNagios(2)).isEqualTo(ChecksStatus.CRITICAL);
        assertThat(ChecksStatus.fromNagios(3)).isEqualTo(ChecksStatus.UNKNOWN);
        assertThat(ChecksStatus.fromNagios(255)).isEqualTo(ChecksStatus.UNKNOWN);
        assertThat(SchemaStatus.fromExit(0)).isEqualTo(SchemaStatus.MATCHES);
        assertThat(SchemaStatus.fromExit(1)).isEqualTo(SchemaStatus.DIFFERENCES);
        assertThat(SchemaStatus.fromExit(2)).isEqualTo(SchemaStatus.NOT_INSTALLED);
        assertThat(CfgStatus.fromExit(3)).isEqualTo(CfgStatus.NOT_SET);
        assertThat(CfgStatus.fromExit(4)).isEqualTo(CfgStatus.FORCED_IN_CONFIG);
        assertThat(CfgStatus.fromExit(1)).isEqualTo(CfgStatus.ERROR);
        assertThat(Maturity.fromCode(150)).isEqualTo(Maturity.RC);
        assertThat(Maturity.fromName("MATURITY_ALPHA")).isEqualTo(Maturity.ALPHA);
    }
}
