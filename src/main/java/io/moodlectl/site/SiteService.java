package io.moodlectl.site;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.host.Host;
import io.moodlectl.moodle.EnvironmentPaths;
import io.moodlectl.proxy.FrontProxy;
import io.moodlectl.proxy.ProxySpec;
import io.moodlectl.proxy.Slot;
import io.moodlectl.proxy.Target;
import io.moodlectl.release.ReleaseResolver;
import io.moodlectl.release.ResolvedRelease;
import io.moodlectl.runtime.ContainerRuntime;
import io.moodlectl.runtime.ContainerState;
import io.moodlectl.runtime.ExecResult;
import io.moodlectl.runtime.Readiness;
import io.moodlectl.shell.ShellCommand;
import io.moodlectl.storage.StorageDriver;
import io.moodlectl.workflow.Operation;
import io.moodlectl.workflow.Step;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** site create / list / status / destroy, exec, and starting a site's containers after a reboot. */
public final class SiteService {
    public static final String HEALTH_PATH = "/login/index.php";
    private final Host host;
    private final SiteStore store;

    public SiteService(Host host) {
        this.host = host;
        this.store = new SiteStore(host.state());
    }

    public SiteStore store() {
        return store;
    }

    public record CreateResult(String site, String url, String previewUrl, String environment, String release,
                               String operation, String adminPasswordFile, Duration took) {
    }

    /**
     * How a new site's moodledata and database come in: a fresh install ({@code site create}) or an existing site's
     * data ({@code site import}). Everything else of the create path (volume, code, config.php, containers, proxy,
     * health check, record) is shared.
     */
    public interface Seed {
        /** The operation's kind in the journal: "create", "import". */
        String kind();

        /** The operation's title. */
        String title(SiteSpec spec, ResolvedRelease release);

        /** Checks run after the release is resolved and before anything is created (refusals leave nothing behind). */
        void check(SiteSpec spec, ResolvedRelease release);

        /** True if the seed generates the admin password (a fresh install); an import keeps the old site's admins. */
        boolean generatesAdminPassword();

        /** Fills the environment's moodledata/ (created, empty) as a journaled step; ownership is fixed afterwards. */
        void fillMoodledata(Operation op, EnvironmentFactory factory, Environment env);

        /** Fills the running, empty database and applies settings (web container running, before cron and proxy). */
        void fillDatabase(Operation op, EnvironmentFactory factory, Environment env, ResolvedRelease release);
    }

    /** A fresh install: language packs, install_database.php, the site file's settings. */
    private static final class FreshInstall implements Seed {
        @Override
        public String kind() {
            return "create";
        }

        @Override
        public String title(SiteSpec spec, ResolvedRelease release) {
            return "Create site " + spec.name() + " with Moodle " + release.describe();
        }

        @Override
        public void check(SiteSpec spec, ResolvedRelease release) {
        }

        @Override
        public boolean generatesAdminPassword() {
            return true;
        }

        @Override
        public void fillMoodledata(Operation op, EnvironmentFactory factory, Environment env) {
            installLanguages(op, factory, env);
        }

        @Override
        public void fillDatabase(Operation op, EnvironmentFactory factory, Environment env, ResolvedRelease release) {
            installDatabase(op, factory, factory.spec(), env);
            applySettings(op, factory, factory.spec(), env);
        }
    }

    public CreateResult create(Path siteFile) {
        return create(siteFile, SiteFile.read(siteFile), new FreshInstall());
    }

    /** Fact of a create operation: the site file it was given (what `ops resume` builds from). */
    public static final String SITE_FILE_FACT = "recovery.siteFile";

    /** The create path with its data from {@code seed}; {@code spec} is the site file's (as read from {@code siteFile}). */
    public CreateResult create(Path siteFile, SiteSpec spec, Seed seed) {
        try (SiteLock lock = SiteLock.acquire(host, spec.name())) {
            return createLocked(siteFile, spec, seed);
        }
    }

