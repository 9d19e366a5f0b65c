package io.moodlectl.proxy;

import java.time.Duration;
import java.util.Optional;

/**
 * The site's public entry point: one proxy per site with two backend slots (blue, green) for blue-green switching,
 * a maintenance page, and a preview listener for the staging copy. Its wanted state is kept on disk, so a restart
 * comes back as it was.
 */
public interface FrontProxy {
    /** Writes the configuration and starts the proxy container. CONFLICT if the port is taken. */
    void create(ProxySpec spec);

    /** Starts the proxy container again (after a reboot), with its state from disk. */
    void start(String site);

    /** Removes the proxy container and its state. */
    void remove(String site);

    ProxyState state(String site);

    /**
     * Points {@code slot} at a web container: the proxy joins {@code target.network()} and addresses the container
     * there. The slot keeps weight 0 unless it is live; both slots stay health-checked.
     */
    void setBackend(String site, Slot slot, Target target);

    /** Empties a slot. */
    void clearBackend(String site, Slot slot);

    /**
     * Moves all traffic to {@code slot} once its health check passes (UNHEALTHY after {@code timeout}); ends
     * maintenance. No request is dropped.
     */
    void switchTo(String site, Slot slot, Duration timeout);

    /** Answers every request with 503 + Retry-After (on) or serves the live slot (off). */
    void setMaintenance(String site, boolean on);

    /** Sends the preview listener to a web container, or closes it (empty). */
    void setPreview(String site, Optional<Target> target);
}
