package io.moodlectl.upgrade;

import io.moodlectl.error.MoodlectlException;
import io.moodlectl.host.Host;
import io.moodlectl.moodle.CoreVersion;
import io.moodlectl.proxy.Slot;
import io.moodlectl.site.Environment;
import io.moodlectl.site.EnvironmentFactory;
import io.moodlectl.site.Role;
import io.moodlectl.site.SiteImages;
import io.moodlectl.site.SiteLock;
import io.moodlectl.site.SiteService;
import io.moodlectl.site.SiteSpec;
import io.moodlectl.site.SiteState;
import io.moodlectl.site.SiteStore;
import io.moodlectl.storage.StorageDriver;
import io.moodlectl.workflow.Operation;
import io.moodlectl.workflow.Step;

import java.time.Duration;
import java.time.Instant;

/**
 * `snapshot restore`: a site version comes back as live through the promotion machinery: a new environment cloned from
 * the snapshot, started, health-checked, switched to; the current live becomes standby (rollback undoes the restore).
 */
public final class RestoreService {
    private final Host host;
    private final SiteStore store;

    public RestoreService(Host host) {
        this.host = host;
        this.store = new SiteStore(host.state());
    }

    public PromotionReport restore(String site, String snapshot) {
        try (SiteLock lock = SiteLock.acquire(host, site)) {
            SiteState state = store.get(site);
            SiteSpec spec = store.spec(site);
            StorageDriver storage = host.storage();
            String snapVolume = site + "@" + snapshot;
            if (storage.find(snapVolume).isEmpty()) {
                throw MoodlectlException.notFound("site " + site + " has no snapshot " + snapshot, "list them: moodlectl snapshot list " + site);
            }
            Environment live = SiteService.select(state, "live");
            Slot liveSlot = host.proxy().state(site).live().orElse(Slot.BLUE);
            Slot newSlot = liveSlot.other();
            CoreVersion v = CoreVersion.read(storage.root().resolve(snapVolume).resolve("code"));
            Environment env = new Environment(state.nextEnvironmentId(), Role.LIVE, newSlot, live.generation(), "snapshot " + snapshot,
                    null, v.release(), Instant.now(), Instant.now());
            EnvironmentFactory factory = new EnvironmentFactory(host, spec).keepingFailures();
            SiteImages images = SiteImages.of(spec, live.generation(), host.images());
            UpgradeSteps steps = new UpgradeSteps(host, spec);
            try (Operation op = host.operations().begin("restore", site, "Restore snapshot " + snapshot + " of " + site + " as " + env.id())) {
                op.run(Step.named("clone-snapshot").describe("Writable copy of " + snapVolume + " as " + env.volume(site))
                        .action(ctx -> storage.clone(snapVolume, env.volume(site))));
                op.onRevert("record " + env.id() + " as failed", () -> store.save(store.get(site).with(env.withRole(Role.FAILED, null))));
                factory.writeConfig(op, env, Role.LIVE);
                steps.removeMaintenanceFile(op, env, "a snapshot taken during maintenance carries it");
                factory.createNetwork(op, env);
                factory.startDatabase(op, env, images, false);
                factory.startWeb(op, env, images);
                op.run(Step.named("health-check").describe("Check " + env.id() + " before it gets traffic").action(ctx -> {
                    var c = steps.loginPage(env, spec.wwwroot(), Duration.ofSeconds(30));
                    if (!c.passed()) {
                        throw new MoodlectlException(io.moodlectl.error.ExitCode.UNHEALTHY, "the restored copy answers " + c.summary(),
                                "the current live keeps serving; inspect " + env.id());
                    }
                    return null;
                }));
                long t = System.nanoTime();
                long mark = new WritesSince(host, spec).logMaxId(env);
                op.run(Step.named("switch").describe("Switch the front proxy to " + env.id()).action(ctx -> {
                    host.proxy().setBackend(site, newSlot, SiteService.webTarget(spec, env));
                    host.proxy().switchTo(site, newSlot, Duration.ofSeconds(60));
                    return null;
                }));
                double sw = (System.nanoTime() - t) / 1e9;
                op.run(Step.named("after-switch").describe("Cron moves to " + env.id() + "; " + live.id() + " becomes standby").action(ctx -> {
                    host.runtime().stop(live.cronContainer(site), Duration.ofSeconds(5));
                    factory.startCron(op, env, images);
                    store.save(store.get(site).with(env).with(live.withRole(Role.STANDBY, liveSlot))
                            .withSwitch(new SiteState.SwitchMark(Instant.now(), live.id(), env.id(), mark)));
                    return null;
                }));
                op.succeed();
                return new PromotionReport(site, op.id(), live.id(), env.id(), v.release() + " from snapshot " + snapshot,
                        sw, 0, sw, java.util.List.of(new PromotionReport.StepTime("switch", sw)), null, null);
            }
        }
    }
}
