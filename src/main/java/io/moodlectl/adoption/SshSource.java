package io.moodlectl.adoption;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.host.Host;
import io.moodlectl.moodle.ConfigPhp;
import io.moodlectl.shell.ShellCommand;
import io.moodlectl.shell.ShellResult;
import io.moodlectl.site.EnvironmentFactory;
import io.moodlectl.site.SiteFile;
import io.moodlectl.site.SiteSpec;
import io.moodlectl.workflow.Operation;
import io.moodlectl.workflow.Step;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code site import --from ssh://user@host[:port][/path/to/moodle]}: takes a running server's config.php, database
 * dump and moodledata over SSH into a private folder of the state directory, then imports them like files. On the old
 * server it only reads (cat, mariadb-dump --single-transaction / pg_dump, rsync) and, unless {@code --live-copy},
 * turns Moodle's maintenance mode on for the dump and the last rsync pass only (a first pass runs while the site serves)
 * and off again — also when anything fails — unless the site was in maintenance already, which is then left as it was.
 * The fetch is its own journaled operation ({@code import-fetch}); the import's journal names it.
 */
public final class SshSource {
    static final String DEFAULT_PATH = "/var/www/moodle";
    private final Host host;
    private final ImportService imports;
    private final Consumer<String> notes;

    public SshSource(Host host, ImportService imports, Consumer<String> notes) {
        this.host = host;
        this.imports = imports;
        this.notes = notes;
    }

    /** user@host, port and the Moodle code path of an ssh:// address. */
    record Address(String user, String hostName, int port, String path) {
        static Address parse(String from) {
            URI u;
            try {
                u = URI.create(from);
            } catch (IllegalArgumentException e) {
                throw bad(from);
            }
            if (!"ssh".equals(u.getScheme()) || u.getHost() == null || u.getUserInfo() == null || u.getUserInfo().contains(":")) {
                throw bad(from);
            }
            String path = u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/") ? DEFAULT_PATH : u.getPath();
            return new Address(u.getUserInfo(), u.getHost(), u.getPort() < 0 ? 22 : u.getPort(), path.replaceAll("/+$", ""));
        }

        private static MoodlectlException bad(String from) {
            return new MoodlectlException(ExitCode.USAGE, "'" + from + "' is not an ssh://user@host[:port][/path/to/moodle] address",
                    "e.g. --from ssh://admin@moodle.example.edu/var/www/moodle (key-based login; no password in the address)");
        }

        String target() {
            return user + "@" + hostName;
        }

        @Override
        public String toString() {
            return "ssh://" + target() + (port == 22 ? "" : ":" + port) + path;
        }
    }

    public ImportService.ImportResult importFrom(Path siteFile, String from, boolean liveCopy, List<String> sshOptions) {
        Address a = Address.parse(from);
        SiteSpec spec = SiteFile.read(siteFile);
        Path dir = host.state().cache().resolve("imports").resolve(spec.name() + "-" + System.currentTimeMillis());
        try {
            Files.createDirectories(dir.getParent());
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw MoodlectlException.failed("cannot create " + dir + ": " + e.getMessage(), "check the state directory");
        }
        try {
            Fetched f = fetch(spec, a, liveCopy, sshOptions, dir);
            return imports.importSite(new ImportService.ImportRequest(siteFile, f.dump(), f.moodledata(), f.config(),
                    a + " (fetched by operation " + f.operation() + ")", liveCopy));
        } finally {
            try {
                EnvironmentFactory.deleteTree(dir);
            } catch (IOException e) {
                notes.accept("could not remove " + dir + ": " + e.getMessage());
            }
        }
    }

    record Fetched(Path dump, Path moodledata, Path config, String operation) {
    }

