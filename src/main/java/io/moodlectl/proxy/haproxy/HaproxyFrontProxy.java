package io.moodlectl.proxy.haproxy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.proxy.FrontProxy;
import io.moodlectl.proxy.ProxySpec;
import io.moodlectl.proxy.ProxyState;
import io.moodlectl.proxy.Slot;
import io.moodlectl.proxy.Target;
import io.moodlectl.runtime.ContainerRuntime;
import io.moodlectl.runtime.ContainerSpec;
import io.moodlectl.runtime.ContainerState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The front proxy as one HAProxy container per site ({@code <site>-proxy}). Its folder {@code <sitesDir>/<site>/proxy/}
 * holds {@code state.json} (the wanted state), the {@code haproxy.cfg} rendered from it, the error pages and the admin
 * socket, through which every change is made at run time (weights, server addresses, the maintenance map): no reload,
 * no restart, no dropped request. Each change is saved to {@code state.json} and {@code haproxy.cfg} too, so a
 * restarted proxy comes back as it was.
 *
 * <p>The folder's path must stay short enough for a unix socket (about 100 characters for {@code admin.sock}).
 */
public final class HaproxyFrontProxy implements FrontProxy {
    private static final Pattern SITE = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");
    private static final Duration SOCKET_WAIT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final ContainerRuntime runtime;
    private final Path sitesDir;

    public HaproxyFrontProxy(ContainerRuntime runtime, Path sitesDir) {
        this.runtime = runtime;
        this.sitesDir = sitesDir.toAbsolutePath();
    }

    /** The proxy container's name. */
    public static String containerName(String site) {
        return site + "-proxy";
    }

    /** The network the proxy container is created on (it then joins each target's network too). */
    public static String frontNetwork(String site) {
        return site + "-front";
    }

    /** The folder holding the site's proxy files. */
    public Path proxyDir(String site) {
        return sitesDir.resolve(site).resolve("proxy");
    }

