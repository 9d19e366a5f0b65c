package io.moodlectl.site;

import io.moodlectl.database.DatabaseCredentials;
import io.moodlectl.database.DatabaseEngine;
import io.moodlectl.database.DatabaseEngines;
import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.host.Host;
import io.moodlectl.moodle.Components;
import io.moodlectl.moodle.ConfigPhp;
import io.moodlectl.moodle.EnvironmentPaths;
import io.moodlectl.release.ResolvedRelease;
import io.moodlectl.runtime.ContainerRuntime;
import io.moodlectl.runtime.ContainerSpec;
import io.moodlectl.runtime.ExecResult;
import io.moodlectl.shell.ShellCommand;
import io.moodlectl.workflow.Operation;
import io.moodlectl.workflow.Step;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Builds the pieces of an environment as journaled steps, each with its undo: the volume's code (release + add-ons),
 * config.php, the network, the database, web and cron containers. Paths inside the containers are fixed
 * ({@link EnvironmentPaths}), so a cloned environment runs without rewriting anything but config.php's wwwroot.
 */
public final class EnvironmentFactory {
    public static final String WEB_USER = "www-data";
    /** Debian's www-data. */
    public static final int WEB_UID = 33;
    public static final String DB_NAME = "moodle";
    public static final String DB_USER = "moodle";

    private final Host host;
    private final SiteSpec spec;
    private final DatabaseEngine engine;
    private final boolean keepOnFailure;

    public EnvironmentFactory(Host host, SiteSpec spec) {
        this(host, spec, false);
    }

    private EnvironmentFactory(Host host, SiteSpec spec, boolean keepOnFailure) {
        this.host = host;
        this.spec = spec;
        this.engine = DatabaseEngines.of(spec.database());
        this.keepOnFailure = keepOnFailure;
    }

    /** A factory whose undo actions stop containers instead of removing them: a failed copy is kept for inspection. */
    public EnvironmentFactory keepingFailures() {
        return new EnvironmentFactory(host, spec, true);
    }

    private Runnable undoContainer(String name) {
        ContainerRuntime rt = host.runtime();
        return keepOnFailure ? () -> rt.stop(name, Duration.ofSeconds(10)) : () -> rt.remove(name);
    }

    public SiteSpec spec() {
        return spec;
    }

    public Host host() {
        return host;
    }

    public DatabaseEngine engine() {
        return engine;
    }

    public Path volumePath(Environment env) {
        return host.storage().root().resolve(env.volume(spec.name()));
    }

    public Path code(Environment env) {
        return volumePath(env).resolve("code");
    }

    public DatabaseCredentials credentials() {
        return new DatabaseCredentials(DB_NAME, DB_USER, host.secrets().getOrCreate(spec.name() + "/db"));
    }

    public Map<String, String> labels(Environment env, String kind) {
        return Map.of("moodlectl.site", spec.name(), "moodlectl.env", env.id(), "moodlectl.kind", kind);
    }

    /** Writes the release's code into the volume's code/ (replacing what is there) and places the add-ons. */
    public void installCode(Operation op, Environment env, ResolvedRelease release) {
        Path volume = volumePath(env);
        Path code = volume.resolve("code");
        Path staging = volume.resolve("code.next");
        op.run(Step.named("checkout-code")
                .describe("Check out Moodle " + release.describe() + " from " + release.core().repository())
                .action(ctx -> {
                    deleteTree(staging);
                    ctx.sh(release.core().exportCommand(release.commit(), staging));
                    for (ResolvedRelease.ResolvedPlugin p : release.plugins()) {
                        placePlugin(staging, p, ctx::output);
                    }
                    if (Files.exists(code)) {
                        Path old = volume.resolve("code.old");
                        deleteTree(old);
                        Files.move(code, old);
                        Files.move(staging, code, StandardCopyOption.ATOMIC_MOVE);
                        deleteTree(old);
                    } else {
                        Files.move(staging, code, StandardCopyOption.ATOMIC_MOVE);
                    }
                    ctx.output("code/ holds " + release.version().release() + (release.publicLayout() ? " (public/ layout)" : ""));
                    return null;
                }));
    }

    /**
     * Writes the release's code into {@code code.next} of the volume, beside the running code/, so that it travels
     * with the next snapshot and only a rename is left for the downtime window (no nested subvolume: a plain folder).
     */
    public void prepareCode(Operation op, Environment env, ResolvedRelease release) {
        Path next = volumePath(env).resolve("code.next");
        op.run(Step.named("prepare-code")
                .describe("Prepare Moodle " + release.describe() + " as code.next in " + env.volume(spec.name()) + " (before the window)")
                .action(ctx -> {
                    deleteTree(next);
                    ctx.sh(release.core().exportCommand(release.commit(), next));
                    for (ResolvedRelease.ResolvedPlugin p : release.plugins()) {
                        placePlugin(next, p, ctx::output);
                    }
                    return null;
                })
                .undo(() -> uncheckedDelete(next)));
    }

