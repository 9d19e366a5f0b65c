package io.moodlectl.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.moodlectl.backup.restic.ResticRepository;
import io.moodlectl.database.DatabaseEngine;
import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.host.Host;
import io.moodlectl.proxy.Target;
import io.moodlectl.runtime.ContainerRuntime;
import io.moodlectl.shell.ShellCommand;
import io.moodlectl.site.Environment;
import io.moodlectl.site.EnvironmentFactory;
import io.moodlectl.site.Role;
import io.moodlectl.site.SiteFile;
import io.moodlectl.site.SiteImages;
import io.moodlectl.site.SiteLock;
import io.moodlectl.site.SiteService;
import io.moodlectl.site.SiteSpec;
import io.moodlectl.site.SiteState;
import io.moodlectl.site.SiteStore;
import io.moodlectl.storage.StorageDriver;
import io.moodlectl.upgrade.EnvironmentRemoval;
import io.moodlectl.upgrade.Rehearsal;
import io.moodlectl.upgrade.UpgradeSteps;
import io.moodlectl.workflow.Operation;
import io.moodlectl.workflow.Redactor;
import io.moodlectl.workflow.Step;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Off-site backups with restic, and proof that they come back.
 * <ul>
 *   <li>{@link #create}: atomic snapshot of live → a temporary database server on a copy dumps the database (live is
 *   neither locked nor loaded) → restic backs up the dump, moodledata (without caches, sessions, temp), the code with
 *   config.php, the site file and a manifest → the copy is removed.</li>
 *   <li>{@link #restore}: a new staging environment from a backup (fresh database loaded from the dump), checked and
 *   reachable on the preview port. Live is never touched.</li>
 *   <li>{@link #verify}: the same restore into a scratch environment, checks, comparison with the manifest, restic
 *   check; the scratch environment is removed.</li>
 * </ul>
 * Every verb is a journaled operation.
 */
public final class BackupService {
    static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);
    /** The temporary environments' ids: the copy a backup dumps from, the scratch copy of a restore drill. */
    static final String BACKUP_COPY = "bk";
    static final String DRILL_COPY = "vf";
    /** What a backup holds, as paths inside the environment volume (and inside the restic snapshot). */
    static final List<String> PATHS = List.of("code", "moodledata", "backup");
    static final String DUMP = "backup/database.sql";
    static final String MANIFEST = "backup/manifest.json";
    static final String SITE_FILE = "backup/site.yaml";

    private final Host host;
    private final SiteStore store;

    public BackupService(Host host) {
        this.host = host;
        this.store = new SiteStore(host.state());
    }

    // ------------------------------------------------------------------------------------------------ results

    public record BackupResult(String site, String operation, String backup, String environment, String release,
                               String repository, boolean repositoryCreated, long files, long bytes, long filesNew,
                               long filesChanged, long dataAdded, long databaseDumpBytes, double seconds,
                               String passwordFile) {
    }

    public record BackupInfo(String id, String shortId, Instant time, String environment, String release, List<String> tags) {
    }

    public record PruneResult(String site, String operation, List<String> removed, List<BackupInfo> kept) {
    }

    public record RestoreResult(String site, String operation, String backup, String environment, String role,
                                String release, String previewUrl, boolean passed, List<Rehearsal.Check> checks,
                                List<String> differences) {
    }

    public record VerifyReport(String site, String operation, String backup, Instant backupTime, boolean passed,
                               boolean repositoryOk, String repositoryCheck, String restoreError, String restoreErrorKind,
                               List<Rehearsal.Check> checks, List<String> differences, double seconds) {
        /** For monitoring: 0 verified, 6 the drill ran out of space (not the backup's fault), 11 otherwise. */
        public ExitCode exitCode() {
            if (passed) {
                return ExitCode.OK;
            }
            return ExitCode.NO_SPACE.name().equals(restoreErrorKind) ? ExitCode.NO_SPACE : ExitCode.UNHEALTHY;
        }
    }

    // ------------------------------------------------------------------------------------------------ verbs

    /** `backup create`: see the class comment. {@code siteFile}, if given, supplies the backup: key. */
    public BackupResult create(String site, Path siteFile) {
        try (SiteLock lock = SiteLock.acquire(host.state().locks(), site)) {
            SiteState state = store.get(site);
            SiteSpec spec = store.spec(site);
            SiteSpec.Backup b = backupOf(site, spec, siteFile);
            Environment live = SiteService.select(state, "live");
            Resolved r = repository(site, b);
            UpgradeSteps steps = new UpgradeSteps(host, spec);
            EnvironmentFactory factory = steps.factory();
            SiteImages images = SiteImages.of(spec, live.generation(), host.images());
            Environment copy = new Environment(BACKUP_COPY, Role.RETIRED, null, live.generation(), live.ref(), live.commit(),
                    live.release(), Instant.now(), Instant.now());
            Path volume = factory.volumePath(copy);
            long t0 = System.nanoTime();
            try (Operation op = host.operations().begin("backup", site, "Back up " + site + " (" + live.id() + ", "
                    + live.release() + ") to the restic repository " + r.repo().location())) {
                boolean created = openRepository(op, r.repo());
                removeLeftover(op, spec, copy);
                steps.cloneLive(op, live, copy);
                Instant taken = Instant.now();
                factory.createNetwork(op, copy);
                factory.startDatabase(op, copy, images, false);
                DatabaseEngine engine = factory.engine();
                ContainerRuntime rt = host.runtime();
                String db = copy.dbContainer(site);
                long dumpBytes = op.run(Step.named("dump-database")
                        .describe("Dump the database from a temporary " + engine.name() + " on the copy (live is not touched)")
                        .command("podman exec " + db + " " + dumpCommand(engine) + " > " + volume.resolve(DUMP))
                        .action(ctx -> {
                            Files.createDirectories(volume.resolve("backup"));
                            engine.dump(rt, db, factory.credentials(), volume.resolve(DUMP));
                            long size = Files.size(volume.resolve(DUMP));
                            ctx.output("database dump: " + size + " bytes");
                            return size;
                        }));
                BackupManifest manifest = op.run(Step.named("manifest")
                        .describe("Write the manifest: release, add-on versions, table row counts, moodledata files and size")
                        .action(ctx -> {
                            BackupManifest m = BackupManifest.of(site, live.id(), taken, engine.name(), live.generation(),
                                    live.ref(), live.commit(), live.release(), BackupManifest.measure(rt, engine, db,
                                            factory.credentials(), spec.prefix(), volume.resolve("code"), volume.resolve("moodledata")));
                            Files.writeString(volume.resolve(MANIFEST), MAPPER.writeValueAsString(m));
                            Files.copy(store.dir(site).resolve("site.yaml"), volume.resolve(SITE_FILE));
                            ctx.output(m.tableRows().size() + " tables, " + m.tableRows().values().stream().mapToLong(Long::longValue).sum()
                                    + " rows; moodledata " + m.moodledataFiles() + " files, " + m.moodledataBytes() + " bytes");
                            return m;
                        }));
                op.run(Step.named("stop-temporary-database").describe("Stop the temporary database (the dump is written)")
                        .action(ctx -> {
                            rt.remove(db);
                            return null;
                        }));
                List<String> tags = List.of("moodlectl", "site=" + site, "env=" + live.id(), "moodle=" + releaseNumber(live.release()));
                List<String> excludes = BackupManifest.MOODLEDATA_EXCLUDED.stream()
                        .map(d -> volume.resolve("moodledata").resolve(d).toString()).toList();
                List<String> args = new ArrayList<>(List.of("backup", "--json", "--host", site));
                tags.forEach(t -> args.addAll(List.of("--tag", t)));
                excludes.forEach(e -> args.addAll(List.of("--exclude", e)));
                args.addAll(PATHS);
                ResticRepository.BackupSummary s = op.run(Step.named("restic-backup")
                        .describe("restic backup of the dump, moodledata (no caches, sessions, temp), the code with config.php, "
                                + "the site file and the manifest")
                        .command("cd " + volume + " && " + r.repo().commandLine(args.toArray(String[]::new)))
                        .action(ctx -> {
                            ResticRepository.BackupSummary sum = r.repo().backup(volume, PATHS, excludes, site, tags, ctx::output);
                            ctx.output("snapshot " + sum.snapshotId() + ": " + sum.totalFiles() + " files, " + sum.totalBytes()
                                    + " bytes; new " + sum.filesNew() + ", changed " + sum.filesChanged() + "; added to the repository "
                                    + sum.dataAdded() + " bytes");
                            return sum;
                        }));
                op.run(Step.named("remove-copy").describe("Remove the temporary copy " + copy.volume(site))
                        .action(ctx -> {
                            new EnvironmentRemoval(host, spec).remove(copy);
                            return null;
                        }));
                op.fact("backup", s.snapshotId());
                op.fact("added to the repository", s.dataAdded() + " bytes");
                op.fact("tables", String.valueOf(manifest.tableRows().size()));
                op.succeed();
                return new BackupResult(site, op.id(), s.snapshotId(), live.id(), live.release(), r.repo().location(), created,
                        s.totalFiles(), s.totalBytes(), s.filesNew(), s.filesChanged(), s.dataAdded(), dumpBytes,
                        (System.nanoTime() - t0) / 1e9, r.generatedPassword() ? r.passwordFile().toString() : null);
            }
        }
    }

    /** `backup list`: the site's backups in its repository, oldest first. */
    public List<BackupInfo> list(String site, Path siteFile) {
        SiteSpec spec = store.spec(site);
        Resolved r = repository(site, backupOf(site, spec, siteFile));
        requireExists(r.repo());
        return r.repo().snapshots(List.of("site=" + site)).stream().map(BackupService::info).toList();
    }

    /** `backup prune`: restic forget with the site file's keep rules, then prune. */
    public PruneResult prune(String site, Path siteFile) {
        try (SiteLock lock = SiteLock.acquire(host.state().locks(), site)) {
            SiteSpec spec = store.spec(site);
            SiteSpec.Backup b = backupOf(site, spec, siteFile);
            Resolved r = repository(site, b);
            requireExists(r.repo());
            SiteSpec.Keep k = b.keep();
            try (Operation op = host.operations().begin("backup-prune", site, "Apply the backup retention of " + site
                    + " (last " + k.last() + ", daily " + k.daily() + ", weekly " + k.weekly() + ", monthly " + k.monthly() + ")")) {
                List<String> removed = op.run(Step.named("forget").describe("Forget the backups the keep rules don't keep")
                        .command(r.repo().commandLine("forget", "--tag", "site=" + site, "--keep-last", String.valueOf(k.last()),
                                "--keep-daily", String.valueOf(k.daily()), "--keep-weekly", String.valueOf(k.weekly()),
                                "--keep-monthly", String.valueOf(k.monthly())))
                        .action(ctx -> {
                            List<String> ids = r.repo().forget(List.of("site=" + site), k.last(), k.daily(), k.weekly(), k.monthly());
                            ctx.output(ids.isEmpty() ? "nothing to forget" : "forgot " + String.join(", ", ids));
                            return ids;
                        }));
                if (removed.isEmpty()) {
                    op.skip("prune", "Drop data no backup uses", "nothing was forgotten");
                } else {
                    op.run(Step.named("prune").describe("Drop data no backup uses any more").command(r.repo().commandLine("prune"))
                            .action(ctx -> {
                                String out = r.repo().prune();
                                out.lines().filter(l -> l.contains("total prune") || l.contains("remaining:") || l.contains("to delete"))
                                        .forEach(ctx::output);
                                return null;
                            }));
                }
                List<BackupInfo> kept = r.repo().snapshots(List.of("site=" + site)).stream().map(BackupService::info).toList();
                op.fact("forgotten", String.valueOf(removed.size()));
                op.succeed();
                return new PruneResult(site, op.id(), removed, kept);
            }
        }
    }

    /**
     * `backup restore --as-staging`: a new staging environment built from a backup, checked, on the preview port. The
     * previous staging copy is replaced (as `stage` does); live is not touched.
     */
    public RestoreResult restore(String site, String backupId, Path siteFile) {
        try (SiteLock lock = SiteLock.acquire(host.state().locks(), site)) {
            SiteState state = store.get(site);
            SiteSpec spec = store.spec(site);
            Resolved r = repository(site, backupOf(site, spec, siteFile));
            requireExists(r.repo());
            ResticRepository.Snapshot snap = find(r.repo(), site, backupId);
            String id = state.nextEnvironmentId();
            try (Operation op = host.operations().begin("backup-restore", site, "Restore backup " + snap.shortId() + " of "
                    + site + " as the staging copy " + id)) {
                new EnvironmentRemoval(host, spec).removeOldStaging(op, store, state);
                Drill d = restoreInto(op, spec, r.repo(), snap, id, Role.STAGING, true);
                op.run(Step.named("record-staging").describe("Record " + id + " as the staging copy")
                        .action(ctx -> {
                            store.save(store.get(site).with(d.env()));
                            return null;
                        })
                        .undo(() -> store.save(store.get(site).without(id))));
                if (spec.previewPort() != 0) {
                    op.run(Step.named("open-preview").describe("Open the preview address " + spec.previewWwwroot() + " on " + id)
                            .action(ctx -> {
                                host.proxy().setPreview(site, Optional.of(new Target(d.env().webContainer(site), d.env().network(site), 80)));
                                return null;
                            })
                            .undo(() -> host.proxy().setPreview(site, Optional.empty())));
                }
                boolean passed = d.checks().stream().allMatch(Rehearsal.Check::passed) && d.differences().isEmpty();
                op.fact("backup", snap.shortId());
                op.fact("passed", String.valueOf(passed));
                op.succeed();
                return new RestoreResult(site, op.id(), snap.shortId(), id, Role.STAGING.id(), d.env().release(),
                        spec.previewWwwroot(), passed, d.checks(), d.differences());
            }
        }
    }

    /**
     * `backup restore --as NEWSITE`: a new site (its own site file: name, ports, address) built from a backup of
     * {@code site}: database loaded into a fresh server with the new site's own password, code and moodledata restored,
     * config.php for the new address, settings, cron, front proxy, checks. {@code site} is not touched. Any failure
     * removes everything the new site got.
     */
    public RestoreResult restoreAsSite(String site, String backupId, Path siteFile, Path newSiteFile) {
        SiteSpec spec = SiteFile.read(newSiteFile);
        String name = spec.name();
        try (SiteLock lock = SiteLock.acquire(host.state().locks(), site);
             SiteLock newLock = SiteLock.acquire(host.state().locks(), name)) {
            if (name.equals(site) || store.exists(name) || !host.runtime().list(java.util.Map.of("moodlectl.site", name)).isEmpty()) {
                throw MoodlectlException.conflict("a site called " + name + " exists",
                        "name the new site differently in " + newSiteFile + " (a restore never overwrites a site)");
            }
            SiteService.requirePortFree(spec.bind(), spec.port(), "port");
            if (spec.previewPort() != 0) {
                SiteService.requirePortFree(spec.bind(), spec.previewPort(), "preview.port");
            }
            Resolved r = repository(site, backupOf(site, store.spec(site), siteFile));
            requireExists(r.repo());
            ResticRepository.Snapshot snap = find(r.repo(), site, backupId);
            EnvironmentFactory factory = new EnvironmentFactory(host, spec);
            try (Operation op = host.operations().begin("backup-restore", name, "Restore backup " + snap.shortId() + " of "
                    + site + " as the new site " + name)) {
                op.run(Step.named("secrets").describe("Generate the new site's database password; carry the admin password over")
                        .action(ctx -> {
                            host.secrets().getOrCreate(name + "/db");
                            host.secrets().get(site + "/admin").ifPresent(p -> host.secrets().put(name + "/admin", p));
                            return null;
                        })
                        .undo(() -> host.secrets().deleteAll(name)));
                Drill d = restoreInto(op, spec, r.repo(), snap, "e1", Role.LIVE, true);
                Environment env = d.env().withRole(Role.LIVE, io.moodlectl.proxy.Slot.BLUE);
                SiteImages images = SiteImages.of(spec, env.generation(), host.images());
                SiteService.applySettings(op, factory, spec, env);
                factory.startCron(op, env, images);
                new SiteService(host).createProxy(op, spec, env, images);
                op.run(Step.named("health-check").describe("Check the login page answers 200 through the front proxy")
                        .action(ctx -> {
                            SiteService.awaitFront(spec, Duration.ofSeconds(60));
                            ctx.output("200 OK");
                            return null;
                        }));
                op.run(Step.named("record-site").describe("Record the site " + name + " and its live environment")
                        .action(ctx -> {
                            store.saveSpec(name, newSiteFile);
                            store.save(new SiteState(name, 1, List.of(env), Instant.now(), null));
                            return null;
                        })
                        .undo(() -> {
                            try {
                                EnvironmentFactory.deleteTree(store.dir(name));
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }));
                boolean passed = d.checks().stream().allMatch(Rehearsal.Check::passed) && d.differences().isEmpty();
                op.fact("backup", snap.shortId());
                op.fact("passed", String.valueOf(passed));
                op.succeed();
                return new RestoreResult(name, op.id(), snap.shortId(), env.id(), Role.LIVE.id(), env.release(), spec.wwwroot(),
                        passed, d.checks(), d.differences());
            }
        }
    }

    /**
     * `backup verify`: restic check, then a restore drill into a scratch environment (checks, comparison with the
     * manifest); the scratch environment is removed whatever happens. Never throws for a failed drill: the report says.
     */
    public VerifyReport verify(String site, String backupId, Path siteFile) {
        try (SiteLock lock = SiteLock.acquire(host.state().locks(), site)) {
            SiteSpec spec = store.spec(site);
            Resolved r = repository(site, backupOf(site, spec, siteFile));
            requireExists(r.repo());
            ResticRepository.Snapshot snap = find(r.repo(), site, backupId);
            long t0 = System.nanoTime();
            Environment scratch = new Environment(DRILL_COPY, Role.RETIRED, null, null, null, null, null, Instant.now(), Instant.now());
            try (Operation op = host.operations().begin("backup-verify", site, "Restore drill of backup " + snap.shortId()
                    + " of " + site + " (scratch copy " + scratch.volume(site) + ")")) {
                ResticRepository.CheckResult check = op.run(Step.named("restic-check").describe("Check the repository's structure")
                        .command(r.repo().commandLine("check"))
                        .action(ctx -> {
                            ResticRepository.CheckResult c = r.repo().check(null);
                            ctx.output(lastLines(c.output(), 4));
                            ctx.exitCode(c.ok() ? 0 : 1);
                            return c;
                        }));
                removeLeftover(op, spec, scratch);
                Drill d = null;
                String restoreError = null;
                String restoreErrorKind = null;
                try {
                    d = restoreInto(op, spec, r.repo(), snap, DRILL_COPY, Role.RETIRED, false);
                } catch (MoodlectlException e) {
                    restoreError = e.getMessage();
                    restoreErrorKind = e.exitCode().name();
                } finally {
                    op.run(Step.named("remove-scratch").describe("Remove the scratch copy " + scratch.volume(site))
                            .action(ctx -> {
                                new EnvironmentRemoval(host, spec).remove(scratch);
                                return null;
                            }));
                }
                List<Rehearsal.Check> checks = d == null ? List.of() : d.checks();
                List<String> diffs = d == null ? List.of() : d.differences();
                boolean passed = check.ok() && restoreError == null && checks.stream().allMatch(Rehearsal.Check::passed) && diffs.isEmpty();
                op.fact("backup", snap.shortId());
                op.fact("passed", String.valueOf(passed));
                VerifyReport report = new VerifyReport(site, op.id(), snap.shortId(), snap.time(), passed, check.ok(),
                        lastLines(check.output(), 3), restoreError, restoreErrorKind, checks, diffs, (System.nanoTime() - t0) / 1e9);
                if (passed) {
                    op.succeed();
                } else {
                    op.fail(new IllegalStateException("the restore drill failed: " + (restoreError != null ? restoreError
                            : !check.ok() ? "restic check found damage" : String.join("; ", diffs.isEmpty()
                            ? checks.stream().filter(c -> !c.passed()).map(c -> c.name() + ": " + c.summary()).toList() : diffs))));
                }
                return report;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ the restore

    private record Drill(Environment env, BackupManifest manifest, List<Rehearsal.Check> checks, List<String> differences) {
    }

    /**
     * Builds environment {@code id} from a backup: a new volume, restic restore, a fresh database loaded from the dump,
     * config.php for {@code role}, web container; then the checks and the comparison with the manifest.
     */
    private Drill restoreInto(Operation op, SiteSpec spec, ResticRepository repo, ResticRepository.Snapshot snap, String id,
                              Role role, boolean keepUndos) {
        String site = spec.name();
        StorageDriver storage = host.storage();
        UpgradeSteps steps = new UpgradeSteps(host, spec);
        EnvironmentFactory factory = steps.factory();
        op.run(Step.named("free-space").describe("Check that the pool has room for the restored copy")
                .command(repo.commandLine("stats", "--json", snap.shortId()) + "; df " + storage.root())
                .action(ctx -> {
                    long need = repo.restoreSize(snap.id());
                    // the database files take about as much again as its dump; keep a margin for live
                    long wanted = need * 2 + 256L * 1024 * 1024;
                    long free = storage.usage().freeBytes();
                    ctx.output("restore size " + need + " bytes; the pool has " + free + " bytes free; " + wanted + " wanted");
                    if (free < wanted) {
                        throw new MoodlectlException(ExitCode.NO_SPACE, "the pool has " + free / 1048576 + " MiB free; restoring backup "
                                + snap.shortId() + " needs about " + wanted / 1048576 + " MiB (files, database, a margin for live)",
                                "free space in the pool (moodlectl site tidy, snapshot delete) and try again");
                    }
                    return null;
                }));
        Environment provisional = new Environment(id, role, null, null, null, null, null, Instant.now(), Instant.now());
        String volumeName = provisional.volume(site);
        Path volume = factory.volumePath(provisional);
        Step<io.moodlectl.storage.Volume> create = Step.named("create-volume").describe("Create the pool volume " + volumeName)
                .action(ctx -> storage.createVolume(volumeName));
        op.run(keepUndos ? create.undo(() -> storage.delete(volumeName)) : create);
        op.run(Step.named("restic-restore").describe("Restore backup " + snap.shortId() + " (code, moodledata, dump, manifest)")
                .command(repo.commandLine("restore", snap.shortId(), "--target", volume + "/restore")
                        + " && mv restore/code restore/moodledata restore/backup .")
                .action(ctx -> {
                    Path target = volume.resolve("restore");
                    repo.restore(snap.id(), target, null);
                    for (String p : PATHS) {
                        if (!Files.exists(target.resolve(p))) {
                            throw new MoodlectlException(ExitCode.FAILED, "backup " + snap.shortId() + " holds no " + p + "/",
                                    "it was not made by `moodlectl backup create`");
                        }
                        Files.move(target.resolve(p), volume.resolve(p));
                    }
                    EnvironmentFactory.deleteTree(target);
                    for (String d : BackupManifest.MOODLEDATA_EXCLUDED) {
                        Files.createDirectories(volume.resolve("moodledata").resolve(d));
                    }
                    List<String> chown = new ArrayList<>(List.of("chown", EnvironmentFactory.WEB_UID + ":" + EnvironmentFactory.WEB_UID));
                    BackupManifest.MOODLEDATA_EXCLUDED.forEach(d -> chown.add(volume.resolve("moodledata").resolve(d).toString()));
                    ShellCommand.of(chown).check();
                    ctx.output("restored " + String.join(", ", PATHS));
                    return null;
                }));
        BackupManifest manifest = readManifest(volume);
        Environment env = new Environment(id, role, null, manifest.generation(), manifest.ref(), manifest.commit(),
                manifest.release(), Instant.now(), Instant.now());
        SiteImages images = SiteImages.of(spec, manifest.generation(), host.images());
        images.requirePresent(host.images(), host.connection().images());
        factory.writeConfig(op, env, role == Role.RETIRED ? Role.STAGING : role);
        steps.removeMaintenanceFile(op, env, "a backup taken during maintenance carries it");
        factory.createNetwork(op, env);
        factory.startDatabase(op, env, images, true);
        DatabaseEngine engine = factory.engine();
        String db = env.dbContainer(site);
        op.run(Step.named("load-database").describe("Load the backup's database dump into the fresh " + engine.name())
                .command("podman exec -i " + db + " " + (engine.name().equals("postgres") ? "psql moodle" : "mariadb moodle")
                        + " < " + volume.resolve(DUMP))
                .action(ctx -> {
                    engine.restore(host.runtime(), db, factory.credentials(), volume.resolve(DUMP));
                    return null;
                }));
        // measured before the web server starts: its first pages and the checks write log rows
        List<String> diffs = op.run(Step.named("compare-manifest")
                .describe("Compare the restored copy with the backup's manifest: versions, add-ons, row counts, moodledata")
                .action(ctx -> {
                    BackupManifest.Measured m = BackupManifest.measure(host.runtime(), engine, db, factory.credentials(),
                            spec.prefix(), volume.resolve("code"), volume.resolve("moodledata"));
                    List<String> d = manifest.differences(m);
                    ctx.output(d.isEmpty() ? "equal: " + m.tableRows().size() + " tables, " + m.moodledataFiles()
                            + " moodledata files, core " + m.coreVersion() + ", " + m.plugins().size() + " add-on versions" : d.size() + " differences");
                    d.forEach(x -> ctx.output("  " + x));
                    return d;
                }));
        factory.startWeb(op, env, images);
        String wwwroot = role == Role.LIVE || spec.previewWwwroot() == null ? spec.wwwroot() : spec.previewWwwroot();
        List<Rehearsal.Check> checks = op.run(Step.named("checks").describe("Check the restored copy: login page, checks.php, database schema")
                .action(ctx -> {
                    List<Rehearsal.Check> all = new ArrayList<>();
                    all.add(steps.loginPage(env, wwwroot, Duration.ofSeconds(30)));
                    all.addAll(steps.moodleChecks(env));
                    all.add(new Rehearsal.Check("matches the backup's manifest", diffs.isEmpty() ? 0 : 1, diffs.isEmpty(),
                            diffs.isEmpty() ? "versions, row counts, moodledata files and size equal" : diffs.size() + " differences"));
                    all.forEach(c -> ctx.output((c.passed() ? "ok     " : "FAILED ") + c.name() + ": " + c.summary()));
                    return all;
                }));
        return new Drill(env, manifest, checks, diffs);
    }

    private static BackupManifest readManifest(Path volume) {
        try {
            return MAPPER.readValue(volume.resolve(MANIFEST).toFile(), BackupManifest.class);
        } catch (IOException e) {
            throw new MoodlectlException(ExitCode.FAILED, "the backup's manifest cannot be read: " + e.getMessage(),
                    "the backup was not made by `moodlectl backup create`, or it is damaged: moodlectl backup verify");
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** The repository, its password file, and whether the password was generated by moodlectl. */
    record Resolved(ResticRepository repo, Path passwordFile, boolean generatedPassword) {
    }

    SiteSpec.Backup backupOf(String site, SiteSpec recorded, Path siteFile) {
        SiteSpec spec = recorded;
        if (siteFile != null) {
            spec = SiteFile.read(siteFile);
            if (!spec.name().equals(site)) {
                throw MoodlectlException.invalid(siteFile + " is the site file of " + spec.name() + ", not " + site,
                        "give the site file of " + site);
            }
        }
        if (spec.backup() == null) {
            throw new MoodlectlException(ExitCode.NOT_READY, "site " + site + " has no backup: key in its site file",
                    "add backup: {repository: /srv/backups/" + site + "} to the site file and pass it with -f site.yaml");
        }
        return spec.backup();
    }

    Resolved repository(String site, SiteSpec.Backup b) {
        Path passwordFile;
        boolean generated = false;
        if (b.passwordFile() != null) {
            passwordFile = b.passwordFile();
            try {
                String pw = Files.readString(passwordFile).strip();
                if (pw.isEmpty()) {
                    throw MoodlectlException.invalid("the backup password file " + passwordFile + " is empty",
                            "write the repository's password into it (mode 0600)");
                }
                Redactor.register(pw);
            } catch (IOException e) {
                throw MoodlectlException.notFound("cannot read the backup password file " + passwordFile + ": " + e.getMessage(),
                        "check backup: password-file in the site file");
            }
        } else {
            String name = site + "/backup";
            generated = host.secrets().get(name).isEmpty();
            host.secrets().getOrCreate(name);
            passwordFile = host.secrets().file(name);
        }
        List<String> options = new ArrayList<>();
        if (b.repository().startsWith("sftp:") && (b.sshIdentity() != null || b.sshPort() != 0)) {
            String target = b.repository().substring("sftp:".length());
            target = target.substring(0, target.indexOf(':'));
            StringBuilder ssh = new StringBuilder("ssh");
            if (b.sshIdentity() != null) {
                ssh.append(" -i ").append(b.sshIdentity());
            }
            if (b.sshPort() != 0) {
                ssh.append(" -p ").append(b.sshPort());
            }
            ssh.append(" -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=")
                    .append(host.state().root().resolve("backup-known_hosts"));
            ssh.append(' ').append(target).append(" -s sftp");
            options.add("sftp.command=" + ssh);
        }
        Path cache = host.state().cache().resolve("restic");
        return new Resolved(new ResticRepository(b.repository(), passwordFile, cache, options), passwordFile, generated);
    }

    private static boolean openRepository(Operation op, ResticRepository repo) {
        return op.run(Step.named("open-repository").describe("Open the restic repository " + repo.location() + " (made if missing)")
                .command(repo.commandLine("cat", "config") + " >/dev/null || " + repo.commandLine("init"))
                .action(ctx -> {
                    if (repo.exists()) {
                        ctx.output("the repository answers");
                        return false;
                    }
                    repo.init();
                    ctx.output("a new repository was made at " + repo.location());
                    return true;
                }));
    }

    private static void requireExists(ResticRepository repo) {
        if (!repo.exists()) {
            throw MoodlectlException.notFound("no restic repository at " + repo.location() + " yet",
                    "make the first backup: moodlectl backup create <site>");
        }
    }

    /** Removes what an interrupted earlier run left of a temporary environment (containers, network, volume). */
    private void removeLeftover(Operation op, SiteSpec spec, Environment temp) {
        String site = spec.name();
        boolean volume = host.storage().find(temp.volume(site)).isPresent();
        boolean containers = host.runtime().inspect(temp.dbContainer(site)).isPresent()
                || host.runtime().inspect(temp.webContainer(site)).isPresent();
        if (!volume && !containers && !host.runtime().networkExists(temp.network(site))) {
            return;
        }
        op.run(Step.named("remove-leftover").describe("Remove " + temp.volume(site) + ", left by an interrupted earlier run")
                .action(ctx -> {
                    new EnvironmentRemoval(host, spec).remove(temp);
                    return null;
                }));
    }

    private static ResticRepository.Snapshot find(ResticRepository repo, String site, String backupId) {
        List<ResticRepository.Snapshot> all = repo.snapshots(List.of("site=" + site));
        if (all.isEmpty()) {
            throw MoodlectlException.notFound("site " + site + " has no backup in " + repo.location(),
                    "make one: moodlectl backup create " + site);
        }
        if (backupId == null || backupId.equals("latest")) {
            return all.get(all.size() - 1);
        }
        List<ResticRepository.Snapshot> match = all.stream().filter(s -> s.id().startsWith(backupId)).toList();
        if (match.size() != 1) {
            throw MoodlectlException.notFound((match.isEmpty() ? "no backup " : "more than one backup starts with ") + backupId
                    + " for " + site, "list them: moodlectl backup list " + site);
        }
        return match.get(0);
    }

    private static BackupInfo info(ResticRepository.Snapshot s) {
        return new BackupInfo(s.id(), s.shortId(), s.time(), s.tag("env"), s.tag("moodle"), s.tags());
    }

    private static String dumpCommand(DatabaseEngine engine) {
        return engine.name().equals("postgres") ? "pg_dump moodle" : "mariadb-dump --single-transaction moodle";
    }

    static String releaseNumber(String release) {
        if (release == null) {
            return "unknown";
        }
        int sp = release.indexOf(' ');
        return (sp < 0 ? release : release.substring(0, sp)).replace(',', '.');
    }

    /** The last {@code n} non-blank lines of a text, joined with " | ". */
    static String lastLines(String s, int n) {
        List<String> lines = s.strip().lines().filter(l -> !l.isBlank()).toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }
}
