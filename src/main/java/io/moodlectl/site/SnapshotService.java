package io.moodlectl.site;

import io.moodlectl.error.MoodlectlException;
import io.moodlectl.host.Host;
import io.moodlectl.runtime.ContainerRuntime;
import io.moodlectl.storage.StorageDriver;
import io.moodlectl.storage.Volume;
import io.moodlectl.workflow.Operation;
import io.moodlectl.workflow.Step;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Supplier;

/**
 * Site versions: read-only snapshots of the live environment's volume, named {@code <site>@<name>}. On storage with
 * atomic snapshots the database is only flushed first; without, it is stopped cleanly for the copy (quiesced).
 */
public final class SnapshotService {
    private final Host host;
    private final SiteStore store;

    public SnapshotService(Host host) {
        this.host = host;
        this.store = new SiteStore(host.state());
    }

    public record SnapshotInfo(String site, String name, String volume, String created, boolean readOnly) {
    }

    public SnapshotInfo create(String site, String name) {
        SiteState state = store.get(site);
        SiteSpec spec = store.spec(site);
        String snap = name != null ? name : LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        if (!snap.matches("[a-z0-9][a-z0-9._-]{0,60}")) {
            throw MoodlectlException.invalid("'" + snap + "' is not a valid snapshot name",
                    "use lower-case letters, digits, '.', '_' and '-'");
        }
        Environment live = SiteService.select(state, "live");
        StorageDriver storage = host.storage();
        String volume = site + "@" + snap;
        if (storage.find(volume).isPresent()) {
            throw MoodlectlException.conflict("snapshot " + snap + " of " + site + " exists", "choose another name");
        }
        try (SiteLock lock = SiteLock.acquire(host, site);
             Operation op = host.operations().begin("snapshot", site, "Snapshot " + live.id() + " of " + site + " as " + snap)) {
            EnvironmentFactory factory = new EnvironmentFactory(host, spec);
            Volume v = op.run(Step.named("snapshot").describe("Read-only snapshot of " + live.volume(site) + " as " + volume)
                    .command(storage.capabilities().atomicSnapshot()
                            ? "btrfs subvolume snapshot -r " + factory.volumePath(live) + " " + storage.root().resolve(volume)
                            : "cp -a " + factory.volumePath(live) + " " + storage.root().resolve(volume))
                    .action(ctx -> withConsistentFiles(host, factory, live, ctx::output,
                            () -> storage.snapshot(live.volume(site), volume, true)))
                    .undo(() -> storage.delete(volume)));
            op.succeed();
            return info(site, v);
        }
    }

    /**
     * Runs {@code copy} while the environment's files are consistent: with atomic snapshots after flushing the
     * database's dirty pages (the copy is crash-consistent and recovers in ~0.1 s), otherwise with the database
     * stopped cleanly (quiesced) for the duration of the copy and started again afterwards.
     */
    public static <T> T withConsistentFiles(Host host, EnvironmentFactory factory, Environment env,
                                            java.util.function.Consumer<String> output, Supplier<T> copy) {
        ContainerRuntime rt = host.runtime();
        String db = env.dbContainer(factory.spec().name());
        boolean running = rt.inspect(db).map(c -> c.running()).orElse(false);
        if (!running) {
            return copy.get();
        }
        if (host.storage().capabilities().atomicSnapshot()) {
            factory.engine().flush(rt, db);
            output.accept("database flushed; atomic snapshot");
            return copy.get();
        }
        output.accept("storage has no atomic snapshots: stopping the database cleanly for the copy");
        factory.engine().quiesce(rt, db);
        try {
            return copy.get();
        } finally {
            rt.start(db);
            factory.engine().waitReady(rt, db, Duration.ofSeconds(120));
            output.accept("database started again");
        }
    }

    public List<SnapshotInfo> list(String site) {
        store.get(site);
        return host.storage().list().stream().filter(v -> v.name().startsWith(site + "@"))
                .map(v -> info(site, v)).toList();
    }

    public void delete(String site, String name) {
        store.get(site);
        String volume = site + "@" + name;
        if (host.storage().find(volume).isEmpty()) {
            throw MoodlectlException.notFound("site " + site + " has no snapshot " + name,
                    "list them: moodlectl snapshot list " + site);
        }
        try (SiteLock lock = SiteLock.acquire(host, site);
             Operation op = host.operations().begin("snapshot-delete", site, "Delete snapshot " + name + " of " + site)) {
            op.run(Step.named("delete-snapshot").describe("Delete " + volume)
                    .action(ctx -> {
                        host.storage().delete(volume);
                        return null;
                    }));
            op.succeed();
        }
    }

    private static SnapshotInfo info(String site, Volume v) {
        return new SnapshotInfo(site, v.name().substring(site.length() + 1), v.name(),
                v.created() == null ? null : v.created().toString(), v.readOnly());
    }
}