    /** A fresh install, with the site's lock held (run by `ops resume`). */
    public CreateResult createLocked(Path siteFile) {
        return createLocked(siteFile, SiteFile.read(siteFile), new FreshInstall());
    }

    private CreateResult createLocked(Path siteFile, SiteSpec spec, Seed seed) {
        Instant start = Instant.now();
        String name = spec.name();
        {
            if (store.exists(name) || !host.runtime().list(Map.of("moodlectl.site", name)).isEmpty()) {
                throw MoodlectlException.conflict("a site called " + name + " exists",
                        "choose another name, or remove it first: moodlectl site destroy " + name + " --yes");
            }
            requirePortFree(spec.bind(), spec.port(), "port");
            if (spec.previewPort() != 0) {
                requirePortFree(spec.bind(), spec.previewPort(), "preview.port");
            }
            StorageDriver storage = host.storage();
            SiteImages images = SiteImages.of(spec, spec.images().generation(), host.images());
            images.requirePresent(host.images(), host.connection().images());
            ReleaseResolver resolver = new ReleaseResolver(host.state().cache().resolve("git"));
            ResolvedRelease release = resolver.resolveCore(spec);
            seed.check(spec, release);
            ReleaseResolver.checkPlugins(release, resolver.standardPlugins(release));
            Environment env = new Environment("e1", Role.LIVE, Slot.BLUE, spec.images().generation(), spec.moodle().ref(),
                    release.commit(), release.version().release(), Instant.now(), Instant.now());
            EnvironmentFactory factory = new EnvironmentFactory(host, spec);
            try (Operation op = host.operations().begin(seed.kind(), name, seed.title(spec, release))) {
                op.fact(SITE_FILE_FACT, siteFile.toAbsolutePath().normalize().toString());
                op.run(Step.named("secrets").describe(seed.generatesAdminPassword()
                                ? "Generate the database and admin passwords (stored 0600)" : "Generate the database password (stored 0600)")
                        .action(ctx -> {
                            host.secrets().getOrCreate(name + "/db");
                            if (seed.generatesAdminPassword()) {
                                host.secrets().getOrCreate(name + "/admin");
                            }
                            return null;
                        })
                        .undo(() -> host.secrets().deleteAll(name)));
                op.run(Step.named("create-volume").describe("Create the pool volume " + env.volume(name) + " (code/, moodledata/, db/)")
                        .command(storage.name().equals("btrfs") ? "btrfs subvolume create " + factory.volumePath(env)
                                : "mkdir " + factory.volumePath(env))
                        .action(ctx -> storage.createVolume(env.volume(name)))
                        .undo(() -> storage.delete(env.volume(name))));
                factory.installCode(op, env, release);
                op.run(Step.named("prepare-moodledata").describe("Create moodledata/ and db/")
                        .action(ctx -> {
                            Path v = factory.volumePath(env);
                            Files.createDirectories(v.resolve("db"));
                            Files.createDirectories(v.resolve("moodledata"));
                            return null;
                        }));
                seed.fillMoodledata(op, factory, env);
                Path data = factory.volumePath(env).resolve("moodledata");
                op.run(Step.named("own-moodledata").describe("Give moodledata/ to the web user")
                        .command("chown -R " + EnvironmentFactory.WEB_UID + ":" + EnvironmentFactory.WEB_UID + " " + data)
                        .action(ctx -> {
                            ctx.sh(ShellCommand.of("chown", "-R", EnvironmentFactory.WEB_UID + ":" + EnvironmentFactory.WEB_UID, data.toString()));
                            return null;
                        }));
                factory.writeConfig(op, env, Role.LIVE);
                factory.createNetwork(op, env);
                factory.startDatabase(op, env, images, true);
                factory.startWeb(op, env, images);
                seed.fillDatabase(op, factory, env, release);
                factory.startCron(op, env, images);
                createProxy(op, spec, env, images);
                op.run(Step.named("health-check").describe("Check the login page answers 200 through the front proxy")
                        .command("curl -s -o /dev/null -w '%{http_code}' -H 'Host: " + spec.host() + "' http://"
                                + probeAddress(spec) + ":" + spec.port() + HEALTH_PATH)
                        .action(ctx -> {
                            awaitFront(spec, Duration.ofSeconds(60));
                            ctx.output("200 OK");
                            return null;
                        }));
                op.run(Step.named("record-site").describe("Record the site and its live environment")
                        .action(ctx -> {
                            store.saveSpec(name, siteFile);
                            store.save(new SiteState(name, 1, List.of(env), Instant.now(), null));
                            return null;
                        })
                        .undo(() -> EnvironmentFactory.uncheckedDelete(store.dir(name))));
                op.succeed();
                return new CreateResult(name, spec.wwwroot(), spec.previewWwwroot(), env.id(), release.describe(), op.id(),
                        seed.generatesAdminPassword() ? host.secrets().file(name + "/admin").toString() : null,
                        Duration.between(start, Instant.now()));
            }
        }
    }