    private Fetched fetch(SiteSpec spec, Address a, boolean liveCopy, List<String> sshOptions, Path dir) {
        List<String> ssh = sshArgv(a, sshOptions);
        Path config = dir.resolve("config.php");
        Path data = dir.resolve("moodledata");
        try (Operation op = host.operations().begin("import-fetch", spec.name(), "Fetch the Moodle site at " + a + " over SSH"
                + (liveCopy ? " (live copy, no maintenance)" : ""))) {
            op.fact("source", a.toString());
            Map<String, String> cfg = op.run(Step.named("read-config").describe("Read the old site's config.php")
                    .command(String.join(" ", ssh) + " cat " + ShellCommand.quote(a.path() + "/config.php"))
                    .action(ctx -> {
                        List<String> argv = new ArrayList<>(ssh);
                        argv.addAll(List.of("cat", a.path() + "/config.php"));
                        ShellResult r = ShellCommand.of(argv).withTimeout(java.time.Duration.ofMinutes(1)).run();
                        if (!r.ok()) {
                            throw new MoodlectlException(ExitCode.UNREACHABLE, "cannot read " + a.path() + "/config.php on " + a.target()
                                    + ": " + r.stderr().strip(), "check the address, that key-based ssh login works (ssh -p " + a.port()
                                    + " " + a.target() + " true) and the path of the Moodle code");
                        }
                        Files.writeString(config, r.stdout());
                        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
                        Map<String, String> s = ConfigPhp.readScalars(r.stdout());
                        ctx.output("dbtype " + s.get("dbtype") + ", prefix " + s.get("prefix") + ", dataroot " + s.get("dataroot"));
                        return s;
                    }));
            String dbtype = cfg.getOrDefault("dbtype", "");
            boolean pg = dbtype.equals("pgsql");
            if (!pg && !dbtype.equals("mariadb") && !dbtype.equals("mysqli") && !dbtype.equals("auroramysql")) {
                throw MoodlectlException.invalid("the old site's database type is '" + dbtype + "'",
                        "moodlectl imports MariaDB/MySQL and PostgreSQL sites");
            }
            String dataroot = cfg.get("dataroot");
            if (dataroot == null || cfg.get("dbname") == null) {
                throw MoodlectlException.invalid("the old config.php has no dataroot or dbname", "check " + a.path() + "/config.php");
            }
            List<String> rsync = rsyncArgv(ssh, a, dataroot, data);
            op.run(Step.named("copy-moodledata-live").describe("Copy moodledata while the old site serves (first pass)")
                    .command(String.join(" ", rsync.stream().map(ShellCommand::quote).toList()))
                    .action(ctx -> {
                        Files.createDirectories(data);
                        runChecked(rsync, "rsync", ctx::output);
                        return null;
                    }));
            List<String> cli = List.of("cd " + ShellCommand.quote(a.path()) + " && php admin/cli/maintenance.php");
            boolean enable = !liveCopy && !remoteOk(ssh, "test -e " + ShellCommand.quote(dataroot + "/climaintenance.html"));
            if (!liveCopy && !enable) {
                op.skip("maintenance-on", "Turn on the old site's maintenance mode", "it is in maintenance already (left as it is)");
            }
            if (enable) {
                op.run(Step.named("maintenance-on").describe("Turn on the old site's maintenance mode for the dump and the last copy")
                        .command(String.join(" ", ssh) + " '" + cli.get(0) + " --enable'")
                        .action(ctx -> {
                            remote(ssh, cli.get(0) + " --enable", ctx::output);
                            return null;
                        })
                        .undo(() -> remote(ssh, cli.get(0) + " --disable", s -> { })));
            }
            Path dump = dir.resolve(pg ? "dump.pgdump" : "dump.sql.gz");
            String dumpCmd = pg
                    ? "read -r PGPASSWORD; export PGPASSWORD; exec pg_dump -Fc" + hostArg(cfg, "-h") + " -U " + ShellCommand.quote(cfg.get("dbuser"))
                    + " " + ShellCommand.quote(cfg.get("dbname"))
                    : "read -r MYSQL_PWD; export MYSQL_PWD; set -o pipefail; D=$(command -v mariadb-dump || command -v mysqldump);"
                    + " \"$D\" --single-transaction --routines --triggers --hex-blob --default-character-set=utf8mb4"
                    + hostArg(cfg, "-h") + " -u " + ShellCommand.quote(cfg.get("dbuser")) + " " + ShellCommand.quote(cfg.get("dbname")) + " | gzip -1";
            op.run(Step.named("dump-database").describe("Dump the old database on its server (" + (pg ? "pg_dump -Fc" : "mariadb-dump --single-transaction")
                            + "), the password handed over on stdin")
                    .command(String.join(" ", ssh) + " " + ShellCommand.quote("bash -c " + ShellCommand.quote(dumpCmd)) + " > " + dump.getFileName())
                    .action(ctx -> {
                        List<String> argv = new ArrayList<>(ssh);
                        argv.add("bash -c " + ShellCommand.quote(dumpCmd));
                        streamToFile(argv, cfg.getOrDefault("dbpass", "") + "\n", dump);
                        ctx.output(String.format("%.1f MB", Files.size(dump) / 1e6));
                        return null;
                    }));
            op.run(Step.named("copy-moodledata").describe("Copy what changed in moodledata since the first pass")
                    .command(String.join(" ", rsync.stream().map(ShellCommand::quote).toList()))
                    .action(ctx -> {
                        runChecked(rsync, "rsync", ctx::output);
                        return null;
                    }));
            if (enable) {
                op.run(Step.named("maintenance-off").describe("Turn the old site's maintenance mode off again")
                        .command(String.join(" ", ssh) + " '" + cli.get(0) + " --disable'")
                        .action(ctx -> {
                            remote(ssh, cli.get(0) + " --disable", ctx::output);
                            return null;
                        }));
            }
            if (liveCopy) {
                op.fact("consistency", "live copy: the site served while its database and files were copied");
            }
            op.succeed();
            return new Fetched(dump, data, config, op.id());
        }
    }

