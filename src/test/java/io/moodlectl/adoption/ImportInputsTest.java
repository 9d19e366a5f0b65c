package io.moodlectl.adoption;

import io.moodlectl.cli.Main;
import io.moodlectl.error.MoodlectlException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** site import's inputs without containers: the ssh address, dump files by their first bytes, moodledata sources, the CLI's usage errors. */
class ImportInputsTest {
    @TempDir
    Path dir;

    @Test
    void sshAddresses() {
        SshSource.Address a = SshSource.Address.parse("ssh://admin@moodle.example.edu:2222/srv/moodle/");
        assertThat(a.target()).isEqualTo("admin@moodle.example.edu");
        assertThat(a.port()).isEqualTo(2222);
        assertThat(a.path()).isEqualTo("/srv/moodle");
        assertThat(SshSource.Address.parse("ssh://root@10.0.0.5").path()).isEqualTo(SshSource.DEFAULT_PATH);
        assertThat(SshSource.sshArgv(a, List.of("IdentityFile=/k"))).containsSubsequence("ssh", "-p", "2222", "-o", "IdentityFile=/k",
                "admin@moodle.example.edu");
        for (String bad : List.of("moodle.example.edu", "ssh://moodle.example.edu", "ssh://u:pw@h/x", "https://u@h")) {
            assertThatThrownBy(() -> SshSource.Address.parse(bad)).isInstanceOf(MoodlectlException.class)
                    .hasMessageContaining("ssh://user@host");
        }
    }

    @Test
    void dumpFilesAreToldByTheirFirstBytes() throws Exception {
        Path plain = Files.writeString(dir.resolve("a.sql"), DumpScannerTest.MARIADB);
        assertThat(DumpFile.of(plain).compression()).isEqualTo(DumpFile.Compression.NONE);
        Path gz = dir.resolve("a.bin");
        try (var out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(DumpScannerTest.MARIADB.getBytes(StandardCharsets.UTF_8));
        }
        DumpFile g = DumpFile.of(gz);
        assertThat(g.compression()).isEqualTo(DumpFile.Compression.GZIP);
        assertThat(g.pgCustom()).isFalse();
        try (DumpFile.Stream s = g.open()) {
            assertThat(DumpScanner.scan(s.reader()).complete()).isTrue();
            s.finish();
        }
        Path custom = Files.write(dir.resolve("c.dump"), "PGDMP\u0001\u000e\u0000".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(DumpFile.of(custom).pgCustom()).isTrue();
        Path cut = Files.write(dir.resolve("cut.gz"), java.util.Arrays.copyOf(Files.readAllBytes(gz), 40));
        assertThatThrownBy(() -> ImportService.scanText(DumpFile.of(cut))).isInstanceOf(MoodlectlException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> DumpFile.of(dir.resolve("missing.sql"))).hasMessageContaining("no dump file");
        assertThatThrownBy(() -> DumpFile.of(Files.createFile(dir.resolve("empty.sql")))).hasMessageContaining("empty");
    }

    @Test
    void moodledataMustHoldFiledir() throws Exception {
        Path data = Files.createDirectories(dir.resolve("moodledata"));
        assertThatThrownBy(() -> MoodledataSource.of(data)).hasMessageContaining("filedir");
        Files.createDirectories(data.resolve("filedir/ab"));
        assertThat(MoodledataSource.of(data).tarball()).isFalse();
        assertThat(MoodledataSource.of(data).copyCommand(dir.resolve("t")).argv()).contains("--exclude=/cache", "--exclude=/climaintenance.html");
        Path tar = dir.resolve("m.tgz");
        new ProcessBuilder("tar", "-czf", tar.toString(), "-C", dir.toString(), "moodledata").start().waitFor();
        MoodledataSource t = MoodledataSource.of(tar);
        assertThat(t.root()).isEqualTo("moodledata/");
        assertThat(t.copyCommand(dir.resolve("t")).argv()).contains("--strip-components=1", "--exclude=moodledata/sessions");
    }

    @Test
    void theCliRefusesIncompleteSourcesAsUsageErrors() {
        assertThat(run("site", "import", "-f", "s.yaml")).isEqualTo(2);
        assertThat(run("site", "import", "-f", "s.yaml", "--from", "ssh://a@b", "--database-dump", "x.sql")).isEqualTo(2);
        assertThat(run("site", "import", "-f", "s.yaml", "--database-dump", "x", "--moodledata", "y", "--live-copy")).isEqualTo(2);
    }

    private static int run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        return Main.run(new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(o, true, StandardCharsets.UTF_8), args);
    }
}