    private static void installLanguages(Operation op, EnvironmentFactory factory, Environment env) {
        SiteSpec spec = factory.spec();
        if (spec.languages().isEmpty()) {
            return;
        }
        op.run(Step.named("install-languages").describe("Install language packs into moodledata/lang")
                .action(ctx -> {
                    Path lang = Files.createDirectories(factory.volumePath(env).resolve("moodledata").resolve("lang"));
                    for (SiteSpec.Language l : spec.languages()) {
                        ctx.sh(ShellCommand.of("unzip", "-q", "-o", l.source().toString(), "-d", lang.toString()));
                        ctx.output("language pack " + l.code() + " from " + l.source());
                    }
                    return null;
                }));
    }

    private static void installDatabase(Operation op, EnvironmentFactory factory, SiteSpec spec, Environment env) {
        String adminPass = factory.host().secrets().getOrCreate(spec.name() + "/admin");
        List<String> argv = io.moodlectl.moodle.MoodleCli.inContainer().installDatabase(
                new io.moodlectl.moodle.MoodleCli.InstallOptions("en", "admin", adminPass, adminEmail(spec), spec.name(),
                        spec.name(), null, null));
        op.run(Step.named("install-database")
                .describe("Install Moodle's database (admin/cli/install_database.php as " + EnvironmentFactory.WEB_USER + ")")
                .command(factory.moodleShellLine(env, String.join(" ", argv.stream()
                        .map(a -> a.startsWith("--adminpass=")
                                ? "--adminpass=" + factory.host().secrets().shellReference(spec.name() + "/admin")
                                : ShellCommand.quote(a)).toList())))
                .action(ctx -> {
                    ExecResult r = factory.moodle(env, argv, ctx::output);
                    ctx.exitCode(r.exitCode());
                    if (!r.ok()) {
                        throw EnvironmentFactory.cliFailed("install_database.php", r);
                    }
                    return null;
                }));
    }

    /** A syntactically valid address Moodle accepts; IP and dot-less hosts get a reserved .invalid domain. */
    static String adminEmail(SiteSpec spec) {
        String h = spec.host();
        if (h == null || h.matches("[0-9.]+") || !h.contains(".")) {
            return "admin@moodle.invalid";
        }
        return "admin@" + h;
    }

    /** Settings of the site file, plus noreplyaddress (without it /admin keeps asking for new settings). */
    public static void applySettings(Operation op, EnvironmentFactory factory, SiteSpec spec, Environment env) {
        List<SiteSpec.Setting> all = new ArrayList<>();
        if (spec.settings().stream().noneMatch(s -> s.component() == null && s.name().equals("noreplyaddress"))) {
            all.add(new SiteSpec.Setting(null, "noreplyaddress", "noreply@" + adminEmail(spec).substring(6)));
        }
        all.addAll(spec.settings());
        applySettings(op, factory, env, all);
    }

