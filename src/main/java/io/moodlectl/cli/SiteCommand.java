package io.moodlectl.cli;

import io.moodlectl.error.MoodlectlException;
import io.moodlectl.host.Host;
import io.moodlectl.site.SiteService;
import io.moodlectl.site.SiteStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;

@Command(name = "site", description = "Create, list, inspect and destroy Moodle sites.",
        subcommands = {SiteCommand.Create.class, ImportCommand.class, SiteCommand.ListSites.class, SiteCommand.Status.class, UpgradeCommands.Tidy.class,
                SiteCommand.Destroy.class})
final class SiteCommand {

    @Command(name = "create", description = "Build a site from a site file: volume, code, database, web, cron, front proxy.")
    static final class Create extends Verb {
        @Option(names = {"-f", "--file"}, required = true, paramLabel = "SITE.yaml", description = "The site file.")
        Path file;

        @Override
        protected void execute() {
            try (Host host = openHost()) {
                console().progress("creating the site from " + file + " …");
                var r = new SiteService(host).create(file);
                console().result(r, out -> {
                    out.println("site " + r.site() + " is up: " + r.url() + " (Moodle " + r.release() + ", environment " + r.environment() + ")");
                    if (r.previewUrl() != null) {
                        out.println("preview address (staging copies): " + r.previewUrl());
                    }
                    out.println("admin user: admin, password in " + r.adminPasswordFile());
                    out.println("took " + Console.seconds(r.took()) + "; journal: moodlectl ops show " + r.operation());
                });
            }
        }
    }

    @Command(name = "list", description = "List sites.")
    static final class ListSites extends Verb {
        @Override
        protected void execute() {
            try (Host host = openHost()) {
                List<SiteStatus.Summary> sites = new SiteService(host).list();
                console().result(sites, out -> {
                    Table t = new Table("NAME", "URL", "LIVE", "RELEASE", "ENVIRONMENTS");
                    sites.forEach(s -> t.row(s.name(), s.url(), s.live(), s.release(), s.environments()));
                    t.print(out);
                });
            }
        }
    }

    @Command(name = "status", description = "Environments and roles, Moodle release in code and database, add-ons, containers, proxy.")
    static final class Status extends Verb {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        protected void execute() {
            try (Host host = openHost()) {
                SiteStatus s = new SiteService(host).status(name);
                console().result(s, out -> print(out, s));
            }
        }

        static void print(java.io.PrintWriter out, SiteStatus s) {
            out.println(s.name() + "  " + s.url() + (s.previewUrl() == null ? "" : "  (preview " + s.previewUrl() + ")") + "  " + s.database());
            if (s.support() != null) {
                out.println(s.support().daysLeft() >= 0
                        ? "Moodle " + s.support().branch() + " gets security fixes until " + s.support().securityEnds()
                        + " (" + s.support().daysLeft() + " days)"
                        : "Moodle " + s.support().branch() + " NO LONGER gets security fixes (ended " + s.support().securityEnds()
                        + "): upgrade");
            }
            if (!s.newerTags().isEmpty()) {
                out.println("newer releases of this branch in the repository: " + String.join(", ", s.newerTags()));
            }
            if (s.proxy() != null) {
                out.println("front proxy: " + (s.proxy().running() ? "running" : "STOPPED") + ", live slot "
                        + s.proxy().live().map(Enum::name).orElse("none") + (s.proxy().maintenance() ? ", MAINTENANCE" : ""));
            }
            Table t = new Table("ENV", "ROLE", "SLOT", "GEN", "RELEASE", "CODE VERSION", "DB VERSION", "CONTAINERS");
            for (var e : s.environments()) {
                t.row(e.id(), e.role(), e.slot(), e.generation(), e.release(), e.codeVersion(), e.dbVersion(),
                        String.join(" ", e.containers().stream().map(c -> c.kind() + ":" + c.status()).toList()));
            }
            t.print(out);
            for (var e : s.environments()) {
                for (var p : e.plugins()) {
                    out.println("  " + e.id() + " add-on " + p.component() + " " + p.version() + (p.release() == null ? "" : " (" + p.release() + ")"));
                }
            }
            if (s.lastOperation() != null) {
                var o = s.lastOperation();
                out.println("last operation: " + o.id() + " (" + o.kind() + ", " + o.status() + ")"
                        + (o.notebook() == null ? "; moodlectl ops show " + o.id() : "; record " + o.notebook()
                        + (o.markdown() == null ? "" : " and " + o.markdown())));
            }
        }
    }

    @Command(name = "destroy", description = "Remove a site's containers, networks, volumes, snapshots and secrets (the journal stays).")
    static final class Destroy extends Verb {
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--yes", description = "Really destroy it.")
        boolean yes;

        @Override
        protected void execute() {
            if (!yes) {
                throw new MoodlectlException(io.moodlectl.error.ExitCode.REFUSED,
                        "destroying " + name + " deletes its data and every copy of it", "add --yes if that is what you want");
            }
            try (Host host = openHost()) {
                var r = new SiteService(host).destroy(name);
                console().result(r, out -> {
                    r.removed().forEach(x -> out.println("removed " + x));
                    out.println("site " + name + " destroyed (journal kept: moodlectl ops show " + r.operation() + ")");
                });
            }
        }
    }
}
