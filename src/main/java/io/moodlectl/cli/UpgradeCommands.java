package io.moodlectl.cli;

import io.moodlectl.host.Host;
import io.moodlectl.site.SiteStore;
import io.moodlectl.upgrade.CheckResult;
import io.moodlectl.upgrade.PromoteService;
import io.moodlectl.upgrade.PromotionReport;
import io.moodlectl.upgrade.Rehearsal;
import io.moodlectl.upgrade.RestoreService;
import io.moodlectl.upgrade.RollbackService;
import io.moodlectl.upgrade.StageService;
import io.moodlectl.upgrade.TidyService;
import io.moodlectl.upgrade.UpgradeCheck;
import io.moodlectl.upgrade.UpgradeTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/** check, stage, promote, rollback, site tidy, snapshot restore. */
final class UpgradeCommands {
    private UpgradeCommands() {
    }

    /** What to upgrade to, shared by check and stage. */
    static final class TargetOptions {
        @Option(names = {"-f", "--file"}, paramLabel = "SITE.yaml", description = "A new site file for this site.")
        Path file;
        @Option(names = "--ref", paramLabel = "REF", description = "Only change moodle.ref (a tag, branch or commit).")
        String ref;

        UpgradeTarget target() {
            return new UpgradeTarget(file, ref);
        }
    }

    @Command(name = "check", description = "Preflight an upgrade: path, PHP/database minimums, add-ons, free space.")
    static final class Check extends Verb {
        @Parameters(paramLabel = "NAME")
        String site;
        @Mixin
        TargetOptions target;

        @Override
        protected void execute() {
            try (Host host = openHost()) {
                SiteStore store = new SiteStore(host.state());
                var current = store.spec(site);
                CheckResult r = new UpgradeCheck(host).check(current, store.get(site), target.target().resolve(current)).result();
                console().result(r, out -> {
                    out.println(site + ": " + r.from().release() + " → " + r.to().release() + " (" + r.to().ref() + ")");
                    out.println("images: " + r.generation() + (r.generation().equals(r.currentGeneration()) ? "" : " (from " + r.currentGeneration() + ")"));
                    out.println("space: needs about " + Console.bytes(r.neededBytes()) + ", " + Console.bytes(r.freeBytes()) + " free");
                    r.notes().forEach(n -> out.println("note: " + n));
                    r.problems().forEach(p -> out.println("REFUSED (" + p.kind() + "): " + p.message() + "\n  what to do: " + p.hint()));
                    out.println(r.ok() ? "ok: the upgrade may go ahead" : "the upgrade is refused");
                });
                UpgradeCheck.requireOk(r);
            }
        }
    }

    @Command(name = "stage", description = "Rehearse an upgrade on a copy-on-write copy of live (live keeps serving); report the forecast.")
    static final class Stage extends Verb {
        @Parameters(paramLabel = "NAME")
        String site;
        @Mixin
        TargetOptions target;

        @Override
        protected void execute() {
            try (Host host = openHost()) {
                console().progress("staging " + site + " …");
                Rehearsal r = new StageService(host).stage(site, target.target());
                console().result(r, out -> print(out, r));
            }
        }

        static void print(PrintWriter out, Rehearsal r) {
            out.println("rehearsal of " + r.site() + ": " + r.fromRelease() + " → " + r.release() + " on " + r.stagingEnvironment()
                    + (r.passed() ? "  PASSED" : "  FAILED"));
            if (r.previewUrl() != null) {
                out.println("try it: " + r.previewUrl());
            }
            out.println("step times:");
            r.stepSeconds().forEach((k, v) -> out.println(String.format(Locale.ROOT, "  %-16s %6.1f s", k, v)));
            out.println(String.format(Locale.ROOT, "forecast downtime of `promote`: %.1f s (upgrade.php %.1f s)", r.forecastSeconds(), r.upgradeSeconds()));
            out.println("new settings the upgrade added: " + (r.newSettings().isEmpty() ? "none" : ""));
            r.newSettings().forEach(s -> out.println("  " + s.component() + " / " + s.name() + " = " + s.value()));
            out.println("plugin changes: " + (r.pluginChanges().isEmpty() ? "none" : ""));
            r.pluginChanges().forEach(p -> out.println("  " + p.component() + ": " + (p.from() == null ? "new" : p.from()) + " → " + p.to()));
            out.println("checks:");
            r.checks().forEach(c -> out.println("  " + (c.passed() ? "ok     " : "FAILED ") + c.name() + ": " + c.summary()));
        }
    }

