package io.moodlectl.upgrade;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.host.Host;
import io.moodlectl.proxy.FrontProxy;
import io.moodlectl.proxy.ProxyState;
import io.moodlectl.proxy.Slot;
import io.moodlectl.release.ReleaseResolver;
import io.moodlectl.release.ResolvedRelease;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * `promote`: blue-green promotion of the rehearsed release. Live is never changed: its copy is upgraded behind the
 * maintenance page, health-checked, and only then given the traffic. Any failure reverts by itself: the proxy keeps
 * (or goes back to) the old live, maintenance ends, the failed copy is kept for inspection.
 */
public final class PromoteService {
    private final Host host;
    private final SiteStore store;

    public PromoteService(Host host) {
        this.host = host;
        this.store = new SiteStore(host.state());
    }

    public PromotionReport promote(String site, Duration watch) {
        PromotionReport report;
        try (SiteLock lock = SiteLock.acquire(host, site)) {
            report = promoteLocked(site);
        }
        if (watch.isZero()) {
            return report;
        }
        PromotionReport.WatchResult w = new Watch(host).watch(site, watch);
        return new PromotionReport(report.site(), report.operation(), report.from(), report.to(), report.release(),
                report.windowSeconds(), report.upgradeSeconds(), report.switchSeconds(), report.window(),
                report.forecastSeconds(), w);
    }