    /** Renames code.next to code/ in a copy (the old code goes to code.prev, deleted after the window). */
    public void swapCode(Operation op, Environment env) {
        Path v = volumePath(env);
        op.run(Step.named("swap-code").describe("Swap in the prepared code on " + env.id() + " (mv code.next code)")
                .command("mv code code.prev && mv code.next code")
                .action(ctx -> {
                    deleteTree(v.resolve("code.prev"));
                    Files.move(v.resolve("code"), v.resolve("code.prev"), StandardCopyOption.ATOMIC_MOVE);
                    Files.move(v.resolve("code.next"), v.resolve("code"), StandardCopyOption.ATOMIC_MOVE);
                    return null;
                }));
    }

    /** Places one add-on in its type's folder as lib/components.json (and sub-plugin declarations) say. */
    static void placePlugin(Path code, ResolvedRelease.ResolvedPlugin p, Consumer<String> out) throws IOException {
        Path folder = code.resolve(Components.read(code).folderFor(p.source().component()));
        deleteTree(folder);
        Files.createDirectories(folder);
        if (p.source().fromGit()) {
            p.mirror().exportCommand(p.commit(), folder).check();
        } else {
            unzipSingleFolder(p.source().zip(), folder);
        }
        out.accept(p.source().component() + " " + p.version().release() + " → " + code.relativize(folder));
    }

