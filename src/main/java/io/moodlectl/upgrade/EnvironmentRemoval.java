package io.moodlectl.upgrade;

import io.moodlectl.host.Host;
import io.moodlectl.site.Environment;
import io.moodlectl.site.EnvironmentFactory;
import io.moodlectl.site.SiteSpec;

/** Removes an environment: containers, network, volume (the journal keeps its history). */
public final class EnvironmentRemoval {
    private final Host host;
    private final SiteSpec spec;

    public EnvironmentRemoval(Host host, SiteSpec spec) {
        this.host = host;
        this.spec = spec;
    }

    public void remove(Environment env) {
        new EnvironmentFactory(host, spec).removeContainers(env);
        String net = env.network(spec.name());
        try {
            // the front proxy joins every environment network it sends requests to (live slots, preview)
            host.runtime().disconnectNetwork(net, io.moodlectl.proxy.haproxy.HaproxyFrontProxy.containerName(spec.name()));
        } catch (RuntimeException notConnected) {
            // nothing to do
        }
        host.runtime().removeNetwork(net);
        host.storage().delete(env.volume(spec.name()));
    }

    /** Removes the site's staging copy, if it has one, as a journaled step (stage and restores replace it). */
    public void removeOldStaging(io.moodlectl.workflow.Operation op, io.moodlectl.site.SiteStore store,
                                 io.moodlectl.site.SiteState state) {
        java.util.Optional<Environment> old = state.withRole(io.moodlectl.site.Role.STAGING);
        if (old.isEmpty()) {
            return;
        }
        op.run(io.moodlectl.workflow.Step.named("remove-old-staging").describe("Remove the previous staging copy " + old.get().id())
                .action(ctx -> {
                    remove(old.get());
                    store.save(store.get(spec.name()).without(old.get().id()));
                    return null;
                }));
    }

    /** Stops the containers but keeps them and the volume (standby past its keep_running, failed copies). */
    void stop(Environment env) {
        for (String c : new String[]{env.cronContainer(spec.name()), env.webContainer(spec.name()), env.dbContainer(spec.name())}) {
            host.runtime().stop(c, java.time.Duration.ofSeconds(20));
        }
    }
}
