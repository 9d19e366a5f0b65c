package io.moodlectl.host;

import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import io.moodlectl.runtime.images.ImageStatus;
import io.moodlectl.storage.LoopPool;
import io.moodlectl.storage.PoolUsage;
import io.moodlectl.storage.StorageDriver;
import io.moodlectl.storage.StorageDrivers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** `host init`, `host status`, `host up`. */
public final class HostService {
    /** Default size of the loop-file pool: sparse, so it only takes what is written. */
    public static final long DEFAULT_POOL_BYTES = 20L << 30;

    private final Host host;

    public HostService(Host host) {
        this.host = host;
    }

    /** How to make the pool: an existing directory, or a loop file (default: under the state directory). */
    public record PoolOptions(Optional<Path> poolDir, Optional<Path> poolFile, Optional<Long> poolBytes,
                              Optional<String> driver) {
        public static PoolOptions defaults() {
            return new PoolOptions(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    public record InitResult(HostConfig config, boolean created, List<String> actions) {
    }

    public InitResult init(PoolOptions options) {
        StateDir state = host.state();
        if (options.poolDir().isPresent() && (options.poolFile().isPresent() || options.poolBytes().isPresent())) {
            throw MoodlectlException.invalid("--pool-dir cannot be combined with --pool-file/--pool-size",
                    "give either an existing directory or a loop file to create");
        }
        HostConfig wanted = wantedConfig(state, options);
        List<String> actions = new ArrayList<>();
        if (state.initialised()) {
            HostConfig existing = HostConfig.read(state);
            boolean explicit = options.poolDir().isPresent() || options.poolFile().isPresent();
            if (explicit && !existing.poolRoot().equals(wanted.poolRoot())) {
                throw MoodlectlException.conflict("this host is already initialised with the pool " + existing.poolRoot(),
                        "use that pool, or another --state-dir");
            }
            if (existing.poolImage() != null && PoolMounts.ensureMounted(existing)) {
                actions.add("mounted " + existing.poolImage() + " on " + existing.poolRoot());
            }
            return new InitResult(existing, false, actions);
        }
        if (options.poolDir().isPresent()) {
            Path dir = options.poolDir().get().toAbsolutePath().normalize();
            if (!Files.isDirectory(dir)) {
                throw MoodlectlException.notFound("pool directory " + dir + " does not exist",
                        "create it (on btrfs for instant snapshots), or omit --pool-dir for a loop-file pool");
            }
            StorageDriver driver = StorageDrivers.forDirectory(dir, options.driver());
            HostConfig config = new HostConfig(driver.name(), dir.toString(), null, 0);
            state.create();
            config.write(state);
            actions.add("using " + dir + " with the " + driver.name() + " driver");
            return new InitResult(config, true, actions);
        }
        if (options.driver().isPresent() && !options.driver().get().equals("btrfs")) {
            throw new MoodlectlException(ExitCode.UNSUPPORTED,
                    "a loop-file pool is btrfs; --driver " + options.driver().get() + " needs --pool-dir",
                    "give --pool-dir DIR on a filesystem that can do it (XFS for reflink, any for copy)");
        }
        state.create();
        Path image = Path.of(wanted.poolImage());
        Path mount = wanted.pool();
        if (Files.exists(image)) {
            throw MoodlectlException.conflict("pool file " + image + " already exists",
                    "remove it, or give another --pool-file");
        }
        LoopPool.create(image, wanted.poolBytes(), mount);
        try {
            StorageDriver driver = StorageDrivers.forDirectory(mount, Optional.of("btrfs"));
            HostConfig config = new HostConfig(driver.name(), mount.toString(), image.toString(), wanted.poolBytes());
            config.write(state);
        } catch (RuntimeException e) {
            LoopPool.unmount(mount);
            try {
                Files.deleteIfExists(image);
            } catch (IOException ignored) {
                // best effort: the message below says what happened
            }
            throw e;
        }
        actions.add("created a " + (wanted.poolBytes() >> 30) + " GiB btrfs pool in " + image + " (sparse), mounted on " + mount);
        return new InitResult(HostConfig.read(state), true, actions);
    }

    private static HostConfig wantedConfig(StateDir state, PoolOptions options) {
        if (options.poolDir().isPresent()) {
            return new HostConfig(null, options.poolDir().get().toAbsolutePath().normalize().toString(), null, 0);
        }
        Path image = options.poolFile().map(p -> p.toAbsolutePath().normalize()).orElse(state.defaultPoolImage());
        Path mount = options.poolFile().isPresent()
                ? image.resolveSibling(image.getFileName().toString().replaceFirst("\\.img$", "") + ".pool")
                : state.defaultPoolMount();
        long bytes = options.poolBytes().orElse(DEFAULT_POOL_BYTES);
        return new HostConfig("btrfs", mount.toString(), image.toString(), bytes);
    }

    public HostStatus status() {
        StateDir state = host.state();
        HostStatus.Api api;
        List<ImageStatus> images = List.of();
        try {
            api = new HostStatus.Api(true, host.connection().info(), null);
            images = host.images().status();
        } catch (MoodlectlException e) {
            api = new HostStatus.Api(false, null, e.getMessage());
        }
        HostStatus.Pool pool = null;
        if (state.initialised()) {
            HostConfig config = HostConfig.read(state);
            boolean mounted = config.poolImage() == null || LoopPool.isMounted(config.pool());
            if (mounted) {
                StorageDriver driver = host.storage();
                PoolUsage usage = driver.usage();
                pool = new HostStatus.Pool(config.poolRoot(), driver.name(), driver.capabilities(), true,
                        config.poolImage(), usage.totalBytes(), usage.freeBytes());
            } else {
                pool = new HostStatus.Pool(config.poolRoot(), config.driver(), null, false, config.poolImage(), 0, 0);
            }
        }
        return new HostStatus(state.root().toString(), api, pool, images, siteNames(state));
    }

    public static List<String> siteNames(StateDir state) {
        if (!Files.isDirectory(state.sites())) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(state.sites())) {
            return s.filter(p -> Files.isRegularFile(p.resolve("state.json")))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new MoodlectlException(ExitCode.FAILED, "cannot list " + state.sites() + ": " + e.getMessage(), null);
        }
    }

    public record UpResult(List<String> actions) {
    }

    /** After a reboot: mount the pool, start the API service if needed, start every site's containers. */
    public UpResult up(java.util.function.Function<String, List<String>> startSite) {
        List<String> actions = new ArrayList<>();
        HostConfig config = HostConfig.read(host.state());
        if (config.poolImage() != null && PoolMounts.ensureMounted(config)) {
            actions.add("mounted the pool " + config.poolImage() + " on " + config.poolRoot());
        }
        if (!ApiService.ensureRunning()) {
            actions.add("started the Podman API service (PID in " + ApiService.PID_FILE + ")");
        }
        for (String site : siteNames(host.state())) {
            actions.addAll(startSite.apply(site));
        }
        if (actions.isEmpty()) {
            actions.add("nothing to do: the pool is mounted, the API answers and every site is running");
        }
        return new UpResult(actions);
    }
}