    private static String hostArg(Map<String, String> cfg, String flag) {
        String h = cfg.get("dbhost");
        if (h == null || h.isBlank() || h.equals("localhost")) {
            return "";
        }
        int colon = h.lastIndexOf(':');
        if (colon > 0 && h.substring(colon + 1).matches("\\d+")) {
            return " " + flag + " " + ShellCommand.quote(h.substring(0, colon)) + " -P " + h.substring(colon + 1);
        }
        return " " + flag + " " + ShellCommand.quote(h);
    }

    static List<String> sshArgv(Address a, List<String> options) {
        List<String> argv = new ArrayList<>(List.of("ssh", "-p", String.valueOf(a.port()), "-o", "BatchMode=yes",
                "-o", "ConnectTimeout=15"));
        for (String o : options) {
            argv.add("-o");
            argv.add(o);
        }
        argv.add(a.target());
        return argv;
    }

    private static List<String> rsyncArgv(List<String> ssh, Address a, String dataroot, Path target) {
        String rsh = String.join(" ", ssh.subList(0, ssh.size() - 1).stream().map(ShellCommand::quote).toList());
        List<String> argv = new ArrayList<>(List.of("rsync", "-a", "--delete", "--numeric-ids", "-e", rsh));
        MoodledataSource.LEFT_OUT.forEach(x -> argv.add("--exclude=/" + x));
        argv.add(a.target() + ":" + dataroot.replaceAll("/+$", "") + "/");
        argv.add(target + "/");
        return argv;
    }

    private static boolean remoteOk(List<String> ssh, String command) {
        List<String> argv = new ArrayList<>(ssh);
        argv.add(command);
        return ShellCommand.of(argv).run().ok();
    }

    private static void remote(List<String> ssh, String command, Consumer<String> out) {
        List<String> argv = new ArrayList<>(ssh);
        argv.add(command);
        runChecked(argv, "ssh " + command, out);
    }

    private static void runChecked(List<String> argv, String what, Consumer<String> out) {
        ShellResult r = ShellCommand.of(argv).withTimeout(java.time.Duration.ofHours(6)).run();
        r.output().lines().limit(50).forEach(out);
        if (!r.ok()) {
            throw new MoodlectlException(ExitCode.UNREACHABLE, what + " exited " + r.exitCode() + ": " + r.stderr().strip(),
                    "check the ssh login and the paths on the old server; it was not changed (maintenance is turned off again)");
        }
    }

    /** Runs {@code argv} with {@code stdin} as its input and its stdout written to {@code target}. */
    private static void streamToFile(List<String> argv, String stdin, Path target) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectOutput(target.toFile()).redirectError(ProcessBuilder.Redirect.PIPE).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(6, TimeUnit.HOURS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new MoodlectlException(ExitCode.FAILED, "the remote dump failed (exit " + p.exitValue() + "): "
                    + new String(err, StandardCharsets.UTF_8).strip(), "check the database settings of the old config.php and that "
                    + "mariadb-dump/pg_dump run there; the old site was not changed");
        }
    }
}