    /** Applies exactly these settings with admin/cli/cfg.php, in one exec (nothing if the list is empty). */
    public static void applySettings(Operation op, EnvironmentFactory factory, Environment env, List<SiteSpec.Setting> all) {
        if (all.isEmpty()) {
            return;
        }
        List<String> lines = new ArrayList<>();
        for (SiteSpec.Setting s : all) {
            lines.add(String.join(" ", io.moodlectl.moodle.MoodleCli.inContainer().cfgSet(s.component(), s.name(), s.value())
                    .stream().map(ShellCommand::quote).toList()));
        }
        op.run(Step.named("apply-settings").describe("Apply " + all.size() + " setting(s) with admin/cli/cfg.php")
                .command(String.join("\n", lines))
                .action(ctx -> {
                    // One exec for all of them (an exec costs ~0.25 s): each command is echoed before it runs, so the
                    // journal shows which one said what; the first failure (not exit 4, "forced in config.php") stops.
                    ExecResult r = factory.moodle(env, List.of("sh", "-c", settingsScript(lines)), ctx::output);
                    if (!r.ok()) {
                        long started = r.output().lines().filter(l -> l.startsWith("$ ")).count();
                        SiteSpec.Setting failed = all.get((int) Math.max(0, Math.min(all.size(), started) - 1));
                        throw EnvironmentFactory.cliFailed("cfg.php --name=" + failed.name(), r);
                    }
                    return null;
                }));
    }

    /** A shell script running each cfg.php line in turn; exit 4 (forced in config.php) is not a failure. */
    static String settingsScript(List<String> lines) {
        StringBuilder b = new StringBuilder();
        for (String line : lines) {
            b.append("printf '%s\\n' ").append(ShellCommand.quote("$ " + line)).append("\n")
                    .append(line).append("\n")
                    .append("rc=$?; if [ \"$rc\" = 4 ]; then echo '  (forced in config.php: left as it is)';")
                    .append(" elif [ \"$rc\" != 0 ]; then exit \"$rc\"; fi\n");
        }
        return b.toString();
    }

    /** Starts the site's front proxy sending live traffic to {@code env} (undo: the proxy removed). */
    public void createProxy(Operation op, SiteSpec spec, Environment env, SiteImages images) {
        FrontProxy proxy = host.proxy();
        op.run(Step.named("start-proxy").describe("Start the front proxy (HAProxy) on " + spec.bind() + ":" + spec.port()
                        + (spec.previewPort() != 0 ? ", preview on " + spec.previewPort() : "") + " and send it to " + env.id())
                .command("podman run -d --name " + spec.name() + "-proxy -p " + spec.bind() + ":" + spec.port() + ":… " + images.proxy())
                .action(ctx -> {
                    Path pem = null;
                    if (spec.tls() != null) {
                        String both = Files.readString(spec.tls().certificate()) + "\n" + Files.readString(spec.tls().key());
                        host.secrets().put(spec.name() + "/tls.pem", both);
                        pem = host.secrets().file(spec.name() + "/tls.pem");
                    }
                    proxy.create(new ProxySpec(spec.name(), images.proxy(), spec.bind(), spec.port(), spec.previewPort(), pem,
                            HEALTH_PATH, hostHeader(spec)));
                    try {
                        proxy.setBackend(spec.name(), Slot.BLUE, webTarget(spec, env));
                        proxy.switchTo(spec.name(), Slot.BLUE, Duration.ofSeconds(120));
                    } catch (RuntimeException e) {
                        proxy.remove(spec.name());
                        throw e;
                    }
                    return null;
                })
                .undo(() -> proxy.remove(spec.name())));
    }

    public static Target webTarget(SiteSpec spec, Environment env) {
        return new Target(env.webContainer(spec.name()), env.network(spec.name()), 80);
    }

    public static String probeAddressOf(SiteSpec spec) {
        return probeAddress(spec);
    }

    public static String hostHeaderOf(SiteSpec spec) {
        return hostHeader(spec);
    }

    static String probeAddress(SiteSpec spec) {
        return "0.0.0.0".equals(spec.bind()) ? "127.0.0.1" : spec.bind();
    }

