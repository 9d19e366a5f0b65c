package io.moodlectl.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moodlectl.host.Host;
import io.moodlectl.runtime.ContainerRuntime;
import io.moodlectl.runtime.ExecResult;
import io.moodlectl.runtime.docker.DockerConnection;
import io.moodlectl.testing.HttpLoad;
import io.moodlectl.testing.TestHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backups of a fixture site (MariaDB, 4.4.0 + an add-on, ~200 MB of moodledata) to a local restic repository and over
 * SFTP: a backup while live is written to and serving; a second backup adds almost nothing; a restore as staging has
 * the data as of the backup (row counts and file hashes); the restore drill; retention; bad cases changing nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FILES = 40;
    private static final int FILE_BYTES = 5 * 1024 * 1024;
    private static TestHost t;
    private static String site;
    private static int port;
    private static int previewPort;
    private static Path repo;
    private static String firstBackup;
    private static String secondBackup;
    private static long secondTotalBytes;
    private static long courseRowsAtSecond;
    private static Map<String, String> filedirAtSecond;

    @BeforeAll
    static void createSite() throws Exception {
        t = TestHost.get();
        site = t.siteName("b");
        port = TestHost.freePort();
        previewPort = TestHost.freePort();
        repo = t.dir().resolve(site + "-repo");
        Path file = t.siteFile(site, t.fixtureSite(site, port, previewPort, "mariadb", "v4.4.0", "v1.0.0")
                + "backup:\n  repository: " + repo + "\n  keep: {last: 1}\n");
        TestHost.Result r = t.run("site", "create", "-f", file.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        // a few hundred MB of uploads, content-addressed like Moodle's filedir, plus files stored through the fixture
        Path filedir = liveVolume().resolve("moodledata/filedir");
        Random random = new Random(7);
        byte[] buf = new byte[FILE_BYTES];
        for (int i = 0; i < FILES; i++) {
            random.nextBytes(buf);
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(buf));
            Path f = filedir.resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4)).resolve(sha);
            Files.createDirectories(f.getParent());
            Files.write(f, buf);
        }
        TestHost.exec(List.of("chown", "-R", "33:33", filedir.toString()));
        for (int i = 0; i < 3; i++) {
            assertThat(web(List.of("php", "fixture/cli/add_file.php", "--filename=f" + i + ".txt", "--content=before backup " + i)).ok()).isTrue();
        }
    }

    @AfterAll
    static void destroySite() {
        if (site != null) {
            t.run("site", "destroy", site, "--yes");
        }
    }

    @Test
    @Order(1)
    void aBackupWhileLiveIsWrittenToNeitherStopsNorLocksIt() throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger writes = new AtomicInteger();
        AtomicInteger failedWrites = new AtomicInteger();
        Thread writer = new Thread(() -> {
            while (writing.get()) {
                ExecResult w = web(List.of("php", "fixture/cli/sql.php",
                        "--query=INSERT INTO {course} (fullname, shortname, summary, timecreated) VALUES ('during', 'during', '', 0)"));
                (w.ok() ? writes : failedWrites).incrementAndGet();
            }
        });
        TestHost.Result r;
        HttpLoad.Result load;
        try (HttpLoad l = HttpLoad.start(URI.create("http://127.0.0.1:" + port + "/login/index.php"), "127.0.0.1:" + port,
                100_000, Duration.ofMinutes(10))) {
            writer.start();
            l.awaitRequests(10);
            r = t.run("--json", "backup", "create", site);
            l.awaitRequests(l.snapshot().total() + 10);
            load = l.stop();
        } finally {
            writing.set(false);
            writer.join();
        }
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode b = JSON.readTree(r.out());
        firstBackup = b.get("backup").asText();
        assertThat(b.get("repositoryCreated").asBoolean()).isTrue();
        assertThat(b.get("bytes").asLong()).isGreaterThan((long) FILES * FILE_BYTES);
        assertThat(load.ok()).isEqualTo(load.total());
        assertThat(writes.get()).as("writes to live during the backup").isPositive();
        assertThat(failedWrites.get()).isZero();
        System.out.printf("first backup: %d files, %d bytes, added %d bytes, %.1f s; %d requests to live all 200, %d writes%n",
                b.get("files").asLong(), b.get("bytes").asLong(), b.get("dataAdded").asLong(), b.get("seconds").asDouble(),
                load.total(), writes.get());
        // the temporary copy is gone, and the generated password is 0600
        assertThat(t.volumes(site)).noneMatch(v -> v.endsWith(".bk"));
        assertThat(t.containers(site)).noneMatch(c -> c.name().contains("-bk-"));
        Path pw = Path.of(b.get("passwordFile").asText());
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(pw))).isEqualTo("rw-------");
        // journaled and exportable, without the password
        TestHost.Result export = t.run("ops", "export", b.get("operation").asText(), "--format", "md");
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(export.out()).contains("restic").contains("backup").doesNotContain(Files.readString(pw).strip());
    }

    @Test
    @Order(2)
    void aSecondBackupOfAnUnchangedSiteAddsAlmostNothing() throws Exception {
        courseRowsAtSecond = courseRows();
        filedirAtSecond = hashes(liveVolume().resolve("moodledata/filedir"));
        TestHost.Result r = t.run("--json", "backup", "create", site);
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode b = JSON.readTree(r.out());
        secondBackup = b.get("backup").asText();
        secondTotalBytes = b.get("bytes").asLong();
        long added = b.get("dataAdded").asLong();
        System.out.printf("second backup of the unchanged site: %d bytes processed, %d bytes added (%.3f %%), %.1f s%n",
                secondTotalBytes, added, 100.0 * added / secondTotalBytes, b.get("seconds").asDouble());
        assertThat(added).isLessThan(secondTotalBytes / 100);
        TestHost.Result list = t.run("--json", "backup", "list", site);
        assertThat(list.exitCode()).isZero();
        assertThat(JSON.readTree(list.out())).hasSize(2);
    }

    @Test
    @Order(3)
    void aRestoreAsStagingHasTheDataAsOfTheBackup() throws Exception {
        // change live after the backup: a new file, more rows
        assertThat(web(List.of("php", "fixture/cli/add_file.php", "--filename=after.txt", "--content=after the backup")).ok()).isTrue();
        assertThat(web(List.of("php", "fixture/cli/sql.php",
                "--query=INSERT INTO {course} (fullname, shortname, summary, timecreated) VALUES ('after', 'after', '', 0)")).ok()).isTrue();
        TestHost.Result r = t.run("--json", "backup", "restore", site, "--backup", secondBackup, "--as-staging");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        JsonNode res = JSON.readTree(r.out());
        assertThat(res.get("passed").asBoolean()).as(r.out()).isTrue();
        assertThat(res.get("role").asText()).isEqualTo("staging");
        String env = res.get("environment").asText();
        Path restored;
        try (Host h = t.host()) {
            restored = h.storage().root().resolve(site + "." + env);
        }
        assertThat(hashes(restored.resolve("moodledata/filedir"))).isEqualTo(filedirAtSecond);
        String stagingWeb = site + "-" + env + "-web";
        assertThat(sql(stagingWeb, "SELECT COUNT(*) FROM {course}")).isEqualTo(String.valueOf(courseRowsAtSecond));
        assertThat(courseRows()).isEqualTo(courseRowsAtSecond + 1);
        assertThat(io.moodlectl.site.HttpProbe.get("127.0.0.1", previewPort, "127.0.0.1:" + previewPort, "/login/index.php", 10_000)
                .status()).isEqualTo(200);
        assertThat(io.moodlectl.site.HttpProbe.get("127.0.0.1", port, "127.0.0.1:" + port, "/login/index.php", 10_000).status())
                .isEqualTo(200);
    }

    @Test
    @Order(4)
    void aRestoreAsANewSiteServesTheDataAsOfTheBackupBesideTheOldOne() throws Exception {
        String copy = t.siteName("r");
        int copyPort = TestHost.freePort();
        Path file = t.siteFile(copy, t.fixtureSite(copy, copyPort, TestHost.freePort(), "mariadb", "v4.4.0", "v1.0.0"));
        try {
            // a restore never overwrites a site: the name of an existing one is refused
            Path own = t.siteFile(site, t.fixtureSite(site, copyPort, TestHost.freePort(), "mariadb", "v4.4.0", "v1.0.0"));
            TestHost.Result taken = t.run("backup", "restore", site, "--backup", secondBackup, "--as", site, "--site-file", own.toString());
            assertThat(taken.exitCode()).as(taken.err()).isEqualTo(8);
            TestHost.Result r = t.run("--json", "backup", "restore", site, "--backup", secondBackup, "--as", copy, "--site-file", file.toString());
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            assertThat(JSON.readTree(r.out()).get("passed").asBoolean()).as(r.out()).isTrue();
            assertThat(io.moodlectl.site.HttpProbe.get("127.0.0.1", copyPort, "127.0.0.1:" + copyPort, "/login/index.php", 10_000)
                    .status()).isEqualTo(200);
            assertThat(sql(copy + "-e1-web", "SELECT COUNT(*) FROM {course}")).isEqualTo(String.valueOf(courseRowsAtSecond));
            assertThat(JSON.readTree(t.run("--json", "site", "status", copy).out()).toString()).contains("live");
            assertThat(io.moodlectl.site.HttpProbe.get("127.0.0.1", port, "127.0.0.1:" + port, "/login/index.php", 10_000).status())
                    .isEqualTo(200);
        } finally {
            t.run("site", "destroy", copy, "--yes");
        }
    }

    @Test
    @Order(5)
    void theRestoreDrillPassesAndLeavesNothingBehind() throws Exception {
        TestHost.Result r = t.run("--json", "backup", "verify", site);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        JsonNode v = JSON.readTree(r.out());
        assertThat(v.get("passed").asBoolean()).isTrue();
        assertThat(v.get("repositoryOk").asBoolean()).isTrue();
        assertThat(v.get("differences")).isEmpty();
        assertThat(v.get("checks").toString()).contains("check_database_schema.php").contains("matches the backup's manifest");
        System.out.printf("restore drill: %.1f s%n", v.get("seconds").asDouble());
        assertThat(t.volumes(site)).noneMatch(x -> x.endsWith(".vf"));
        assertThat(t.containers(site)).noneMatch(c -> c.name().contains("-vf-"));
    }

    @Test
    @Order(6)
    void pruneKeepsWhatTheSiteFileSays() throws Exception {
        TestHost.Result r = t.run("--json", "backup", "prune", site);
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode p = JSON.readTree(r.out());
        assertThat(p.get("removed")).hasSize(1);
        assertThat(p.get("kept")).hasSize(1);
        assertThat(p.get("kept").get(0).get("shortId").asText()).isEqualTo(secondBackup);
    }

    @Test
    @Order(7)
    void aWrongPasswordOrAnUnreachableRepositoryIsAClearErrorAndChangesNothing() throws Exception {
        Path wrong = t.dir().resolve(site + "-wrong.pw");
        Files.writeString(wrong, "not the password\n");
        Path bad = t.siteFile(site, t.fixtureSite(site, port, previewPort, "mariadb", "v4.4.0", "v1.0.0")
                + "backup: {repository: " + repo + ", password-file: " + wrong + "}\n");
        TestHost.Result r = t.run("backup", "create", site, "-f", bad.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
        assertThat(r.err()).contains("wrong password").contains("password-file");
        Path unreachable = t.siteFile(site, t.fixtureSite(site, port, previewPort, "mariadb", "v4.4.0", "v1.0.0")
                + "backup: {repository: 'sftp:root@127.0.0.1:/nowhere', ssh: {port: " + TestHost.freePort() + "}}\n");
        r = t.run("backup", "create", site, "-f", unreachable.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(13);
        assertThat(r.err()).contains("cannot be reached");
        assertThat(t.volumes(site)).noneMatch(v -> v.endsWith(".bk"));
        TestHost.Result list = t.run("--json", "backup", "list", site);
        assertThat(JSON.readTree(list.out())).hasSize(1);
    }

    @Test
    @Order(8)
    void aCorruptedRepositoryFailsTheDrill() throws Exception {
        Path copy = t.dir().resolve(site + "-corrupt");
        TestHost.exec(List.of("cp", "-a", repo.toString(), copy.toString()));
        try (Stream<Path> packs = Files.walk(copy.resolve("data"))) {
            for (Path pack : packs.filter(Files::isRegularFile).toList()) {
                byte[] b = Files.readAllBytes(pack);
                for (int i = 100; i < b.length; i += 4096) {
                    b[i] ^= 0x5a;
                }
                Files.write(pack, b);
            }
        }
        Path file = t.siteFile(site, t.fixtureSite(site, port, previewPort, "mariadb", "v4.4.0", "v1.0.0")
                + "backup: {repository: " + copy + "}\n");
        TestHost.Result r = t.run("--json", "backup", "verify", site, "-f", file.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(11);
        JsonNode v = JSON.readTree(r.out());
        assertThat(v.get("passed").asBoolean()).isFalse();
        System.out.println("drill of a corrupted repository: " + v);
        assertNoScratchLeftAndLiveServes();
    }

    @Test
    @Order(9)
    void backupsGoOverSftp() throws Exception {
        try (Sshd sshd = Sshd.start(t.dir().resolve(site + "-sshd"))) {
            Path file = t.siteFile(site, t.fixtureSite(site, port, previewPort, "mariadb", "v4.4.0", "v1.0.0")
                    + "backup:\n  repository: 'sftp:root@127.0.0.1:" + t.dir().resolve(site + "-sftp-repo") + "'\n"
                    + "  ssh: {identity: " + sshd.clientKey() + ", port: " + sshd.port() + "}\n");
            TestHost.Result r = t.run("--json", "backup", "create", site, "-f", file.toString());
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            JsonNode b = JSON.readTree(r.out());
            assertThat(b.get("repositoryCreated").asBoolean()).isTrue();
            System.out.printf("backup over SFTP: %d bytes, %.1f s%n", b.get("bytes").asLong(), b.get("seconds").asDouble());
            TestHost.Result list = t.run("--json", "backup", "list", site, "-f", file.toString());
            assertThat(list.exitCode()).as(list.err()).isZero();
            assertThat(JSON.readTree(list.out())).hasSize(1);
        }
    }

    @Test
    @Order(10)
    void aDrillWithoutRoomInThePoolIsRefusedAndLeavesNothing() throws Exception {
        Path pool;
        try (Host h = t.host()) {
            pool = h.storage().root();
        }
        Path filler = pool.resolve("mctl-bk-filler");
        long avail = Long.parseLong(TestHost.exec(List.of("df", "--output=avail", "-B1", pool.toString())).lines()
                .reduce((a, b) -> b).orElseThrow().strip());
        TestHost.exec(List.of("fallocate", "-l", String.valueOf(Math.max(0, avail - 150L * 1024 * 1024)), filler.toString()));
        try {
            TestHost.Result r = t.run("--json", "backup", "verify", site);
            JsonNode v = JSON.readTree(r.out());
            System.out.println("drill on a full pool: exit " + r.exitCode() + " " + v);
            assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(6);
            assertThat(v.get("passed").asBoolean()).isFalse();
            assertThat(v.get("restoreError").asText()).contains("MiB free");
        } finally {
            Files.deleteIfExists(filler);
        }
        assertNoScratchLeftAndLiveServes();
    }

    @Test
    @Order(11)
    void aPostgresSiteComesBackToo() throws Exception {
        String pg = t.siteName("p");
        Path file = t.siteFile(pg, t.fixtureSite(pg, TestHost.freePort(), TestHost.freePort(), "postgres", "v5.1.0", null)
                + "backup: {repository: " + t.dir().resolve(pg + "-repo") + "}\n");
        assertThat(t.run("site", "create", "-f", file.toString()).exitCode()).isZero();
        try {
            TestHost.Result b = t.run("--json", "backup", "create", pg);
            assertThat(b.exitCode()).as(b.err()).isZero();
            TestHost.Result v = t.run("--json", "backup", "verify", pg);
            assertThat(v.exitCode()).as(v.out() + v.err()).isZero();
            assertThat(JSON.readTree(v.out()).get("checks").toString()).contains("matches the backup's manifest");
        } finally {
            t.run("site", "destroy", pg, "--yes");
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static void assertNoScratchLeftAndLiveServes() throws IOException {
        assertThat(t.volumes(site)).noneMatch(x -> x.endsWith(".vf"));
        assertThat(t.containers(site)).noneMatch(c -> c.name().contains("-vf-"));
        assertThat(io.moodlectl.site.HttpProbe.get("127.0.0.1", port, "127.0.0.1:" + port, "/login/index.php", 10_000).status())
                .isEqualTo(200);
    }

    private static Path liveVolume() {
        try (Host h = t.host()) {
            String live = h.storage().list().stream().map(v -> v.name()).filter(n -> n.startsWith(site + ".e")).sorted().findFirst()
                    .orElseThrow();
            return h.storage().root().resolve(live);
        }
    }

    private static ExecResult web(List<String> argv) {
        return exec(site + "-e1-web", argv);
    }

    private static ExecResult exec(String container, List<String> argv) {
        List<String> cmd = new java.util.ArrayList<>(List.of("sh", "-c", "cd /var/www/moodle/code && exec \"$@\"", "sh"));
        cmd.addAll(argv);
        try (DockerConnection c = DockerConnection.connect()) {
            ContainerRuntime rt = c.runtime();
            return rt.exec(container, cmd, "www-data", null);
        }
    }

    private static String sql(String container, String query) {
        ExecResult r = exec(container, List.of("php", "fixture/cli/sql.php", "--query=" + query));
        assertThat(r.ok()).as(r.output()).isTrue();
        return r.output().strip();
    }

    private static long courseRows() {
        return Long.parseLong(sql(site + "-e1-web", "SELECT COUNT(*) FROM {course}"));
    }

    private static Map<String, String> hashes(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    MessageDigest md = MessageDigest.getInstance("SHA-256");
                    byte[] buf = new byte[1 << 16];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        md.update(buf, 0, n);
                    }
                    out.put(dir.relativize(f).toString(), HexFormat.of().formatHex(md.digest()));
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }

    /** An sshd of its own on a loopback port, with a generated host key and a client key for root. */
    record Sshd(Process process, Path dir, int port) implements AutoCloseable {
        static Sshd start(Path dir) throws Exception {
            Files.createDirectories(dir);
            Files.createDirectories(Path.of("/run/sshd"));
            TestHost.exec(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host_key").toString()));
            TestHost.exec(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("client_key").toString()));
            Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
            int port = TestHost.freePort();
            Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                    "ListenAddress 127.0.0.1",
                    "HostKey " + dir.resolve("host_key"),
                    "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                    "PermitRootLogin prohibit-password",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "UsePAM no",
                    "StrictModes no",
                    "PidFile " + dir.resolve("sshd.pid"),
                    "Subsystem sftp internal-sftp", ""));
            Process p = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", dir.resolve("sshd_config").toString(), "-p",
                    String.valueOf(port)).redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                    return new Sshd(p, dir, port);
                } catch (IOException notYet) {
                    Thread.sleep(100);
                }
            }
            p.destroy();
            throw new IllegalStateException("sshd did not start: " + Files.readString(dir.resolve("sshd.log")));
        }

        Path clientKey() {
            return dir.resolve("client_key");
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            process.waitFor();
        }
    }
}
