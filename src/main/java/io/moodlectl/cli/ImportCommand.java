package io.moodlectl.cli;

import io.moodlectl.adoption.ImportService;
import io.moodlectl.adoption.SshSource;
import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.host.Host;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

@Command(name = "import", description = "Build a site from an existing Moodle's database dump and moodledata (or over SSH from its server).")
final class ImportCommand extends Verb {
    @Option(names = {"-f", "--file"}, required = true, paramLabel = "SITE.yaml", description = "The site file (code, add-ons, ports).")
    Path file;
    @Option(names = "--database-dump", paramLabel = "FILE", description = "mariadb-dump/mysqldump or pg_dump (plain or -Fc) output; .gz, .zst, .xz accepted.")
    Path dump;
    @Option(names = "--moodledata", paramLabel = "DIR|TARBALL", description = "The old $CFG->dataroot (holding filedir/), or a tar of it.")
    Path moodledata;
    @Option(names = "--config", paramLabel = "CONFIG_PHP", description = "The old config.php: table prefix and settings worth keeping (never paths or passwords).")
    Path config;
    @Option(names = "--from", paramLabel = "ssh://USER@HOST[:PORT][/PATH/TO/MOODLE]", description = "Dump and copy from a running server over SSH instead (default path /var/www/moodle).")
    String from;
    @Option(names = "--live-copy", description = "With --from: never put the old site in maintenance (the copy may be inconsistent).")
    boolean liveCopy;
    @Option(names = "--ssh-option", paramLabel = "OPT", description = "With --from: an extra ssh -o option (repeatable), e.g. IdentityFile=/root/.ssh/moodle")
    java.util.List<String> sshOptions = new java.util.ArrayList<>();

    @Override
    protected void execute() {
        if (from == null && (dump == null || moodledata == null)) {
            throw new MoodlectlException(ExitCode.USAGE, "give --database-dump FILE and --moodledata DIR|TARBALL, or --from ssh://user@host",
                    "e.g. moodlectl site import -f site.yaml --database-dump moodle.sql.gz --moodledata moodledata.tgz");
        }
        if (from != null && (dump != null || moodledata != null || config != null)) {
            throw new MoodlectlException(ExitCode.USAGE, "--from takes the dump, moodledata and config.php from the server itself",
                    "give either --from, or --database-dump and --moodledata");
        }
        if (liveCopy && from == null) {
            throw new MoodlectlException(ExitCode.USAGE, "--live-copy goes with --from", "drop --live-copy, or use --from ssh://…");
        }
        try (Host host = openHost()) {
            ImportService service = new ImportService(host, console()::progress);
            ImportService.ImportResult r;
            if (from != null) {
                r = new SshSource(host, service, console()::progress).importFrom(file, from, liveCopy, sshOptions);
            } else {
                console().progress("importing " + dump + " and " + moodledata + " as the site of " + file + " …");
                r = service.importSite(new ImportService.ImportRequest(file, dump, moodledata, config,
                        dump + " + " + moodledata + (config == null ? "" : " + " + config), false));
            }
            console().result(r, out -> {
                out.println("site " + r.site() + " is up: " + r.url() + " (Moodle " + r.release() + ", environment " + r.environment() + ")");
                out.println("imported from " + r.origin() + ": " + r.dumpEngine() + " " + r.dumpFormat() + " dump, "
                        + r.tables() + " tables (prefix " + r.prefix() + "), database version " + r.databaseVersion()
                        + (r.databaseRelease() == null ? "" : " (" + r.databaseRelease() + ")") + ", " + r.plugins() + " plugins");
                if (r.upgraded()) {
                    out.println("the code is newer than the database: upgrade.php ran (the old site is unchanged)");
                }
                if (!r.keptSettings().isEmpty()) {
                    out.println("kept from the old config.php (applied with cfg.php): " + String.join(", ", r.keptSettings()));
                }
                if (!r.leftOutSettings().isEmpty()) {
                    out.println("left out of the old config.php: " + String.join(", ", r.leftOutSettings()));
                }
                if (r.possiblyInconsistent()) {
                    out.println("WARNING: copied from the running site without maintenance (--live-copy): database and files may"
                            + " not match; import again with maintenance for a consistent copy");
                }
                out.println("admins log in with their old passwords; took " + Console.seconds(r.took()) + "; journal: moodlectl ops show " + r.operation());
            });
        }
    }
}