    /** Waits until the login page answers 200 through the site's front port; UNHEALTHY otherwise. */
    public static void awaitFront(SiteSpec spec, Duration timeout) {
        try {
            Readiness.await("the login page of " + spec.name(), timeout, Duration.ofMillis(300),
                    () -> HttpProbe.get(probeAddress(spec), spec.port(), hostHeader(spec), HEALTH_PATH, 10_000).status() == 200);
        } catch (MoodlectlException e) {
            var last = HttpProbe.get(probeAddress(spec), spec.port(), hostHeader(spec), HEALTH_PATH, 10_000);
            throw new MoodlectlException(ExitCode.UNHEALTHY, "the login page of " + spec.name() + " answers "
                    + (last.status() < 0 ? "nothing (" + last.body() + ")" : String.valueOf(last.status())),
                    "look at the web container's log: podman logs " + spec.name() + "-e1-web");
        }
    }

    static String hostHeader(SiteSpec spec) {
        java.net.URI u = java.net.URI.create(spec.wwwroot());
        return u.getPort() > 0 ? u.getHost() + ":" + u.getPort() : u.getHost();
    }

    public static void requirePortFree(String bind, int port, String key) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(bind), port));
        } catch (IOException e) {
            throw MoodlectlException.conflict("port " + port + " on " + bind + " is in use (" + key + " in the site file)",
                    "choose a free port, or stop what listens there (ss -ltnp 'sport = :" + port + "')");
        }
    }

    // ---------------------------------------------------------------- list / status

    public List<SiteStatus.Summary> list() {
        List<SiteStatus.Summary> out = new ArrayList<>();
        for (String name : io.moodlectl.host.HostService.siteNames(host.state())) {
            SiteState s = store.get(name);
            SiteSpec spec = store.spec(name);
            out.add(new SiteStatus.Summary(name, spec.wwwroot(), s.live().map(Environment::id).orElse(null),
                    s.live().map(Environment::release).orElse(null), s.environments().size()));
        }
        return out;
    }

    public SiteStatus status(String name) {
        SiteState state = store.get(name);
        SiteSpec spec = store.spec(name);
        return new SiteStatusReader(host, spec, state).read();
    }

    // ---------------------------------------------------------------- exec

    /** Selects an environment by role (live, staging, standby) or id (e2). */
    public static Environment select(SiteState state, String selector) {
        String sel = selector == null ? "live" : selector;
        for (Role r : Role.values()) {
            if (r.id().equals(sel)) {
                return state.withRole(r).orElseThrow(() -> MoodlectlException.notFound("site " + state.name() + " has no " + sel + " environment",
                        "see its environments: moodlectl site status " + state.name()));
            }
        }
        return state.find(sel).orElseThrow(() -> MoodlectlException.notFound("site " + state.name() + " has no environment " + sel,
                "give live, staging, standby or an id from `moodlectl site status " + state.name() + "`"));
    }

    /** Runs a command in the environment's web container as the web user, from the code root; returns its exit code. */
    public int exec(String name, String selector, List<String> args, Consumer<String> output) {
        if (args.isEmpty()) {
            throw new MoodlectlException(ExitCode.USAGE, "no command given", "e.g. moodlectl exec " + name + " -- php admin/cli/checks.php");
        }
        SiteState state = store.get(name);
        SiteSpec spec = store.spec(name);
        Environment env = select(state, selector);
        EnvironmentFactory factory = new EnvironmentFactory(host, spec);
        if (host.runtime().inspect(env.webContainer(name)).map(c -> !c.running()).orElse(true)) {
            throw new MoodlectlException(ExitCode.NOT_READY, "the web container of " + env.id() + " is not running",
                    "start it with `moodlectl host up`, or choose another --env");
        }
        try (Operation op = host.operations().begin("exec", name, "Run " + String.join(" ", args) + " in " + env.id())) {
            int code = op.run(Step.named("exec").describe("Run in " + env.webContainer(name) + " as " + EnvironmentFactory.WEB_USER)
                    .command(factory.moodleShellLine(env, String.join(" ", args.stream().map(ShellCommand::quote).toList())))
                    .action(ctx -> {
                        ExecResult r = factory.moodle(env, args, line -> {
                            ctx.output(line);
                            output.accept(line);
                        });
                        ctx.exitCode(r.exitCode());
                        return r.exitCode();
                    }));
            op.fact("exitCode", String.valueOf(code));
            op.succeed();
            return code;
        }
    }

    // ---------------------------------------------------------------- destroy

    public record DestroyResult(String site, List<String> removed, String operation) {
    }

    public DestroyResult destroy(String name) {
        try (SiteLock lock = SiteLock.acquire(host, name)) {
            boolean known = store.exists(name);
            List<ContainerState> containers = host.runtime().list(Map.of("moodlectl.site", name));
            if (!known && containers.isEmpty()) {
                throw MoodlectlException.notFound("no site " + name, "list sites with `moodlectl site list`");
            }
            List<String> removed = new ArrayList<>();
            try (Operation op = host.operations().begin("destroy", name, "Destroy site " + name)) {
                removeEverything(op, name, removed);
                op.succeed();
                return new DestroyResult(name, removed, op.id());
            }
        }
    }

    /**
     * As steps of {@code op}: the site's proxy, containers, networks, volumes and snapshots, state and secrets (the
     * journal stays); what went is added to {@code removed}. Also how `ops abort` undoes an interrupted create.
     */
    public void removeEverything(Operation op, String name, List<String> removed) {
        {
            {
                op.run(Step.named("remove-proxy").describe("Remove the front proxy").action(ctx -> {
                    host.proxy().remove(name);
                    removed.add("proxy " + name + "-proxy");
                    return null;
                }));
                op.run(Step.named("remove-containers").describe("Remove every container of the site").action(ctx -> {
                    for (ContainerState c : host.runtime().list(Map.of("moodlectl.site", name))) {
                        host.runtime().remove(c.name());
                        ctx.output("removed " + c.name());
                        removed.add("container " + c.name());
                    }
                    for (String n : host.runtime().listNetworks(Map.of("moodlectl.site", name))) {
                        host.runtime().removeNetwork(n);
                        removed.add("network " + n);
                    }
                    return null;
                }));
                op.run(Step.named("remove-volumes").describe("Delete the site's volumes and snapshots").action(ctx -> {
                    StorageDriver storage = host.storage();
                    for (var v : storage.list()) {
                        if (v.name().startsWith(name + ".") || v.name().startsWith(name + "@")) {
                            storage.delete(v.name());
                            ctx.output("deleted " + v.name());
                            removed.add("volume " + v.name());
                        }
                    }
                    return null;
                }));
                op.run(Step.named("remove-state").describe("Remove the site's state and secrets (the journal stays)").action(ctx -> {
                    host.secrets().deleteAll(name);
                    EnvironmentFactory.deleteTree(store.dir(name));
                    return null;
                }));
            }
        }
    }

    // ---------------------------------------------------------------- after a reboot

    /** Starts the site's containers in their recorded roles (live, staging, standby) and its proxy. */
    public List<String> startRecorded(String name) {
        SiteState state = store.get(name);
        SiteSpec spec = store.spec(name);
        ContainerRuntime rt = host.runtime();
        List<String> actions = new ArrayList<>();
        for (Environment env : state.environments()) {
            if (env.role() != Role.LIVE && env.role() != Role.STAGING && env.role() != Role.STANDBY) {
                continue;
            }
            List<String> names = new ArrayList<>(List.of(env.dbContainer(name), env.webContainer(name)));
            if (env.role() == Role.LIVE) {
                names.add(env.cronContainer(name));
            }
            for (String c : names) {
                Optional<ContainerState> st = rt.inspect(c);
                if (st.isPresent() && !st.get().running()) {
                    rt.start(c);
                    actions.add(name + ": started " + c + " (" + env.role().id() + ")");
                }
            }
        }
        var ps = host.proxy().state(name);
        if (!ps.running()) {
            host.proxy().start(name);
            actions.add(name + ": started the front proxy on port " + spec.port());
        }
        return actions;
    }
}
