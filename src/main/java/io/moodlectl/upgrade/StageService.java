package io.moodlectl.upgrade;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.host.Host;
import io.moodlectl.host.StateDir;
import io.moodlectl.proxy.Target;
import io.moodlectl.site.Environment;
import io.moodlectl.site.EnvironmentFactory;
import io.moodlectl.site.Role;
import io.moodlectl.site.SiteImages;
import io.moodlectl.site.SiteLock;
import io.moodlectl.site.SiteService;
import io.moodlectl.site.SiteSpec;
import io.moodlectl.site.SiteState;
import io.moodlectl.site.SiteStore;
import io.moodlectl.workflow.Operation;
import io.moodlectl.workflow.Step;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * `stage`: rehearse an upgrade on a copy-on-write copy of live while live keeps serving, and report what the promotion
 * will do: its forecast downtime, the settings the upgrade adds, plugin changes, check results.
 */
public final class StageService {
    static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);
    private final Host host;
    private final SiteStore store;

    public StageService(Host host) {
        this.host = host;
        this.store = new SiteStore(host.state());
    }

    public Rehearsal stage(String site, UpgradeTarget target) {
        try (SiteLock lock = SiteLock.acquire(host, site)) {
            return stageLocked(site, target);
        }
    }

    /** The rehearsal itself, with the site's lock held (also run by `ops resume`). */
    Rehearsal stageLocked(String site, UpgradeTarget target) {
        {
            new TidyService(host).tidyLocked(site, false);
            SiteState state = store.get(site);
            SiteSpec current = store.spec(site);
            SiteSpec wanted = target.resolve(current);
            UpgradeCheck.Checked checked = new UpgradeCheck(host).check(current, state, wanted);
            UpgradeCheck.requireOk(checked.result());
            Environment live = SiteService.select(state, "live");
            String generation = checked.result().generation();
            SiteImages images = SiteImages.of(wanted, generation, host.images());
            images.requirePresent(host.images(), host.connection().images());
            Environment env = new Environment(state.nextEnvironmentId(), Role.STAGING, null, generation, wanted.moodle().ref(),
                    checked.release().commit(), checked.release().version().release(), Instant.now(), Instant.now());
            UpgradeSteps steps = new UpgradeSteps(host, wanted);
            EnvironmentFactory factory = steps.factory();
            Map<String, Double> timings = new LinkedHashMap<>();
            try (Operation op = host.operations().begin("stage", site, "Rehearse the upgrade of " + site + " from "
                    + live.release() + " to " + checked.release().describe())) {
                // what `ops abort/resume` need if this process dies
                op.fact(Recovery.NEW, env.id());
                if (target.siteFile() != null) {
                    op.fact(Recovery.SITE_FILE, target.siteFile().toAbsolutePath().normalize().toString());
                }
                if (target.ref() != null) {
                    op.fact(Recovery.REF, target.ref());
                }
                new EnvironmentRemoval(host, current).removeOldStaging(op, store, state);
                timed(timings, "snapshot-live", () -> steps.cloneLive(op, live, env));
                op.run(Step.named("record-staging").describe("Record " + env.id() + " as the staging copy")
                        .action(ctx -> {
                            store.save(store.get(site).with(env));
                            return null;
                        })
                        .undo(() -> store.save(store.get(site).without(env.id()))));
                factory.installCode(op, env, checked.release());
                factory.writeConfig(op, env, Role.STAGING);
                steps.removeMaintenanceFile(op, env, "carried over by the snapshot");
                factory.createNetwork(op, env);
                timed(timings, "start-database", () -> factory.startDatabase(op, env, images, false));
                timed(timings, "start-web", () -> factory.startWeb(op, env, images));
                MoodleConfigSnapshot before = MoodleConfigSnapshot.read(host, factory, env);
                double upgrade = steps.runUpgrade(op, env, checked.release());
                timings.put("upgrade", upgrade);
                timed(timings, "apply-settings", () -> SiteService.applySettings(op, factory, wanted, env));
                MoodleConfigSnapshot after = MoodleConfigSnapshot.read(host, factory, env);
                if (wanted.previewPort() != 0) {
                    op.run(Step.named("open-preview").describe("Open the preview address " + wanted.previewWwwroot() + " on " + env.id())
                            .action(ctx -> {
                                host.proxy().setPreview(site, Optional.of(new Target(env.webContainer(site), env.network(site), 80)));
                                return null;
                            })
                            .undo(() -> host.proxy().setPreview(site, Optional.empty())));
                }
                List<Rehearsal.Check> checks = op.run(Step.named("checks").describe("Check the copy: login page, checks.php, database schema")
                        .action(ctx -> {
                            List<Rehearsal.Check> all = new java.util.ArrayList<>();
                            all.add(steps.loginPage(env, wanted.previewWwwroot() != null ? wanted.previewWwwroot() : wanted.wwwroot(),
                                    Duration.ofSeconds(30)));
                            all.addAll(steps.moodleChecks(env));
                            all.forEach(c -> ctx.output((c.passed() ? "ok     " : "FAILED ") + c.name() + ": " + c.summary()));
                            return all;
                        }));
                boolean passed = checks.stream().allMatch(Rehearsal.Check::passed);
                double forecast = timings.values().stream().mapToDouble(Double::doubleValue).sum() + 1.0;
                Rehearsal r = new Rehearsal(site, op.id(), Instant.now(), live.id(), env.id(), live.release(), wanted.moodle().ref(),
                        checked.release().commit(), checked.release().version().release(), generation, passed, timings, upgrade,
                        forecast, after.added(before), after.pluginChanges(before), checks, wanted.previewWwwroot(),
                        target.siteFile() != null);
                op.run(Step.named("write-report").describe("Write the rehearsal report")
                        .action(ctx -> {
                            save(r, target);
                            return null;
                        }));
                op.fact("forecast downtime", String.format("%.1f s", forecast));
                op.fact("upgrade.php", String.format("%.1f s", upgrade));
                op.fact("passed", String.valueOf(passed));
                op.succeed();
                return r;
            }
        }
    }

    private static void timed(Map<String, Double> timings, String name, Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        timings.put(name, (System.nanoTime() - t0) / 1e9);
    }

    private void save(Rehearsal r, UpgradeTarget target) throws IOException {
        Path dir = store.dir(r.site());
        StateDir.writeAtomically(dir.resolve("rehearsal.json"), MAPPER.writeValueAsString(r));
        Path staged = dir.resolve("staged-site.yaml");
        if (target.siteFile() != null) {
            String text = Files.readString(target.siteFile());
            StateDir.writeAtomically(staged, "# moodlectl: copied from " + target.siteFile().toAbsolutePath().normalize() + "\n" + text);
        } else {
            Files.deleteIfExists(staged);
        }
    }

    /** The last rehearsal of a site, if any. */
    public static Optional<Rehearsal> lastRehearsal(SiteStore store, String site) {
        Path f = store.dir(site).resolve("rehearsal.json");
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(MAPPER.readValue(f.toFile(), Rehearsal.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The spec a rehearsal staged: the staged site file, or the site's own with the rehearsed ref. */
    public static SiteSpec stagedSpec(SiteStore store, Rehearsal r) {
        Path staged = store.dir(r.site()).resolve("staged-site.yaml");
        if (r.siteFileChanged() && Files.isRegularFile(staged)) {
            return store.specFrom(r.site(), "staged-site.yaml");
        }
        return store.spec(r.site()).withMoodleRef(r.ref());
    }

    static MoodlectlException notStaged(String site, String why) {
        return new MoodlectlException(io.moodlectl.error.ExitCode.NOT_READY, why,
                "rehearse it first: moodlectl stage " + site + " [-f site.yaml | --ref REF]");
    }

    static Duration seconds(double s) {
        return Duration.ofMillis((long) (s * 1000));
    }
}
