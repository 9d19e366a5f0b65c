package io.moodlectl.upgrade;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.host.Host;
import io.moodlectl.proxy.FrontProxy;
import io.moodlectl.proxy.ProxyState;
import io.moodlectl.proxy.Slot;
import io.moodlectl.proxy.Target;
import io.moodlectl.runtime.ContainerRuntime;
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
import io.moodlectl.workflow.OperationRecord;
import io.moodlectl.workflow.OperationStatus;
import io.moodlectl.workflow.Step;
import io.moodlectl.workflow.StepRecord;
import io.moodlectl.workflow.StepStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What is done with an operation whose process died (SIGKILL, crash, power loss), from what it left in the journal: the
 * facts it recorded as it began (environment ids, slots, its input) and which of its steps ended OK. Its in-memory
 * revert stack died with it, so each kind is recovered here by its own rules:
 * <ul>
 * <li><b>abort</b>: create → everything of the site removed; stage → the staging copy removed; promote → the old live
 * serves again (proxy out of maintenance and back on its slot, Moodle's maintenance file removed, cron started) and
 * the new environment is removed, or kept as {@code failed} (stopped) if the switch had happened, with what was written
 * to it.</li>
 * <li><b>resume</b>: promote after the switch → the tail is finished (cron on the new side, old live as standby, site
 * file); promote before the switch, stage and create → aborted as above, then run again from the start as a new
 * operation.</li>
 * <li><b>restore serving</b> (the guardian, `host up`): promote only — the side that should serve (old live before the
 * switch, new after) serves; the operation stays INTERRUPTED for an admin's resume or abort.</li>
 * </ul>
 * The interrupted operation is closed as ABORTED or RESUMED; a new operation ("abort", "resume") records what was done.
 */
public final class Recovery {
    // facts recorded by the flows as they begin
    static final String LIVE = "recovery.live";
    static final String LIVE_SLOT = "recovery.liveSlot";
    static final String NEW = "recovery.new";
    static final String NEW_SLOT = "recovery.newSlot";
    static final String LOG_MARK = "recovery.logMark";
    static final String SITE_FILE = SiteService.SITE_FILE_FACT;
    static final String REF = "recovery.ref";
    static final String GUARDIAN = "guardian";
    static final String SERVING = "recovery.serving";

    private final Host host;
    private final SiteStore store;

    public Recovery(Host host) {
        this.host = host;
        this.store = new SiteStore(host.state());
    }

    /** @param followUp the operation that re-ran the flow (resume before the point of no return), else null */
    public record Outcome(String interrupted, String kind, String site, OperationStatus closedAs, String operation,
                          String followUp, List<String> actions) {
    }

    public Outcome abort(String id) {
        return recover(id, false);
    }

    public Outcome resume(String id) {
        return recover(id, true);
    }

    private Outcome recover(String id, boolean resume) {
        String verb = resume ? "resumed" : "aborted";
        OperationRecord first = host.journal().requireInterrupted(id, verb);
        if (first.site() == null || !List.of("create", "stage", "promote").contains(first.kind())) {
            throw new MoodlectlException(ExitCode.UNSUPPORTED, "a " + first.kind() + " operation can't be " + verb
                    + " (ops resume and ops abort know create, stage and promote)",
                    "check what it left (moodlectl ops show " + first.id() + "), then close it: moodlectl ops abandon " + first.id());
        }
        try (SiteLock lock = SiteLock.acquire(host, first.site())) {
            OperationRecord op = host.journal().requireInterrupted(first.id(), verb); // checked again under the lock
            List<StepRecord> steps = host.journal().steps(op.id());
            boolean switched = ok(steps, "switch");
            List<String> actions = new ArrayList<>();
            String followUp = null;
            OperationStatus closedAs = resume ? OperationStatus.RESUMED : OperationStatus.ABORTED;
            String what = resume ? (op.kind().equals("promote") && switched ? "finish" : "revert and re-run") : "revert";
            String newId;
            try (Operation rec = host.operations().begin(resume ? "resume" : "abort", op.site(),
                    capital(what) + " the interrupted " + op.kind() + " " + op.id())) {
                rec.fact("interrupted operation", op.id());
                switch (op.kind()) {
                    case "promote" -> {
                        if (resume && switched) {
                            finishPromotion(rec, op, actions);
                        } else {
                            revertPromotion(rec, op, switched, actions);
                        }
                    }
                    case "stage" -> revertStage(rec, op, actions);
                    default -> revertCreate(rec, op, actions);
                }
                host.journal().close(op.id(), closedAs, verb + " by " + rec.id() + " (" + what + ")");
                rec.succeed();
                newId = rec.id();
            }
            if (resume && !(op.kind().equals("promote") && switched)) {
                followUp = rerun(op);
                host.journal().recordFact(newId, "re-run as", followUp);
                actions.add("re-ran " + op.kind() + " as " + followUp);
            }
            return new Outcome(op.id(), op.kind(), op.site(), closedAs, newId, followUp, actions);
        }
    }

    // ---------------------------------------------------------------- promote

    private void finishPromotion(Operation rec, OperationRecord op, List<String> actions) {
        Map<String, String> f = op.facts();
        String site = op.site();
        Optional<Rehearsal> rehearsal = StageService.lastRehearsal(store, site);
        Slot newSlot = slot(f.get(NEW_SLOT));
        rec.run(Step.named("serve-new").describe("Make sure the proxy sends everything to " + f.get(NEW) + " (" + newSlot.id() + ")")
                .action(ctx -> {
                    actions.addAll(serveSide(site, store.spec(site), f.get(NEW), newSlot, rehearsal.map(Rehearsal::generation).orElse(null)));
                    actions.forEach(ctx::output);
                    return null;
                }));
        if (rehearsal.isEmpty()) { // the tail deletes it last
            actions.add("the promotion's tail had already finished");
            return;
        }
        Rehearsal r = rehearsal.get();
        SiteState state = store.get(site);
        SiteSpec current = store.spec(site);
        SiteSpec target = StageService.stagedSpec(store, r);
        Environment live = SiteService.select(state, f.get(LIVE));
        Environment env = new Environment(f.get(NEW), Role.LIVE, newSlot, r.generation(), r.ref(), r.commit(), r.release(),
                op.started(), Instant.now());
        SiteImages images = SiteImages.of(target, r.generation(), host.images());
        long logMark = Long.parseLong(f.getOrDefault(LOG_MARK, "0"));
        PromoteService promote = new PromoteService(host);
        rec.run(Step.named("after-switch").describe("Start cron on " + env.id() + "; keep " + live.id() + " as standby")
                .action(ctx -> {
                    promote.afterSwitch(rec, new PromoteService.Switched(site, r, current, target, live, slot(f.get(LIVE_SLOT)),
                            env, logMark, images));
                    return null;
                }));
        actions.add(env.id() + " is live, " + live.id() + " standby");
    }

    private void revertPromotion(Operation rec, OperationRecord op, boolean switched, List<String> actions) {
        Map<String, String> f = op.facts();
        String site = op.site();
        if (f.get(LIVE) == null || f.get(NEW) == null) {
            rec.skip("nothing-to-revert", "The promotion had not begun changing anything", "no recovery facts recorded");
            return;
        }
        SiteSpec spec = store.spec(site);
        Slot liveSlot = slot(f.get(LIVE_SLOT));
        Slot newSlot = slot(f.get(NEW_SLOT));
        rec.run(Step.named("serve-old-live").describe("Old live " + f.get(LIVE) + " serves again: maintenance file removed, cron started, proxy back on "
                        + liveSlot.id() + " and out of maintenance")
                .action(ctx -> {
                    List<String> did = serveSide(site, spec, f.get(LIVE), liveSlot, null);
                    did.forEach(ctx::output);
                    actions.addAll(did);
                    return null;
                }));
        SiteState state = store.get(site);
        Optional<Environment> recorded = state.find(f.get(NEW));
        Environment env = recorded.orElse(new Environment(f.get(NEW), Role.FAILED, null, null, null, null, null, op.started(), Instant.now()));
        if (switched) {
            // users may have written to it after the switch: keep it, stopped, for inspection
            rec.run(Step.named("keep-new-as-failed").describe("Stop " + env.id() + " and keep it as failed (it served after the switch)")
                    .action(ctx -> {
                        host.runtime().stop(env.cronContainer(site), Duration.ofSeconds(5));
                        new EnvironmentRemoval(host, spec).stop(env);
                        Environment live = SiteService.select(store.get(site), f.get(LIVE));
                        store.save(store.get(site).with(live.withRole(Role.LIVE, liveSlot)).with(env.withRole(Role.FAILED, null)));
                        return null;
                    }));
            actions.add(env.id() + " kept as failed (stopped)");
        } else {
            rec.run(Step.named("remove-new").describe("Remove " + env.id() + " (containers, network, volume) and free the proxy's "
                            + newSlot.id() + " slot")
                    .action(ctx -> {
                        freeSlot(site, spec, newSlot, env);
                        new EnvironmentRemoval(host, spec).remove(env);
                        if (recorded.isPresent()) {
                            store.save(store.get(site).without(env.id()));
                        }
                        return null;
                    }));
            actions.add("removed " + env.id());
        }
        Environment live = SiteService.select(store.get(site), f.get(LIVE));
        Path next = new EnvironmentFactory(host, spec).volumePath(live).resolve("code.next");
        rec.run(Step.named("remove-prepared-code").describe("Remove the next release's code prepared in " + live.id())
                .command("rm -rf " + next)
                .action(ctx -> {
                    EnvironmentFactory.deleteTree(next);
                    return null;
                }));
    }

    /** The new slot goes back to the standby it held (if that is still there), or is emptied. */
    private void freeSlot(String site, SiteSpec spec, Slot slot, Environment leaving) {
        FrontProxy proxy = host.proxy();
        ProxyState.SlotState st = proxy.state(site).slots().get(slot);
        boolean points = st != null && st.target().map(t -> t.container().equals(leaving.webContainer(site))).orElse(false);
        if (!points) {
            return;
        }
        Optional<Environment> standby = store.get(site).withRole(Role.STANDBY).filter(e -> e.slot() == slot);
        if (standby.isPresent() && host.runtime().inspect(standby.get().webContainer(site)).isPresent()) {
            try {
                proxy.setBackend(site, slot, SiteService.webTarget(spec, standby.get()));
                return;
            } catch (MoodlectlException e) {
                // its container is not running: leave the slot empty
            }
        }
        proxy.clearBackend(site, slot);
    }

    /**
     * Makes environment {@code envId} on {@code slot} serve: its containers running, Moodle's maintenance file gone, its
     * cron running (if it has one), the proxy running, pointed at it and out of maintenance (switchTo waits until the
     * slot is UP). Safe to repeat.
     */
    private List<String> serveSide(String site, SiteSpec spec, String envId, Slot slot, String generation) throws IOException {
        List<String> did = new ArrayList<>();
        ContainerRuntime rt = host.runtime();
        EnvironmentFactory factory = new EnvironmentFactory(host, spec);
        Environment env = store.get(site).find(envId).orElse(new Environment(envId, Role.LIVE, slot, generation, null, null, null,
                Instant.now(), Instant.now()));
        if (!host.proxy().state(site).running()) {
            host.proxy().start(site);
            did.add("started the front proxy");
        }
        for (String c : List.of(env.dbContainer(site), env.webContainer(site))) {
            if (rt.inspect(c).map(x -> !x.running()).orElse(false)) {
                rt.start(c);
                did.add("started " + c);
            }
        }
        factory.engine().waitReady(rt, env.dbContainer(site), Duration.ofSeconds(120));
        if (Files.deleteIfExists(factory.volumePath(env).resolve("moodledata/climaintenance.html"))) {
            did.add("removed Moodle's maintenance file on " + envId);
        }
        String cron = env.cronContainer(site);
        if (rt.inspect(cron).map(x -> !x.running()).orElse(false)) {
            rt.start(cron);
            did.add("started " + cron);
        }
        ProxyState ps = host.proxy().state(site);
        boolean pointed = Optional.ofNullable(ps.slots().get(slot)).flatMap(ProxyState.SlotState::target)
                .map(t -> t.container().equals(env.webContainer(site))).orElse(false);
        if (!pointed) {
            Target t = SiteService.webTarget(spec, env);
            host.proxy().setBackend(site, slot, t);
            did.add("pointed the proxy's " + slot.id() + " slot at " + t.container());
        }
        boolean wasMaintenance = ps.maintenance();
        host.proxy().switchTo(site, slot, Duration.ofSeconds(90));
        did.add("proxy serves " + envId + " (" + slot.id() + ")" + (wasMaintenance ? ", maintenance page off" : ""));
        return did;
    }

    /**
     * The guardian's and `host up`'s part, with the site's lock taken here: after an interrupted promotion, the side that
     * should serve serves (old live before the switch, new after). The operation stays INTERRUPTED; the first fact
     * {@value #SERVING} says what was done.
     */
    public List<String> restoreServingLocked(OperationRecord op) {
        if (!op.kind().equals("promote") || op.site() == null || op.facts().get(LIVE) == null) {
            return List.of();
        }
        try (SiteLock lock = SiteLock.acquire(host, op.site())) {
            OperationRecord now = host.journal().operation(op.id()).orElseThrow();
            if (now.status() != OperationStatus.INTERRUPTED) {
                return List.of(op.id() + " is " + now.status() + ": nothing to do");
            }
            Map<String, String> f = now.facts();
            boolean switched = ok(host.journal().steps(op.id()), "switch");
            String envId = switched ? f.get(NEW) : f.get(LIVE);
            Slot slot = slot(switched ? f.get(NEW_SLOT) : f.get(LIVE_SLOT));
            String generation = switched ? StageService.lastRehearsal(store, op.site()).map(Rehearsal::generation).orElse(null) : null;
            List<String> did = serveSide(op.site(), store.spec(op.site()), envId, slot, generation);
            host.journal().recordFact(op.id(), SERVING, String.join("; ", did) + " (at " + Instant.now() + ")");
            return did;
        } catch (IOException e) {
            throw new MoodlectlException(ExitCode.FAILED, "could not restore " + op.site() + ": " + e.getMessage(),
                    "moodlectl ops abort " + op.id(), e);
        }
    }

    /** `host up`: for every site, its interrupted promotions are made to serve (see {@link #restoreServingLocked}). */
    public List<String> restoreAfterReboot(String site) {
        List<String> out = new ArrayList<>();
        for (OperationRecord op : host.journal().operations(site, 50)) {
            if (op.status() == OperationStatus.INTERRUPTED && op.kind().equals("promote")) {
                for (String a : restoreServingLocked(op)) {
                    out.add(site + ": " + a + " (interrupted " + op.id() + "; then `moodlectl ops resume|abort " + op.id() + "`)");
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- stage, create

    private void revertStage(Operation rec, OperationRecord op, List<String> actions) {
        String site = op.site();
        String envId = op.facts().get(NEW);
        if (envId == null) {
            rec.skip("nothing-to-revert", "The rehearsal had not begun changing anything", "no recovery facts recorded");
            return;
        }
        SiteSpec spec = store.spec(site);
        Environment env = store.get(site).find(envId).orElse(new Environment(envId, Role.STAGING, null, null, null, null, null,
                op.started(), Instant.now()));
        rec.run(Step.named("remove-staging").describe("Remove the interrupted rehearsal's copy " + envId + " and close its preview")
                .action(ctx -> {
                    ProxyState ps = host.proxy().state(site);
                    if (ps.preview().map(t -> t.container().equals(env.webContainer(site))).orElse(false)) {
                        host.proxy().setPreview(site, Optional.empty());
                        ctx.output("closed the preview");
                    }
                    new EnvironmentRemoval(host, spec).remove(env);
                    store.save(store.get(site).without(envId));
                    Optional<Rehearsal> r = StageService.lastRehearsal(store, site);
                    if (r.isPresent() && r.get().operation().equals(op.id())) {
                        Files.deleteIfExists(store.dir(site).resolve("rehearsal.json"));
                        Files.deleteIfExists(store.dir(site).resolve("staged-site.yaml"));
                        ctx.output("removed its unfinished report");
                    }
                    return null;
                }));
        actions.add("removed staging copy " + envId);
    }

    private void revertCreate(Operation rec, OperationRecord op, List<String> actions) {
        List<String> removed = new ArrayList<>();
        new SiteService(host).removeEverything(rec, op.site(), removed);
        actions.add("removed everything of " + op.site() + (removed.isEmpty() ? " (nothing was left)" : ": " + String.join(", ", removed)));
    }

    /** Runs the interrupted flow again from the start (the lock is held); returns the new operation's id. */
    private String rerun(OperationRecord op) {
        Map<String, String> f = op.facts();
        return switch (op.kind()) {
            case "promote" -> new PromoteService(host).promoteLocked(op.site()).operation();
            case "stage" -> new StageService(host).stageLocked(op.site(), new UpgradeTarget(
                    f.get(SITE_FILE) == null ? null : Path.of(f.get(SITE_FILE)), f.get(REF))).operation();
            default -> {
                String file = f.get(SITE_FILE);
                if (file == null || !Files.isRegularFile(Path.of(file))) {
                    throw MoodlectlException.notFound("the site file the create was given (" + file + ") is gone",
                            "what it made was removed; create the site again: moodlectl site create -f SITE.yaml");
                }
                yield new SiteService(host).createLocked(Path.of(file)).operation();
            }
        };
    }

    // ---------------------------------------------------------------- plumbing

    private static boolean ok(List<StepRecord> steps, String name) {
        return steps.stream().anyMatch(s -> s.name().equals(name) && s.status() == StepStatus.OK);
    }

    private static Slot slot(String id) {
        return id == null ? Slot.BLUE : Slot.valueOf(id.toUpperCase(java.util.Locale.ROOT));
    }

    private static String capital(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
