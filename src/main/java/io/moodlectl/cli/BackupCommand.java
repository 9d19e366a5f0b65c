package io.moodlectl.cli;

import io.moodlectl.backup.BackupService;
import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.host.Host;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

@Command(name = "backup", description = "Off-site backups with restic (the site file's backup: key), restores and restore drills.",
        subcommands = {BackupCommand.Create.class, BackupCommand.ListBackups.class, BackupCommand.Prune.class,
                BackupCommand.Restore.class, BackupCommand.Verify.class})
final class BackupCommand {

    /** The site and, optionally, a site file whose backup: key is used instead of the recorded one. */
    abstract static class SiteVerb extends Verb {
        @Parameters(paramLabel = "NAME")
        String site;
        @Option(names = {"-f", "--file"}, paramLabel = "SITE.yaml",
                description = "Take the backup: key from this site file (default: the site file the site was built or last upgraded from).")
        Path siteFile;
    }

    @Command(name = "create", description = "Back up live: snapshot → database dumped from a temporary copy → restic "
            + "(dump, moodledata without caches, code with config.php, site file, manifest).")
    static final class Create extends SiteVerb {
        @Override
        protected void execute() {
            try (Host host = openHost()) {
                console().progress("backing up " + site + " …");
                var r = new BackupService(host).create(site, siteFile);
                console().result(r, out -> {
                    out.println("backup " + r.backup() + " of " + site + " (" + r.environment() + ", " + r.release() + ") in "
                            + r.repository() + (r.repositoryCreated() ? " (new repository)" : ""));
                    out.println(String.format(Locale.ROOT, "  %d files, %s; new %d, changed %d; added to the repository %s; "
                                    + "database dump %s; %.1f s", r.files(), Console.bytes(r.bytes()), r.filesNew(), r.filesChanged(),
                            Console.bytes(r.dataAdded()), Console.bytes(r.databaseDumpBytes()), r.seconds()));
                    if (r.passwordFile() != null) {
                        out.println("  the repository's password was generated: " + r.passwordFile()
                                + " — keep a copy away from this host, or the backups can't be read without it");
                    }
                });
            }
        }
    }

    @Command(name = "list", description = "List the site's backups in its repository.")
    static final class ListBackups extends SiteVerb {
        @Override
        protected void execute() {
            try (Host host = openHost()) {
                var all = new BackupService(host).list(site, siteFile);
                console().result(all, out -> {
                    Table t = new Table("BACKUP", "TIME", "ENV", "MOODLE");
                    all.forEach(b -> t.row(b.shortId(), b.time().toString(), b.environment(), b.release()));
                    t.print(out);
                });
            }
        }
    }

    @Command(name = "prune", description = "Apply the retention of the site file's backup: keep: (restic forget, then prune).")
    static final class Prune extends SiteVerb {
        @Override
        protected void execute() {
            try (Host host = openHost()) {
                var r = new BackupService(host).prune(site, siteFile);
                console().result(r, out -> {
                    out.println("forgot " + r.removed().size() + " backup(s); " + r.kept().size() + " kept");
                    r.kept().forEach(b -> out.println("  " + b.shortId() + "  " + b.time()));
                });
            }
        }
    }

    @Command(name = "restore", description = "Build a new environment from a backup and check it: the site's staging copy "
            + "on the preview port (--as-staging, the default), or a new site (--as NEWSITE --site-file F). Live is never touched.")
    static final class Restore extends SiteVerb {
        @Option(names = "--backup", paramLabel = "ID", required = true, description = "The backup (an id from `backup list`, or latest).")
        String backup;
        @Option(names = "--as-staging", description = "Restore as the site's staging copy (the default; replaces the previous one).")
        boolean asStaging;
        @Option(names = "--as", paramLabel = "NEWSITE", description = "Restore as a new site instead, described by --site-file.")
        String asSite;
        @Option(names = "--site-file", paramLabel = "NEWSITE.yaml", description = "With --as: the new site's site file (name, ports, address).")
        Path newSiteFile;

        @Override
        protected void execute() {
            if (asSite != null && asStaging) {
                throw new MoodlectlException(ExitCode.USAGE, "--as and --as-staging exclude each other", "give one of them");
            }
            if (asSite != null && newSiteFile == null) {
                throw new MoodlectlException(ExitCode.USAGE, "--as " + asSite + " needs --site-file NEWSITE.yaml",
                        "write a site file for the new site (its name, port, preview port, address) and pass it");
            }
            try (Host host = openHost()) {
                BackupService.RestoreResult r;
                if (asSite != null) {
                    console().progress("restoring backup " + backup + " of " + site + " as the new site " + asSite + " …");
                    String inFile = io.moodlectl.site.SiteFile.read(newSiteFile).name();
                    if (!inFile.equals(asSite)) {
                        throw MoodlectlException.invalid(newSiteFile + " names the site " + inFile + ", not " + asSite,
                                "make the site file's name: " + asSite);
                    }
                    r = new BackupService(host).restoreAsSite(site, backup, siteFile, newSiteFile);
                } else {
                    console().progress("restoring backup " + backup + " of " + site + " as its staging copy …");
                    r = new BackupService(host).restore(site, backup, siteFile);
                }
                console().result(r, out -> {
                    out.println("backup " + r.backup() + " of " + site + " restored as " + r.site() + " " + r.environment() + " (" + r.role() + ", "
                            + r.release() + ")" + (r.passed() ? "  PASSED" : "  FAILED"));
                    if (r.previewUrl() != null) {
                        out.println("try it: " + r.previewUrl());
                    }
                    printChecks(out, r.checks(), r.differences());
                });
                if (!r.passed()) {
                    exitCode = ExitCode.UNHEALTHY.code();
                }
            }
        }
    }

    @Command(name = "verify", description = "Restore drill: restic check, restore into a scratch environment, checks, "
            + "comparison with the backup's manifest; scratch removed. Exit 0 only if all passed (for cron/monitoring).")
    static final class Verify extends SiteVerb {
        @Option(names = "--backup", paramLabel = "ID", description = "The backup to drill (default: the latest).")
        String backup;

        @Override
        protected void execute() {
            try (Host host = openHost()) {
                console().progress("restore drill of " + site + " …");
                var r = new BackupService(host).verify(site, backup, siteFile);
                console().result(r, out -> {
                    out.println("backup " + r.backup() + " of " + site + " (" + r.backupTime() + "): "
                            + (r.passed() ? "VERIFIED" : "FAILED") + String.format(Locale.ROOT, " in %.1f s", r.seconds()));
                    out.println("  repository check: " + (r.repositoryOk() ? "ok" : "FAILED") + " — " + r.repositoryCheck());
                    if (r.restoreError() != null) {
                        out.println("  restore FAILED: " + r.restoreError());
                    }
                    printChecks(out, r.checks(), r.differences());
                });
                exitCode = r.exitCode().code();
            }
        }
    }

    static void printChecks(PrintWriter out, java.util.List<io.moodlectl.upgrade.Rehearsal.Check> checks, java.util.List<String> diffs) {
        checks.forEach(c -> out.println("  " + (c.passed() ? "ok     " : "FAILED ") + c.name() + ": " + c.summary()));
        diffs.forEach(d -> out.println("    " + d));
    }
}