    private static void unzipSingleFolder(Path zip, Path target) throws IOException {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = z.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String name = e.getName();
                int slash = name.indexOf('/');
                if (slash < 0 || slash == name.length() - 1) {
                    continue;
                }
                Path out = target.resolve(name.substring(slash + 1)).normalize();
                if (!out.startsWith(target)) {
                    throw MoodlectlException.invalid(zip + " holds a path outside its folder: " + name, "use a well-formed plugin zip");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    try (InputStream in = z.getInputStream(e)) {
                        Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    /** config.php for a role: the live address for live, the preview address and no mail for other copies. */
    public String configText(Role role) {
        boolean live = role == Role.LIVE || role == Role.STANDBY;
        String wwwroot = live ? spec.wwwroot() : (spec.previewWwwroot() != null ? spec.previewWwwroot() : spec.wwwroot());
        boolean noMail = !live && !"divert".equals(spec.mail().staging());
        String divert = !live && "divert".equals(spec.mail().staging()) ? spec.mail().to() : null;
        return ConfigPhp.render(new ConfigPhp.Settings(engine.moodleDbType(), "db", DB_NAME, DB_USER,
                credentials().password(), spec.prefix(), wwwroot, EnvironmentPaths.DATAROOT, "admin",
                spec.tls() != null, false, noMail, divert, 1, Map.of()));
    }

    public void writeConfig(Operation op, Environment env, Role role) {
        op.run(Step.named("write-config")
                .describe("Write config.php for a " + role.id() + " copy")
                .command("cat > code/config.php   # wwwroot, database 'db', dataroot " + EnvironmentPaths.DATAROOT)
                .action(ctx -> {
                    Path f = code(env).resolve("config.php");
                    Files.writeString(f, configText(role));
                    ShellCommand.of("chown", "root:" + WEB_UID, f.toString()).check();
                    ShellCommand.of("chmod", "0640", f.toString()).check();
                    return null;
                }));
    }

    /** The environment's own network: the database is "db" on it, as config.php says. */
    public void createNetwork(Operation op, Environment env) {
        ContainerRuntime rt = host.runtime();
        String net = env.network(spec.name());
        op.run(Step.named("create-network").describe("Create the network " + net)
                .command("podman network create " + net)
                .action(ctx -> {
                    rt.createNetwork(net, labels(env, "network"));
                    return null;
                })
                .undo(keepOnFailure ? () -> { } : () -> rt.removeNetwork(net)));
    }

    public void startDatabase(Operation op, Environment env, SiteImages images, boolean fresh) {
        launchDatabase(op, env, images, fresh);
        awaitDatabase(op, env);
        if (fresh) {
            ContainerRuntime rt = host.runtime();
            String name = env.dbContainer(spec.name());
            op.run(Step.named("create-database").describe("Create the database and its user")
                    .action(ctx -> {
                        engine.createDatabase(rt, name, credentials());
                        return null;
                    }));
        }
    }

    /**
     * Creates and starts the database container without waiting for it to answer (its undo removes it), so that other
     * containers can start while it comes up; {@link #awaitDatabase} waits.
     */
    public void launchDatabase(Operation op, Environment env, SiteImages images, boolean fresh) {
        ContainerRuntime rt = host.runtime();
        String name = env.dbContainer(spec.name());
        Path dataDir = volumePath(env).resolve("db");
        op.run(Step.named("start-database")
                .describe("Start " + engine.name() + " on the environment's db/" + (fresh ? "" : " (a copy of live's)"))
                .command("podman run -d --name " + name + " --network " + env.network(spec.name()) + " --network-alias db "
                        + "-v " + dataDir + ":… " + images.database())
                .action(ctx -> {
                    Files.createDirectories(dataDir);
                    if (!fresh) {
                        engine.prepareCopy(dataDir);
                    }
                    rt.create(engine.containerSpec(name, images.database(), dataDir)
                            .network(env.network(spec.name()), "db")
                            .ipv4Address(dbAddress(env))
                            .labels(labels(env, "db"))
                            .build());
                    startOrClean(name, ctx::output, Duration.ofSeconds(10), () -> true);
                    return null;
                })
                .undo(undoContainer(name)));
    }

    /** Waits until the database started by {@link #launchDatabase} answers (its last log lines go to the journal if not). */
    public void awaitDatabase(Operation op, Environment env) {
        ContainerRuntime rt = host.runtime();
        String name = env.dbContainer(spec.name());
        op.run(Step.named("database-ready").describe("Wait until " + engine.name() + " in " + name + " answers")
                .action(ctx -> {
                    awaitOrClean(name, ctx::output, Duration.ofSeconds(120), () -> {
                        engine.waitReady(rt, name, Duration.ofSeconds(2));
                        return true;
                    });
                    ctx.output(engine.name() + " " + engine.serverVersion(rt, name) + " ready");
                    return null;
                }));
    }

    /**
     * The database's fixed address on the environment's network (.250 of its subnet). A restarted database container
     * would otherwise come back on another address while web and cron still reach for the old one (a connect to an
     * address nobody has hangs): web and cron get it as "db" in /etc/hosts, ahead of DNS.
     */
    public String dbAddress(Environment env) {
        String subnet = host.runtime().networkSubnet(env.network(spec.name())).orElseThrow(() -> new MoodlectlException(
                ExitCode.FAILED, "network " + env.network(spec.name()) + " has no IPv4 subnet",
                "remove the network (podman network rm " + env.network(spec.name()) + ") and try again"));
        String base = subnet.substring(0, subnet.indexOf('/'));
        return base.substring(0, base.lastIndexOf('.')) + ".250";
    }

    private ContainerSpec.Builder webSpec(String name, Environment env, SiteImages images, String kind) {
        Path volume = volumePath(env);
        ContainerSpec.Builder b = ContainerSpec.builder(name, images.web())
                .mount(volume.resolve("code").toString(), EnvironmentPaths.CODE)
                .mount(volume.resolve("moodledata").toString(), EnvironmentPaths.DATAROOT)
                .network(env.network(spec.name()))
                .extraHost("db", dbAddress(env))
                .labels(labels(env, kind))
                .env("MOODLE_DOCROOT", Files.isRegularFile(volume.resolve("code/public/index.php"))
                        ? EnvironmentPaths.CODE + "/public" : EnvironmentPaths.CODE)
                .init(true);
        spec.php().forEach((k, v) -> b.env("PHP_INI_" + k, v));
        return b;
    }

    public void startWeb(Operation op, Environment env, SiteImages images) {
        ContainerRuntime rt = host.runtime();
        String name = env.webContainer(spec.name());
        op.run(Step.named("start-web").describe("Start the web server (Apache + PHP) " + name)
                .command("podman run -d --name " + name + " --network " + env.network(spec.name())
                        + " -v code:" + EnvironmentPaths.CODE + " -v moodledata:" + EnvironmentPaths.DATAROOT + " " + images.web())
                .action(ctx -> {
                    rt.create(webSpec(name, env, images, "web").build());
                    startOrClean(name, ctx::output, Duration.ofSeconds(60),
                            () -> rt.exec(name, List.of("sh", "-c", WEB_READY_SCRIPT), null, null).ok());
                    return null;
                })
                .undo(undoContainer(name)));
    }

    /** Polls Apache from inside the container every 0.05 s for up to 2 s: one exec instead of one per poll. */
    static final String WEB_READY_SCRIPT = "i=0; while [ \"$i\" -lt 40 ]; do"
            + " curl -s -o /dev/null http://127.0.0.1/ && exit 0; i=$((i+1)); sleep 0.05; done; exit 1";

    /** Moodle's cron, one pass a minute, for the live environment only. */
    public void startCron(Operation op, Environment env, SiteImages images) {
        ContainerRuntime rt = host.runtime();
        String name = env.cronContainer(spec.name());
        op.run(Step.named("start-cron").describe("Start Moodle's cron (admin/cli/cron.php --keep-alive=0 every minute)")
                .command("podman run -d --name " + name + " … " + images.web() + " moodle-cron-loop")
                .action(ctx -> {
                    rt.create(webSpec(name, env, images, "cron").command("/usr/local/bin/moodle-cron-loop").build());
                    startOrClean(name, ctx::output, Duration.ofSeconds(10), () -> true);
                    return null;
                })
                .undo(undoContainer(name)));
    }

    /**
     * Starts a created container and waits for {@code ready}; if it exits or never gets ready, its last log lines go to
     * the step's output and the container is removed (or stopped, when failures are kept), since a failed step has no
     * undo of its own.
     */
    private void startOrClean(String name, Consumer<String> output, Duration timeout, java.util.function.BooleanSupplier ready) {
        try {
            host.runtime().start(name);
        } catch (RuntimeException e) {
            clean(name, output);
            throw e;
        }
        awaitOrClean(name, output, timeout, ready);
    }

    /** Waits for {@code ready} of a started container; on failure as {@link #startOrClean}. */
    private void awaitOrClean(String name, Consumer<String> output, Duration timeout, java.util.function.BooleanSupplier ready) {
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                if (!running(name)) {
                    throw new MoodlectlException(ExitCode.NOT_READY, "container " + name + " stopped after it started",
                            "its last log lines are in the journal: moodlectl ops show <id>");
                }
                boolean ok;
                try {
                    ok = ready.getAsBoolean();
                } catch (RuntimeException e) {
                    ok = false;
                }
                if (ok) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new MoodlectlException(ExitCode.NOT_READY, name + " was not ready after " + timeout.toSeconds() + " s",
                            "its last log lines are in the journal: moodlectl ops show <id>");
                }
                Thread.sleep(100);
            }
        } catch (RuntimeException | InterruptedException e) {
            clean(name, output);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new MoodlectlException(ExitCode.FAILED, "interrupted while starting " + name);
            }
            throw (RuntimeException) e;
        }
    }

    private void clean(String name, Consumer<String> output) {
        try {
            host.runtime().logs(name, 20).lines().forEach(l -> output.accept("log: " + l));
        } catch (RuntimeException ignored) {
            // no log to show
        }
        undoContainer(name).run();
    }

    private boolean running(String name) {
        return host.runtime().inspect(name).map(c -> c.running()).orElse(false);
    }

    /** Runs an admin/cli script (or any command) in the web container as the web user, from the code root. */
    /**
     * The shell-equivalent of {@link #moodle}: {@code podman exec} into the environment's web container as the web user
     * from the code root, followed by {@code shellWords} (already quoted), so a cell of the notebook re-runs it on the host.
     */
    public String moodleShellLine(Environment env, String shellWords) {
        return "podman exec -u " + WEB_USER + " -w " + EnvironmentPaths.CODE + " " + env.webContainer(spec.name()) + " "
                + shellWords;
    }

    public ExecResult moodle(Environment env, List<String> argv, Consumer<String> output) {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "cd " + EnvironmentPaths.CODE + " && exec \"$@\"", "sh"));
        cmd.addAll(argv);
        return host.runtime().exec(env.webContainer(spec.name()), cmd, WEB_USER, output);
    }

    /** Stops and removes an environment's containers (the volume stays). */
    public void removeContainers(Environment env) {
        ContainerRuntime rt = host.runtime();
        for (String c : List.of(env.cronContainer(spec.name()), env.webContainer(spec.name()), env.dbContainer(spec.name()))) {
            rt.remove(c);
        }
    }

    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        ShellCommand.of("rm", "-rf", "--one-file-system", p.toString()).check();
    }

    static void uncheckedDelete(Path p) {
        try {
            deleteTree(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static MoodlectlException cliFailed(String what, ExecResult r) {
        List<String> lines = r.output().lines().toList();
        String tail = String.join("\n  ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        return new MoodlectlException(ExitCode.FAILED, what + " exited " + r.exitCode() + ":\n  " + tail,
                "see the full output with `moodlectl ops show <id>`");
    }
}