    @Command(name = "promote", description = "Promote the rehearsed release blue-green (maintenance page only for the upgrade itself); reverts by itself on failure.")
    static final class Promote extends Verb {
        @Parameters(paramLabel = "NAME")
        String site;
        @Option(names = "--watch", defaultValue = "2m", paramLabel = "DURATION",
                description = "Watch the new side this long and roll back by itself if it fails (default ${DEFAULT-VALUE}; 0 to skip).")
        String watch;

        @Override
        protected void execute() {
            try (Host host = openHost()) {
                Duration w = parseDuration(watch);
                console().progress("promoting " + site + (w.isZero() ? "" : ", then watching it for " + watch) + " …");
                PromotionReport r = new PromoteService(host).promote(site, w);
                console().result(r, out -> print(out, r));
            }
        }

        static void print(PrintWriter out, PromotionReport r) {
            out.println(r.site() + ": " + r.from() + " → " + r.to() + " (" + r.release() + ")");
            out.println(String.format(Locale.ROOT, "downtime window: %.1f s (upgrade.php %.1f s, everything else %.1f s, proxy switch %.2f s)%s",
                    r.windowSeconds(), r.upgradeSeconds(), r.overheadSeconds(), r.switchSeconds(),
                    r.forecastSeconds() == null ? "" : String.format(Locale.ROOT, "; forecast was %.1f s", r.forecastSeconds())));
            r.window().forEach(s -> out.println(String.format(Locale.ROOT, "  %-18s %6.2f s", s.step(), s.seconds())));
            if (r.watch() != null) {
                out.println((r.watch().rolledBack() ? "ROLLED BACK by the watch: " : "watch: ") + r.watch().reason()
                        + String.format(Locale.ROOT, " (%d probes in %.0f s)", r.watch().probes(), r.watch().seconds()));
            }
        }
    }

    @Command(name = "rollback", description = "Switch back to the standby environment (seconds, no request dropped).")
    static final class Rollback extends Verb {
        @Parameters(paramLabel = "NAME")
        String site;
        @Option(names = "--force", description = "Roll back even if users wrote to the current live since the promotion.")
        boolean force;

        @Override
        protected void execute() {
            try (Host host = openHost()) {
                var r = new RollbackService(host).rollback(site, force);
                console().result(r, out -> {
                    out.println(r.site() + ": back on " + r.to() + "; " + r.from() + " kept as " + r.abandonedRole()
                            + String.format(Locale.ROOT, " (switch %.2f s)", r.switchSeconds()));
                    if (r.logRowsLeftBehind() > 0 || !r.filesLeftBehind().isEmpty()) {
                        out.println("left behind on " + r.from() + ": " + r.logRowsLeftBehind() + " log row(s), " + r.filesLeftBehind().size() + " file(s)");
                    }
                });
            }
        }
    }

    @Command(name = "tidy", description = "Apply the site file's retention to standby/retired/failed environments and snapshots.")
    static final class Tidy extends Verb {
        @Parameters(paramLabel = "NAME")
        String site;
        @Option(names = "--force", description = "Also remove the last good standby when it is due.")
        boolean force;

        @Override
        protected void execute() {
            try (Host host = openHost()) {
                var r = new TidyService(host).tidy(site, force);
                console().result(r, out -> {
                    if (r.actions().isEmpty()) {
                        out.println("nothing to tidy");
                    }
                    r.actions().forEach(out::println);
                });
            }
        }
    }

    @Command(name = "restore", description = "Bring a snapshot back as live (new environment, health check, switch; the current live becomes standby).")
    static final class Restore extends Verb {
        @Parameters(index = "0", paramLabel = "NAME")
        String site;
        @Parameters(index = "1", paramLabel = "SNAPSHOT")
        String snapshot;

        @Override
        protected void execute() {
            try (Host host = openHost()) {
                PromotionReport r = new RestoreService(host).restore(site, snapshot);
                console().result(r, out -> Promote.print(out, r));
            }
        }
    }

    static Duration parseDuration(String s) {
        var m = java.util.regex.Pattern.compile("(\\d+)\\s*(s|m|h)?").matcher(s.trim());
        if (!m.matches()) {
            throw io.moodlectl.error.MoodlectlException.invalid("'" + s + "' is not a duration", "e.g. 0, 90s, 2m, 1h");
        }
        long v = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "m" -> Duration.ofMinutes(v);
            case "h" -> Duration.ofHours(v);
            default -> Duration.ofSeconds(v);
        };
    }
}
