package io.moodlectl.upgrade;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.host.Host;
import io.moodlectl.proxy.Slot;
import io.moodlectl.runtime.ContainerRuntime;
import io.moodlectl.runtime.Readiness;
import io.moodlectl.site.Environment;
import io.moodlectl.site.EnvironmentFactory;
import io.moodlectl.site.Role;
import io.moodlectl.site.SiteLock;
import io.moodlectl.site.SiteService;
import io.moodlectl.site.SiteSpec;
import io.moodlectl.site.SiteState;
import io.moodlectl.site.SiteStore;
import io.moodlectl.workflow.Operation;
import io.moodlectl.workflow.Step;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;

/**
 * `rollback`: switch back to the standby (starting it first if it was stopped). What was written on the abandoned
 * side since the promotion is reported, and a manual rollback that would leave writes behind needs --force.
 */
public final class RollbackService {
    private final Host host;
    private final SiteStore store;

    public RollbackService(Host host) {
        this.host = host;
        this.store = new SiteStore(host.state());
    }

    public record RollbackResult(String site, String operation, String from, String to, String abandonedRole,
                                 long logRowsLeftBehind, java.util.List<String> filesLeftBehind, double switchSeconds) {
    }

    public RollbackResult rollback(String site, boolean force) {
        try (SiteLock lock = SiteLock.acquire(host, site)) {
            return rollbackLocked(site, force, false, "manual rollback");
        }
    }

    /** Called with the site's lock held; {@code automatic} marks the abandoned side failed and needs no --force. */
    RollbackResult rollbackLocked(String site, boolean force, boolean automatic, String reason) {
        SiteState state = store.get(site);
        SiteSpec spec = store.spec(site);
        Environment live = SiteService.select(state, "live");
        Environment standby = state.withRole(Role.STANDBY).orElseThrow(() -> MoodlectlException.notFound(
                "site " + site + " has no standby environment to roll back to",
                "a standby exists after a promotion until `site tidy` removes it; `moodlectl snapshot restore` brings back a snapshot"));
        EnvironmentFactory factory = new EnvironmentFactory(host, spec);
        WritesSince ws = new WritesSince(host, spec);
        SiteState.SwitchMark mark = state.lastSwitch();
        WritesSince.Writes writes = mark != null && mark.to().equals(live.id())
                ? ws.since(live, mark.logMaxId(), mark.at()) : new WritesSince.Writes(0, java.util.List.of(), "no promotion recorded");
        if (writes.any() && !force && !automatic) {
            throw new MoodlectlException(ExitCode.REFUSED, "since the promotion, " + live.id() + " received " + writes.describe()
                    + "; rolling back to " + standby.id() + " leaves them behind",
                    "add --force to roll back anyway (" + live.id() + " is kept as retired, with everything written to it)");
        }
        Slot slot = standby.slot() != null ? standby.slot() : host.proxy().state(site).live().orElse(Slot.BLUE).other();
        ContainerRuntime rt = host.runtime();
        Role abandoned = automatic ? Role.FAILED : Role.RETIRED;
        try (Operation op = host.operations().begin("rollback", site, "Roll back " + site + " from " + live.id() + " to "
                + standby.id() + " (" + reason + ")")) {
            op.run(Step.named("start-standby").describe("Make sure " + standby.id() + " is running and out of maintenance")
                    .action(ctx -> {
                        for (String c : new String[]{standby.dbContainer(site), standby.webContainer(site)}) {
                            if (!rt.inspect(c).map(x -> x.running()).orElse(false)) {
                                rt.start(c);
                                ctx.output("started " + c);
                            }
                        }
                        factory.engine().waitReady(rt, standby.dbContainer(site), Duration.ofSeconds(120));
                        Files.deleteIfExists(factory.volumePath(standby).resolve("moodledata/climaintenance.html"));
                        Readiness.await("standby web", Duration.ofSeconds(60), Duration.ofMillis(300),
                                () -> new UpgradeSteps(host, spec).loginPage(standby, spec.wwwroot()).passed());
                        return null;
                    }));
            long t = System.nanoTime();
            op.run(Step.named("switch").describe("Switch the front proxy back to " + standby.id() + " (" + slot.id() + ")")
                    .action(ctx -> {
                        host.proxy().setBackend(site, slot, SiteService.webTarget(spec, standby));
                        host.proxy().switchTo(site, slot, Duration.ofSeconds(60));
                        return null;
                    }));
            double switchSeconds = (System.nanoTime() - t) / 1e9;
            op.run(Step.named("after-switch").describe("Cron moves to " + standby.id() + "; " + live.id() + " is kept as " + abandoned.id())
                    .action(ctx -> {
                        rt.stop(live.cronContainer(site), Duration.ofSeconds(5));
                        if (rt.inspect(standby.cronContainer(site)).isPresent()) {
                            rt.start(standby.cronContainer(site));
                        } else {
                            var images = io.moodlectl.site.SiteImages.of(spec, standby.generation(), host.images());
                            factory.startCron(op, standby, images);
                        }
                        long mark2 = ws.logMaxId(standby);
                        store.save(store.get(site).with(standby.withRole(Role.LIVE, slot)).with(live.withRole(abandoned, null))
                                .withSwitch(new SiteState.SwitchMark(Instant.now(), live.id(), standby.id(), mark2)));
                        return null;
                    }));
            if (writes.any()) {
                op.fact("left behind on " + live.id(), writes.describe());
            }
            op.succeed();
            return new RollbackResult(site, op.id(), live.id(), standby.id(), abandoned.id(), writes.logRows(), writes.files(), switchSeconds);
        }
    }
}