    /** The promotion itself, with the site's lock held (also run by `ops resume`). */
    PromotionReport promoteLocked(String site) {
        new TidyService(host).tidyLocked(site, false);
        SiteState state = store.get(site);
        Rehearsal rehearsal = StageService.lastRehearsal(store, site)
                .orElseThrow(() -> StageService.notStaged(site, "site " + site + " has no rehearsal to promote"));
        if (!rehearsal.passed()) {
            throw new MoodlectlException(ExitCode.REFUSED, "the rehearsal of " + rehearsal.release() + " failed its checks",
                    "see `moodlectl ops show " + rehearsal.operation() + "`, fix the cause and stage again");
        }
        Environment live = SiteService.select(state, "live");
        if (!live.id().equals(rehearsal.liveEnvironment())) {
            throw new MoodlectlException(ExitCode.REFUSED, "live changed since the rehearsal (it was " + rehearsal.liveEnvironment()
                    + ", it is " + live.id() + ")", "stage again: moodlectl stage " + site);
        }
        SiteSpec current = store.spec(site);
        SiteSpec target = StageService.stagedSpec(store, rehearsal);
        ResolvedRelease release = new ReleaseResolver(host.state().cache().resolve("git")).resolve(target);
        if (!release.commit().equals(rehearsal.commit())) {
            throw new MoodlectlException(ExitCode.REFUSED, rehearsal.ref() + " now points at " + release.commit().substring(0, 7)
                    + ", the rehearsal ran " + rehearsal.commit().substring(0, 7), "stage again: moodlectl stage " + site);
        }
        SiteImages images = SiteImages.of(target, rehearsal.generation(), host.images());
        images.requirePresent(host.images(), host.connection().images());
        FrontProxy proxy = host.proxy();
        Slot liveSlot = proxy.state(site).live().orElse(live.slot() == null ? Slot.BLUE : live.slot());
        Slot newSlot = liveSlot.other();
        Environment env = new Environment(state.nextEnvironmentId(), Role.LIVE, newSlot, rehearsal.generation(), rehearsal.ref(),
                release.commit(), release.version().release(), Instant.now(), Instant.now());
        UpgradeSteps steps = new UpgradeSteps(host, target);
        EnvironmentFactory factory = steps.factory().keepingFailures();
        EnvironmentFactory liveFactory = new EnvironmentFactory(host, current);
        Path liveMaintenance = liveFactory.volumePath(live).resolve("moodledata/climaintenance.html");
        List<PromotionReport.StepTime> window = new ArrayList<>();

        try (Operation op = host.operations().begin("promote", site, "Promote " + site + " from " + live.release()
                + " (" + live.id() + ") to " + release.describe() + " (" + env.id() + ")")) {
            // what `ops abort/resume`, the guardian and `host up` need if this process dies (its undos die with it)
            op.fact(Recovery.LIVE, live.id());
            op.fact(Recovery.LIVE_SLOT, liveSlot.id());
            op.fact(Recovery.NEW, env.id());
            op.fact(Recovery.NEW_SLOT, newSlot.id());
            Guardian.spawn(host, op);
            Optional<Environment> staging = state.withRole(Role.STAGING);
            if (staging.isPresent()) {
                op.run(Step.named("remove-staging").describe("Remove the rehearsal copy " + staging.get().id() + " (its job is done)")
                        .action(ctx -> {
                            if (target.previewPort() != 0) {
                                proxy.setPreview(site, Optional.empty());
                            }
                            new EnvironmentRemoval(host, current).remove(staging.get());
                            store.save(store.get(site).without(staging.get().id()));
                            return null;
                        }));
            }
            steps.factory().prepareCode(op, live, release);
            op.onRevert("record " + env.id() + " as failed (kept for inspection)", () -> {
                if (Files.isDirectory(factory.volumePath(env))) {
                    store.save(store.get(site).with(env.withRole(Role.FAILED, null)));
                } else {
                    // nothing was copied yet: nothing to inspect, so what was made for it (its network) goes
                    new EnvironmentRemoval(host, target).remove(env);
                }
            });

            // The new side's network does not depend on the snapshot: made before the window.
            factory.createNetwork(op, env);
            Optional<io.moodlectl.proxy.Target> newSlotBefore = Optional.ofNullable(proxy.state(site).slots().get(newSlot))
                    .flatMap(ProxyState.SlotState::target);

            // ---- the window: from the first maintenance response to the first page from the new side
            long t0 = System.nanoTime();
            timed(window, "maintenance-on", () -> op.run(Step.named("maintenance-on")
                    .describe("Front proxy answers 503 + Retry-After; Moodle's maintenance file stops cron on live")
                    .command("echo 'set map …maintenance… on' | socat - admin.sock; touch moodledata/climaintenance.html")
                    .action(ctx -> {
                        proxy.setMaintenance(site, true);
                        Files.writeString(liveMaintenance, MAINTENANCE_PAGE);
                        host.runtime().stop(live.cronContainer(site), CRON_STOP);
                        return null;
                    })
                    .undo(() -> {
                        try {
                            Files.deleteIfExists(liveMaintenance);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        host.runtime().start(live.cronContainer(site));
                        // live's health checks failed while Moodle's maintenance file was there: wait until it is UP
                        // again before the maintenance page ends (switchTo does both), so no request meets a 503
                        proxy.switchTo(site, liveSlot, Duration.ofSeconds(60));
                    })));
            timed(window, "snapshot-live", () -> steps.cloneLive(op, live, env, true));
            timed(window, "swap-code", () -> {
                factory.swapCode(op, env);
                factory.writeConfig(op, env, Role.LIVE);
            });
            timed(window, "start-containers", () -> {
                // web does not need the database to start: it starts while MariaDB/PostgreSQL recovers the snapshot
                factory.launchDatabase(op, env, images, false);
                factory.startWeb(op, env, images);
                factory.awaitDatabase(op, env);
                attachProxy(op, proxy, site, newSlot, SiteService.webTarget(target, env), newSlotBefore);
            });
            double upgrade = steps.runUpgrade(op, env, release);
            window.add(new PromotionReport.StepTime("upgrade", upgrade));
            timed(window, "apply-settings", () -> SiteService.applySettings(op, factory, target, env));
            timed(window, "health-check", () -> {
                steps.removeMaintenanceFile(op, env, "the snapshot carried live's");
                op.run(Step.named("health-check").describe("Check the new side before it gets traffic (and warm its first pages)")
                        .action(ctx -> {
                            Rehearsal.Check c = steps.loginPage(env, target.wwwroot(), Duration.ofSeconds(30));
                            ctx.output(c.name() + ": " + c.summary());
                            if (!c.passed()) {
                                throw new MoodlectlException(ExitCode.UNHEALTHY, "the new side's login page answers " + c.summary(),
                                        "the old live serves again; inspect " + env.id() + ": moodlectl exec " + site + " --env " + env.id() + " -- …");
                            }
                            return null;
                        }));
            });
            long logMark = new WritesSince(host, target).logMaxId(env);
            op.fact(Recovery.LOG_MARK, Long.toString(logMark));
            double switchSeconds = timed(window, "switch", () -> op.run(Step.named("switch")
                    .describe("Switch the front proxy to " + env.id() + " (" + newSlot.id() + ") once it is UP; this ends the maintenance page")
                    .command("echo 'set server live/" + newSlot.id() + " weight 100; set server live/" + liveSlot.id() + " weight 0' | socat - admin.sock")
                    .action(ctx -> {
                        proxy.switchTo(site, newSlot, Duration.ofSeconds(60));
                        return null;
                    })
                    .undo(() -> proxy.switchTo(site, liveSlot, Duration.ofSeconds(60)))));
            double windowSeconds = (System.nanoTime() - t0) / 1e9;
            // ---- after the window
            op.run(Step.named("after-switch").describe("Start cron on " + env.id() + "; keep " + live.id() + " as standby")
                    .action(ctx -> {
                        afterSwitch(op, new Switched(site, rehearsal, current, target, live, liveSlot, env, logMark, images));
                        return null;
                    }));
            op.fact("downtime window", String.format("%.1f s", windowSeconds));
            op.fact("upgrade.php", String.format("%.1f s", upgrade));
            op.fact("overhead", String.format("%.1f s", windowSeconds - upgrade));
            op.succeed();
            return new PromotionReport(site, op.id(), live.id(), env.id(), release.describe(), windowSeconds, upgrade,
                    switchSeconds, window, rehearsal.forecastSeconds(), null);
        }
    }

    /** What the end of a promotion needs once the proxy has switched (also rebuilt from the journal by `ops resume`). */
    record Switched(String site, Rehearsal rehearsal, SiteSpec current, SiteSpec target, Environment live, Slot liveSlot,
                    Environment env, long logMark, SiteImages images) {
    }

    /**
     * After the switch: cron on the new side, live's maintenance file and the code folders the window left removed,
     * the old live recorded as standby, the site file following the promoted release. Safe to run again.
     */
    void afterSwitch(Operation op, Switched s) throws java.io.IOException {
        EnvironmentFactory factory = new UpgradeSteps(host, s.target()).factory();
        EnvironmentFactory liveFactory = new EnvironmentFactory(host, s.current());
        String cron = s.env().cronContainer(s.site());
        if (host.runtime().inspect(cron).isPresent()) {
            host.runtime().remove(cron); // an earlier, interrupted run made it
        }
        factory.startCron(op, s.env(), s.images());
        Files.deleteIfExists(liveFactory.volumePath(s.live()).resolve("moodledata/climaintenance.html"));
        EnvironmentFactory.deleteTree(factory.volumePath(s.env()).resolve("code.prev"));
        EnvironmentFactory.deleteTree(liveFactory.volumePath(s.live()).resolve("code.next"));
        SiteState state = store.get(s.site()).with(s.env()).with(s.live().withRole(Role.STANDBY, s.liveSlot()))
                .withSwitch(new SiteState.SwitchMark(Instant.now(), s.live().id(), s.env().id(), s.logMark()));
        store.save(state);
        Path dir = store.dir(s.site());
        if (s.rehearsal().siteFileChanged()) {
            if (Files.isRegularFile(dir.resolve("staged-site.yaml"))) {
                Files.move(dir.resolve("staged-site.yaml"), dir.resolve("site.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } else if (!s.target().moodle().ref().equals(s.current().moodle().ref())) {
            rewriteRef(dir.resolve("site.yaml"), s.current().moodle().ref(), s.target().moodle().ref());
        }
        Files.deleteIfExists(dir.resolve("rehearsal.json"));
    }

    /**
     * Points the new slot at the new web container (weight 0, health down until a check passes: no request goes there)
     * long before the switch, so the proxy has joined its network and checked it by then; the switch only moves the
     * weights. The undo puts back what the slot had (or empties it).
     */
    private static void attachProxy(Operation op, FrontProxy proxy, String site, Slot slot, io.moodlectl.proxy.Target target,
                                    Optional<io.moodlectl.proxy.Target> before) {
        op.run(Step.named("attach-proxy")
                .describe("Point the proxy's " + slot.id() + " slot at " + target.container()
                        + " (weight 0, health-checked; it gets traffic only at the switch)")
                .command("echo 'set server live/" + slot.id() + " addr …; set server live/" + slot.id() + " state ready; "
                        + "set server live/" + slot.id() + " health down' | socat - admin.sock")
                .action(ctx -> {
                    proxy.setBackend(site, slot, target);
                    return null;
                })
                .undo(() -> {
                    if (before.isPresent()) {
                        try {
                            proxy.setBackend(site, slot, before.get());
                            return;
                        } catch (MoodlectlException e) {
                            // its container is gone: leave the slot empty
                        }
                    }
                    proxy.clearBackend(site, slot);
                }));
    }

    /** The cron loop ends on SIGTERM at once; it is killed after this. */
    private static final Duration CRON_STOP = Duration.ofSeconds(1);

    /** moodle.ref in the kept site file follows a --ref promotion. */
    static void rewriteRef(Path siteYaml, String from, String to) throws java.io.IOException {
        String text = Files.readString(siteYaml);
        String changed = text.replaceFirst("(?m)^(\\s*ref:\\s*)['\"]?" + java.util.regex.Pattern.quote(from) + "['\"]?\\s*$",
                "$1" + to);
        if (changed.equals(text)) {
            changed = text.replace("ref: " + from, "ref: " + to);
        }
        Files.writeString(siteYaml, changed);
    }

    static final String MAINTENANCE_PAGE = "<!DOCTYPE html><html><head><title>Maintenance</title></head>"
            + "<body><h1>This site is being upgraded</h1><p>Please try again in a minute.</p></body></html>\n";

    private static double timed(List<PromotionReport.StepTime> window, String name, Runnable r) {
        long t = System.nanoTime();
        r.run();
        double s = (System.nanoTime() - t) / 1e9;
        window.add(new PromotionReport.StepTime(name, s));
        return s;
    }
}
