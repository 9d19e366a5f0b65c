package io.moodlectl.upgrade;

import io.moodlectl.host.Host;
import io.moodlectl.site.HttpProbe;
import io.moodlectl.site.SiteLock;
import io.moodlectl.site.SiteService;
import io.moodlectl.site.SiteSpec;
import io.moodlectl.site.SiteStore;

import java.time.Duration;

/**
 * After a switch there is no daemon: promote watches the new side through the front port for a while and, after three
 * failed probes in a row, switches back to the standby by itself (no --force: the new side is failing).
 */
public final class Watch {
    static final int FAILURES_TO_ROLL_BACK = 3;
    private final Host host;

    public Watch(Host host) {
        this.host = host;
    }

    public PromotionReport.WatchResult watch(String site, Duration duration) {
        SiteStore store = new SiteStore(host.state());
        SiteSpec spec = store.spec(site);
        long end = System.nanoTime() + duration.toNanos();
        long start = System.nanoTime();
        int probes = 0;
        int failures = 0;
        int inARow = 0;
        String last = null;
        while (System.nanoTime() < end) {
            HttpProbe.Response r = HttpProbe.get(SiteService.probeAddressOf(spec), spec.port(), SiteService.hostHeaderOf(spec),
                    SiteService.HEALTH_PATH, 10_000);
            probes++;
            if (r.status() == 200) {
                inARow = 0;
            } else {
                failures++;
                inARow++;
                last = r.status() < 0 ? "no answer (" + r.body() + ")" : "HTTP " + r.status();
                if (inARow >= FAILURES_TO_ROLL_BACK) {
                    String reason = "the new side failed " + inARow + " health checks in a row during the watch (" + last + ")";
                    try (SiteLock lock = SiteLock.acquire(host, site)) {
                        new RollbackService(host).rollbackLocked(site, true, true, reason);
                    }
                    return new PromotionReport.WatchResult((System.nanoTime() - start) / 1e9, probes, failures, true, reason);
                }
            }
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new PromotionReport.WatchResult((System.nanoTime() - start) / 1e9, probes, failures, false,
                failures == 0 ? "every probe answered 200" : failures + " probe(s) failed, never " + FAILURES_TO_ROLL_BACK + " in a row");
    }
}
