package io.moodlectl.upgrade;

import io.moodlectl.host.Host;
import io.moodlectl.moodle.EnvironmentPaths;
import io.moodlectl.moodle.Maturity;
import io.moodlectl.moodle.MoodleCli;
import io.moodlectl.release.ResolvedRelease;
import io.moodlectl.runtime.ExecResult;
import io.moodlectl.shell.ShellCommand;
import io.moodlectl.site.Environment;
import io.moodlectl.site.EnvironmentFactory;
import io.moodlectl.site.SiteSpec;
import io.moodlectl.site.SnapshotService;
import io.moodlectl.storage.StorageDriver;
import io.moodlectl.workflow.Operation;
import io.moodlectl.workflow.Step;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The steps stage, promote, restore and backups share: copy live, run the upgrade, check the result. */
public final class UpgradeSteps {
    private final Host host;
    private final SiteSpec spec;
    private final EnvironmentFactory factory;

    public UpgradeSteps(Host host, SiteSpec spec) {
        this.host = host;
        this.spec = spec;
        this.factory = new EnvironmentFactory(host, spec);
    }

    public EnvironmentFactory factory() {
        return factory;
    }

    /** A writable copy of live's volume as {@code target}'s (atomic where the storage can; quiesced otherwise). */
    public void cloneLive(Operation op, Environment live, Environment target) {
        cloneLive(op, live, target, false);
    }

    /** As {@link #cloneLive(Operation, Environment, Environment)}; with {@code keep} a failure keeps the copy for inspection. */
    void cloneLive(Operation op, Environment live, Environment target, boolean keep) {
        StorageDriver storage = host.storage();
        String from = live.volume(spec.name());
        String to = target.volume(spec.name());
        op.run(Step.named("snapshot-live").describe("Copy-on-write copy of " + from + " as " + to)
                .command(storage.capabilities().atomicSnapshot()
                        ? "btrfs subvolume snapshot " + storage.root().resolve(from) + " " + storage.root().resolve(to)
                        : "cp -a --reflink=" + (storage.capabilities().instantClone() ? "always " : "never ")
                        + storage.root().resolve(from) + " " + storage.root().resolve(to))
                .action(ctx -> SnapshotService.withConsistentFiles(host, factory, live, ctx::output,
                        () -> storage.snapshot(from, to, false)))
                .undo(keep ? () -> { } : () -> storage.delete(to)));
    }

    /** Deletes a maintenance file a copy carried over (snapshots carry climaintenance.html). */
    public void removeMaintenanceFile(Operation op, Environment env, String why) {
        Path f = factory.volumePath(env).resolve("moodledata/climaintenance.html");
        op.run(Step.named("maintenance-file-off").describe("Remove Moodle's maintenance file on " + env.id() + " (" + why + ")")
                .command("rm -f moodledata/climaintenance.html")
                .action(ctx -> {
                    Files.deleteIfExists(f);
                    return null;
                }));
    }

    /** upgrade.php --non-interactive as the web user; returns the seconds it took. A failure is never re-run. */
    /** upgrade.php on {@code env} (also after an import whose code is newer than its database); returns its seconds. */
    public double runUpgrade(Operation op, Environment env, ResolvedRelease release) {
        boolean unstable = release.version().maturity() != Maturity.STABLE;
        List<String> argv = MoodleCli.inContainer().upgrade(true, unstable);
        return op.run(Step.named("upgrade").describe("Run Moodle's upgrade (admin/cli/upgrade.php) on " + env.id())
                .command(String.join(" ", argv.stream().map(ShellCommand::quote).toList()))
                .action(ctx -> {
                    long t0 = System.nanoTime();
                    ExecResult r = factory.moodle(env, argv, ctx::output);
                    ctx.exitCode(r.exitCode());
                    if (!r.ok()) {
                        throw EnvironmentFactory.cliFailed("upgrade.php", r);
                    }
                    return (System.nanoTime() - t0) / 1e9;
                }));
    }

    /**
     * The login page through the web container itself, asked until it answers 200 or {@code patience} runs out (a
     * freshly started copy may answer 503 for a moment while its database warms up); the last answer is returned.
     */
    public Rehearsal.Check loginPage(Environment env, String wwwroot, java.time.Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        Rehearsal.Check last = loginPage(env, wwwroot);
        while (!last.passed() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return last;
            }
            last = loginPage(env, wwwroot);
        }
        return last;
    }

    /** The login page through the web container itself, with the Host header of the copy's own address. */
    Rehearsal.Check loginPage(Environment env, String wwwroot) {
        java.net.URI u = java.net.URI.create(wwwroot);
        String hostHeader = u.getPort() > 0 ? u.getHost() + ":" + u.getPort() : u.getHost();
        ExecResult r = host.runtime().exec(env.webContainer(spec.name()), List.of("curl", "-s", "-o", "/dev/null", "-w",
                "%{http_code}", "-H", "Host: " + hostHeader, "-H", "X-Forwarded-Proto: " + u.getScheme(),
                "http://127.0.0.1" + io.moodlectl.site.SiteService.HEALTH_PATH), null, null);
        String code = r.output().strip();
        return new Rehearsal.Check("login page", "200".equals(code) ? 0 : 1, "200".equals(code), "HTTP " + code);
    }

    /** checks.php --type=status (CRITICAL fails) and check_database_schema.php (differences fail). */
    public List<Rehearsal.Check> moodleChecks(Environment env) {
        List<Rehearsal.Check> out = new ArrayList<>();
        ExecResult checks = factory.moodle(env, MoodleCli.inContainer().checks(io.moodlectl.moodle.CheckType.STATUS), null);
        out.add(new Rehearsal.Check("checks.php --type=status", checks.exitCode(), checks.exitCode() <= 1, lastLines(checks.output())));
        ExecResult schema = factory.moodle(env, MoodleCli.inContainer().checkDatabaseSchema(), null);
        out.add(new Rehearsal.Check("check_database_schema.php", schema.exitCode(), schema.exitCode() == 0, lastLines(schema.output())));
        return out;
    }

    static String lastLines(String s) {
        List<String> lines = s.strip().lines().toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }

    static String codePath() {
        return EnvironmentPaths.CODE;
    }
}
