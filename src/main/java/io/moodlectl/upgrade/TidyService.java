package io.moodlectl.upgrade;

import io.moodlectl.host.Host;
import io.moodlectl.site.Environment;
import io.moodlectl.site.Role;
import io.moodlectl.site.SiteLock;
import io.moodlectl.site.SiteSpec;
import io.moodlectl.site.SiteState;
import io.moodlectl.site.SiteStore;
import io.moodlectl.storage.Volume;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * `site tidy`: applies the site file's retention. A standby past {@code standby.keep_running} is stopped (kept);
 * standby, retired and failed environments older than {@code retention.environments} are removed, except the last
 * good standby unless forced; snapshots beyond {@code retention.snapshots} are deleted, oldest first.
 */
public final class TidyService {
    private final Host host;
    private final SiteStore store;

    public TidyService(Host host) {
        this.host = host;
        this.store = new SiteStore(host.state());
    }

    public record TidyResult(String site, List<String> actions) {
    }

    public TidyResult tidy(String site, boolean force) {
        try (SiteLock lock = SiteLock.acquire(host, site)) {
            return tidyLocked(site, force);
        }
    }

    /** For callers that hold the site's lock already (stage, promote). */
    TidyResult tidyLocked(String site, boolean force) {
        SiteState state = store.get(site);
        SiteSpec spec = store.spec(site);
        EnvironmentRemoval removal = new EnvironmentRemoval(host, spec);
        List<String> actions = new ArrayList<>();
        Instant now = Instant.now();
        Environment lastStandby = state.withRole(Role.STANDBY).orElse(null);
        for (Environment e : state.environments()) {
            Duration age = Duration.between(e.roleSince(), now);
            boolean removable = e.role() == Role.RETIRED || e.role() == Role.FAILED || e.role() == Role.STANDBY;
            boolean protectedStandby = e.role() == Role.STANDBY && e.equals(lastStandby) && !force;
            if (removable && !protectedStandby && age.compareTo(spec.retention().environments()) > 0) {
                removal.remove(e);
                state = state.without(e.id());
                actions.add("removed " + e.role().id() + " environment " + e.id() + " (older than " + spec.retention().environments().toDays() + " days)");
            } else if (e.role() == Role.STANDBY && age.compareTo(spec.standbyKeepRunning()) > 0
                    && host.runtime().inspect(e.webContainer(site)).map(c -> c.running()).orElse(false)) {
                removal.stop(e);
                actions.add("stopped standby " + e.id() + " (kept; `moodlectl rollback` starts it again)");
            } else if ((e.role() == Role.RETIRED || e.role() == Role.FAILED)
                    && host.runtime().inspect(e.webContainer(site)).map(c -> c.running()).orElse(false)) {
                removal.stop(e);
                actions.add("stopped " + e.role().id() + " environment " + e.id());
            }
        }
        store.save(state);
        List<Volume> snapshots = new ArrayList<>(host.storage().list().stream().filter(v -> v.name().startsWith(site + "@")).toList());
        snapshots.sort(Comparator.comparing(Volume::created, Comparator.nullsFirst(Comparator.naturalOrder())));
        while (snapshots.size() > spec.retention().snapshots()) {
            Volume v = snapshots.remove(0);
            host.storage().delete(v.name());
            actions.add("deleted snapshot " + v.name().substring(site.length() + 1) + " (keeping " + spec.retention().snapshots() + ")");
        }
        return new TidyResult(site, actions);
    }
}