    @Override
    public void create(ProxySpec spec) {
        String site = requireSite(spec.site());
        if (spec.healthPath() == null || !spec.healthPath().startsWith("/")) {
            throw MoodlectlException.invalid("the health-check path must start with /: " + spec.healthPath(),
                    "use a page that answers 200 in both code layouts, e.g. /login/index.php");
        }
        if (Files.exists(stateFile(site)) || runtime.inspect(containerName(site)).isPresent()) {
            throw MoodlectlException.conflict("site " + site + " already has a proxy",
                    "start it with moodlectl, or remove it first");
        }
        requirePortFree(spec.bind(), spec.port());
        if (spec.previewPort() > 0) {
            requirePortFree(spec.bind(), spec.previewPort());
        }
        if (spec.tlsPem() != null && !Files.isRegularFile(spec.tlsPem())) {
            throw MoodlectlException.notFound("no TLS certificate file " + spec.tlsPem(),
                    "give a PEM file holding the certificate chain and the key");
        }
        try {
            Files.createDirectories(proxyDir(site));
            Files.writeString(proxyDir(site).resolve("maintenance.html"), HaproxyConfig.maintenancePage());
            Files.writeString(proxyDir(site).resolve("no-preview.html"), HaproxyConfig.noPreviewPage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the proxy files of " + site, e);
        }
        WantedState state = WantedState.initial(spec);
        save(state);
        try {
            launch(state);
        } catch (RuntimeException e) {
            runtime.remove(containerName(site));
            runtime.removeNetwork(frontNetwork(site));
            deleteTree(proxyDir(site));
            throw e;
        }
    }

    @Override
    public void start(String site) {
        WantedState state = load(site);
        Optional<ContainerState> c = runtime.inspect(containerName(site));
        if (c.isPresent() && c.get().running() && admin(site).answers()) {
            return;
        }
        launch(state);
    }

    @Override
    public void remove(String site) {
        requireSite(site);
        runtime.remove(containerName(site));
        runtime.removeNetwork(frontNetwork(site));
        deleteTree(proxyDir(site));
    }

    @Override
    public ProxyState state(String site) {
        WantedState state = load(site);
        Optional<ContainerState> c = runtime.inspect(containerName(site));
        boolean running = c.map(ContainerState::running).orElse(false);
        List<ServerStats> stats = List.of();
        if (running) {
            try {
                stats = ServerStats.parse(admin(site).send("show stat -1 4 -1"));
            } catch (MoodlectlException e) {
                running = false;
            }
        }
        Map<Slot, ProxyState.SlotState> slots = new EnumMap<>(Slot.class);
        for (Slot slot : Slot.values()) {
            Optional<WantedState.Backend> b = state.backend(slot);
            Optional<ServerStats> s = ServerStats.find(stats, HaproxyConfig.LIVE_BACKEND, slot.id());
            String address = b.map(x -> x.address() + ":" + x.port()).orElse("");
            slots.put(slot, new ProxyState.SlotState(b.map(WantedState.Backend::target), address,
                    s.map(ServerStats::weight).orElse(state.weight(slot)),
                    s.map(ServerStats::status).orElse(running ? "UNKNOWN" : "STOPPED"),
                    s.map(x -> x.checkStatus() + (x.lastCheck().isEmpty() ? "" : " " + x.lastCheck())).orElse("")));
        }
        return new ProxyState(containerName(site), running, Optional.ofNullable(state.live()), state.maintenance(),
                Map.copyOf(slots), Optional.ofNullable(state.preview()).map(WantedState.Backend::target));
    }

    @Override
    public void setBackend(String site, Slot slot, Target target) {
        WantedState state = load(site);
        AdminSocket admin = requireRunning(site);
        WantedState.Backend b = attach(site, target);
        String server = HaproxyConfig.LIVE_BACKEND + "/" + slot.id();
        admin.change("set server " + server + " addr " + b.address() + " port " + b.port());
        admin.change("set weight " + server + " " + state.weight(slot));
        admin.change("set server " + server + " state ready");
        if (slot != state.live()) {
            // Leaving maintenance makes a server UP without any check; force it down so only a passing check brings
            // it up (it has weight 0: no request is affected).
            admin.change("set server " + server + " health down");
        }
        save(state.withBackend(slot, b));
    }

    @Override
    public void clearBackend(String site, Slot slot) {
        WantedState state = load(site);
        if (slot == state.live()) {
            throw new MoodlectlException(ExitCode.REFUSED, "slot " + slot.id() + " of " + site + " is live",
                    "switch to the other slot first");
        }
        AdminSocket admin = requireRunning(site);
        String server = HaproxyConfig.LIVE_BACKEND + "/" + slot.id();
        admin.change("set weight " + server + " 0");
        admin.change("set server " + server + " state maint");
        admin.change("set server " + server + " addr " + HaproxyConfig.PLACEHOLDER_ADDR + " port "
                + HaproxyConfig.PLACEHOLDER_PORT);
        save(state.withBackend(slot, null));
    }

    @Override
    public void switchTo(String site, Slot slot, Duration timeout) {
        WantedState state = load(site);
        if (state.backend(slot).isEmpty()) {
            throw new MoodlectlException(ExitCode.NOT_READY, "slot " + slot.id() + " of " + site + " has no backend",
                    "point it at a web container first");
        }
        AdminSocket admin = requireRunning(site);
        String server = HaproxyConfig.LIVE_BACKEND + "/" + slot.id();
        ServerStats now = stats(admin, slot);
        if (now.status().startsWith("MAINT")) {
            admin.change("set server " + server + " state ready");
            admin.change("set server " + server + " health down");
        }
        awaitPassing(site, admin, slot, timeout);

        admin.change("set weight " + server + " 100");
        admin.change("set weight " + HaproxyConfig.LIVE_BACKEND + "/" + slot.other().id() + " 0");
        admin.change("clear map " + HaproxyConfig.MAINTENANCE_MAP);
        save(state.withLive(slot).withMaintenance(false));
    }

    @Override
    public void setMaintenance(String site, boolean on) {
        WantedState state = load(site);
        AdminSocket admin = requireRunning(site);
        admin.change("clear map " + HaproxyConfig.MAINTENANCE_MAP);
        if (on) {
            admin.change("add map " + HaproxyConfig.MAINTENANCE_MAP + " " + HaproxyConfig.MAINTENANCE_KEY + " 1");
        }
        save(state.withMaintenance(on));
    }

    @Override
    public void setPreview(String site, Optional<Target> target) {
        WantedState state = load(site);
        if (state.spec().previewPort() <= 0) {
            throw new MoodlectlException(ExitCode.REFUSED, "site " + site + " has no preview listener",
                    "give the site a preview port");
        }
        AdminSocket admin = requireRunning(site);
        String server = HaproxyConfig.PREVIEW_BACKEND + "/" + HaproxyConfig.PREVIEW_SERVER;
        if (target.isPresent()) {
            WantedState.Backend b = attach(site, target.get());
            admin.change("set server " + server + " addr " + b.address() + " port " + b.port());
            admin.change("set weight " + server + " 100");
            admin.change("set server " + server + " state ready");
            save(state.withPreview(b));
        } else {
            admin.change("set server " + server + " state maint");
            save(state.withPreview(null));
        }
    }

    // --- the container -------------------------------------------------------------------------------------------

    /** Creates (if missing) and starts the container from the wanted state, with the targets' current addresses. */
    private void launch(WantedState state) {
        String site = state.spec().site();
        String name = containerName(site);
        if (!runtime.networkExists(frontNetwork(site))) {
            runtime.createNetwork(frontNetwork(site), labels(site));
        }
        boolean exists = runtime.inspect(name).isPresent();
        if (!exists) {
            ProxySpec spec = state.spec().toProxySpec();
            ContainerSpec.Builder b = ContainerSpec.builder(name, spec.image())
                    .mount(proxyDir(site).toString(), HaproxyConfig.DIR)
                    .publish(spec.bind(), spec.port(), HaproxyConfig.SITE_PORT)
                    .network(frontNetwork(site))
                    .labels(labels(site));
            if (spec.previewPort() > 0) {
                b.publish(spec.bind(), spec.previewPort(), HaproxyConfig.PREVIEW_PORT);
            }
            if (spec.tlsPem() != null) {
                b.mountReadOnly(spec.tlsPem().toString(), HaproxyConfig.PEM);
            }
            runtime.create(b.build());
        }
        // Addresses may have changed since the state was saved (containers restarted): read them again.
        WantedState fresh = state;
        for (Slot slot : Slot.values()) {
            Optional<WantedState.Backend> old = state.backend(slot);
            if (old.isPresent()) {
                fresh = fresh.withBackend(slot, attachOrKeep(site, old.get()));
            }
        }
        if (state.preview() != null) {
            fresh = fresh.withPreview(attachOrKeep(site, state.preview()));
        }
        save(fresh);
        try {
            Files.deleteIfExists(proxyDir(site).resolve("admin.sock"));
        } catch (IOException e) {
            // HAProxy replaces it anyway
        }
        runtime.start(name);
        awaitSocket(site);
    }

    /** The proxy joins the target's network; returns the target with its address there. */
    private WantedState.Backend attach(String site, Target target) {
        ContainerState t = runtime.inspect(target.container()).orElseThrow(() -> MoodlectlException.notFound(
                "no web container " + target.container(), "start the environment's web container first"));
        ContainerState proxy = runtime.inspect(containerName(site)).orElseThrow(() -> MoodlectlException.notFound(
                "site " + site + " has no proxy container", "start the proxy first"));
        if (!proxy.addresses().containsKey(target.network())) {
            runtime.connectNetwork(target.network(), containerName(site), List.of());
        }
        String address = t.addresses().get(target.network());
        if (address == null || address.isBlank()) {
            throw new MoodlectlException(ExitCode.NOT_READY, "web container " + target.container()
                    + " has no address on network " + target.network(), "start it on that network first");
        }
        return new WantedState.Backend(target.container(), target.network(), target.port(), address);
    }

    /** As {@link #attach}, but keeps the saved address when the target container is gone (its check will fail). */
    private WantedState.Backend attachOrKeep(String site, WantedState.Backend saved) {
        try {
            return attach(site, saved.target());
        } catch (MoodlectlException e) {
            return saved;
        }
    }

    private void awaitSocket(String site) {
        AdminSocket admin = admin(site);
        long deadline = System.nanoTime() + SOCKET_WAIT.toNanos();
        while (!admin.answers()) {
            boolean running = runtime.inspect(containerName(site)).map(ContainerState::running).orElse(false);
            if (!running || System.nanoTime() > deadline) {
                throw new MoodlectlException(ExitCode.NOT_READY, "the proxy of " + site + " did not start; its log ends: "
                        + lastLog(containerName(site)), "look at " + proxyDir(site).resolve("haproxy.cfg"));
            }
            sleep(POLL);
        }
    }

    private void awaitPassing(String site, AdminSocket admin, Slot slot, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ServerStats last = stats(admin, slot);
        while (!last.passing()) {
            if (System.nanoTime() > deadline) {
                throw new MoodlectlException(ExitCode.UNHEALTHY, "slot " + slot.id() + " of " + site
                        + " did not pass its health check within " + timeout.toSeconds() + " s (" + last.checkText()
                        + "); traffic stays where it was", "look at the web container of that slot and at "
                        + load(site).spec().healthPath());
            }
            sleep(POLL);
            last = stats(admin, slot);
        }
    }

    private ServerStats stats(AdminSocket admin, Slot slot) {
        return ServerStats.find(ServerStats.parse(admin.send("show stat -1 4 -1")), HaproxyConfig.LIVE_BACKEND, slot.id())
                .orElseThrow(() -> new MoodlectlException(ExitCode.FAILED, "HAProxy has no server "
                        + HaproxyConfig.LIVE_BACKEND + "/" + slot.id(), "look at " + admin.path().getParent()));
    }

    private AdminSocket requireRunning(String site) {
        AdminSocket admin = admin(site);
        if (!admin.answers()) {
            throw new MoodlectlException(ExitCode.NOT_READY, "the proxy of " + site + " is not running",
                    "start it (moodlectl starts it again from its saved state)");
        }
        return admin;
    }

    private AdminSocket admin(String site) {
        return new AdminSocket(proxyDir(site).resolve("admin.sock"));
    }

    // --- files -----------------------------------------------------------------------------------------------------

    private Path stateFile(String site) {
        return proxyDir(site).resolve("state.json");
    }

    private WantedState load(String site) {
        Path file = stateFile(requireSite(site));
        if (!Files.isRegularFile(file)) {
            throw MoodlectlException.notFound("site " + site + " has no proxy", "create the site first");
        }
        try {
            return JSON.readValue(file.toFile(), WantedState.class);
        } catch (IOException e) {
            throw new MoodlectlException(ExitCode.FAILED, "cannot read " + file + ": " + e.getMessage(),
                    "fix or remove the file");
        }
    }

    /** Writes state.json, haproxy.cfg and the maintenance map, each atomically. */
    private void save(WantedState state) {
        String site = state.spec().site();
        try {
            writeAtomically(stateFile(site), JSON.writeValueAsString(state));
            writeAtomically(proxyDir(site).resolve("haproxy.cfg"), HaproxyConfig.render(state));
            writeAtomically(proxyDir(site).resolve("maintenance.map"),
                    state.maintenance() ? HaproxyConfig.MAINTENANCE_KEY + " 1\n" : "");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the proxy state of " + site, e);
        }
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }

    // --- small things ----------------------------------------------------------------------------------------------

    private static Map<String, String> labels(String site) {
        return Map.of("moodlectl.site", site, "moodlectl.role", "proxy");
    }

    private static String requireSite(String site) {
        if (site == null || !SITE.matcher(site).matches()) {
            throw MoodlectlException.invalid("invalid site name '" + site + "'",
                    "use lower-case letters, digits, '-', '_' and '.'");
        }
        return site;
    }

    private static void requirePortFree(String bind, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(bind, port));
        } catch (IOException e) {
            throw MoodlectlException.conflict("port " + bind + ":" + port + " is taken (" + e.getMessage() + ")",
                    "choose another port for the site");
        }
    }

    private String lastLog(String container) {
        try {
            return runtime.logs(container, 5).strip();
        } catch (RuntimeException e) {
            return "(no log)";
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MoodlectlException(ExitCode.FAILED, "interrupted");
        }
    }
}
