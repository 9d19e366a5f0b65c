package io.moodlectl.site;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SiteFileTest {
    @TempDir
    Path dir;

    @Test
    void readsEveryKeyOfTheSiteFile() throws Exception {
        Files.writeString(dir.resolve("cert.pem"), "x");
        Files.writeString(dir.resolve("key.pem"), "x");
        Files.writeString(dir.resolve("ja.zip"), "x");
        String yaml = """
                name: demo
                url: https://moodle.example.edu
                port: 8443
                bind: 0.0.0.0
                tls: {certificate: cert.pem, key: key.pem}
                preview: {port: 8444}
                database: postgres
                prefix: m_
                images: {generation: php8.4}
                php: {upload_max_filesize: 512M, post_max_size: 512M, memory_limit: 512M}
                mail: {staging: divert, to: moodle-test@example.edu}
                languages: [{code: ja, source: ja.zip}]
                standby: {keep_running: 30m}
                retention: {snapshots: 5, environments: 3d}
                moodle:
                  repository: ../git/moodle.git
                  ref: v4.5.6
                plugins:
                  - {component: local_example, repository: https://git.example.edu/local_example.git, ref: v1.2.0}
                settings:
                  - {name: noreplyaddress, value: noreply@example.edu}
                  - {component: auth_cas, name: hostname, value: cas.example.edu}
                """;
        SiteSpec s = SiteFile.parse("site.yaml", yaml, dir);
        assertThat(s.name()).isEqualTo("demo");
        assertThat(s.wwwroot()).isEqualTo("https://moodle.example.edu");
        assertThat(s.previewWwwroot()).isEqualTo("https://moodle.example.edu:8444");
        assertThat(s.database()).isEqualTo("postgres");
        assertThat(s.prefix()).isEqualTo("m_");
        assertThat(s.images().generation()).isEqualTo("php8.4");
        assertThat(s.php()).containsEntry("memory_limit", "512M");
        assertThat(s.mail().to()).isEqualTo("moodle-test@example.edu");
        assertThat(s.languages().get(0).source()).isEqualTo(dir.resolve("ja.zip"));
        assertThat(s.standbyKeepRunning()).isEqualTo(Duration.ofMinutes(30));
        assertThat(s.retention().environments()).isEqualTo(Duration.ofDays(3));
        assertThat(s.moodle().repository()).isEqualTo(dir.resolve("../git/moodle.git").normalize().toString());
        assertThat(s.plugins().get(0).repository()).startsWith("https://");
        assertThat(s.settings()).hasSize(2);
    }

    @Test
    void defaultsForAMinimalFile() {
        SiteSpec s = SiteFile.parse("s.yaml", "name: a\nmoodle: {repository: /srv/m.git, ref: main}\n", dir);
        assertThat(s.port()).isEqualTo(8080);
        assertThat(s.bind()).isEqualTo("127.0.0.1");
        assertThat(s.wwwroot()).isEqualTo("http://127.0.0.1:8080");
        assertThat(s.database()).isEqualTo("mariadb");
        assertThat(s.prefix()).isEqualTo("mdl_");
        assertThat(s.mail().staging()).isEqualTo("off");
        assertThat(s.standbyKeepRunning()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void everyProblemIsReportedWithFileAndLine() {
        String yaml = """
                name: Bad_Name
                port: 99999
                database: oracle
                colour: blue
                php: {register_globals: On}
                moodle:
                  repository: /srv/m.git
                plugins:
                  - {component: local_x}
                """;
        assertThatThrownBy(() -> SiteFile.parse("site.yaml", yaml, dir))
                .isInstanceOf(MoodlectlException.class)
                .satisfies(e -> assertThat(((MoodlectlException) e).exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
                .hasMessageContaining("site.yaml:1: name:")
                .hasMessageContaining("site.yaml:2: port: 99999 is out of range")
                .hasMessageContaining("site.yaml:3: database: 'oracle'")
                .hasMessageContaining("site.yaml:4: colour: unknown key")
                .hasMessageContaining("php.register_globals: unknown key")
                .hasMessageContaining("moodle: ref: is missing")
                .hasMessageContaining("give either repository + ref, or zip");
    }

    @Test
    void invalidYamlIsRefusedWithItsLine() {
        assertThatThrownBy(() -> SiteFile.parse("site.yaml", "name: demo\nmoodle: [unclosed\n", dir))
                .isInstanceOf(MoodlectlException.class)
                .hasMessageContaining("site.yaml:")
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void readsTheBackupKey() throws Exception {
        Files.writeString(dir.resolve("restic.pw"), "x");
        Files.writeString(dir.resolve("id_backup"), "x");
        String yaml = """
                name: demo
                moodle: {repository: /srv/m.git, ref: v4.5.6}
                backup:
                  repository: sftp:backup@vault.example.edu:/srv/restic/demo
                  password-file: restic.pw
                  ssh: {identity: id_backup, port: 2222}
                  keep: {last: 3, daily: 7, weekly: 4, monthly: 6}
                """;
        SiteSpec s = SiteFile.parse("site.yaml", yaml, dir);
        assertThat(s.backup().repository()).isEqualTo("sftp:backup@vault.example.edu:/srv/restic/demo");
        assertThat(s.backup().passwordFile()).isEqualTo(dir.resolve("restic.pw").toAbsolutePath());
        assertThat(s.backup().sshIdentity()).isEqualTo(dir.resolve("id_backup").toAbsolutePath());
        assertThat(s.backup().sshPort()).isEqualTo(2222);
        assertThat(s.backup().keep()).isEqualTo(new SiteSpec.Keep(3, 7, 4, 6));
        assertThat(s.withMoodleRef("v4.5.7").backup()).isEqualTo(s.backup());

        SiteSpec local = SiteFile.parse("site.yaml", """
                name: demo
                moodle: {repository: /srv/m.git, ref: v4.5.6}
                backup: {repository: backups/demo}
                """, dir);
        assertThat(local.backup().repository()).isEqualTo(dir.resolve("backups/demo").toAbsolutePath().normalize().toString());
        assertThat(local.backup().passwordFile()).isNull();
        assertThat(local.backup().keep().daily()).isPositive();
        assertThat(SiteFile.parse("site.yaml", "name: demo\nmoodle: {repository: /srv/m.git, ref: v1}\n", dir).backup()).isNull();
    }

    @Test
    void backupProblemsAreReportedWithTheirLines() {
        String yaml = """
                name: demo
                moodle: {repository: /srv/m.git, ref: v4.5.6}
                backup:
                  repository: ftp://vault/x
                  password-file: missing.pw
                  ssh: {port: 70000, user: x}
                  keep: {hourly: 3}
                """;
        assertThatThrownBy(() -> SiteFile.parse("site.yaml", yaml, dir))
                .isInstanceOf(MoodlectlException.class)
                .hasMessageContaining("site.yaml:4: backup.repository: 'ftp://vault/x' is not a repository")
                .hasMessageContaining("site.yaml:5: backup.password-file:")
                .hasMessageContaining("backup.ssh.port: 70000 is out of range")
                .hasMessageContaining("backup.ssh.user: unknown key")
                .hasMessageContaining("backup.keep.hourly: unknown key")
                .hasMessageContaining("backup.keep: keeps nothing")
                .hasMessageContaining("backup.ssh: only an sftp: repository uses ssh");
        assertThatThrownBy(() -> SiteFile.parse("site.yaml", "name: demo\nmoodle: {repository: /srv/m.git, ref: v1}\n"
                + "backup: {keep: {last: 1}}\n", dir))
                .hasMessageContaining("backup: repository: is missing");
    }
}
