package io.moodlectl.upgrade;

import java.util.List;

/**
 * The downtime report of a promotion (or restore): the window users saw, from the first maintenance response to the
 * first page from the new side, and each step inside it.
 *
 * @param watch what the watch after the switch saw; rolledBack when it switched back by itself
 */
public record PromotionReport(String site, String operation, String from, String to, String release,
                              double windowSeconds, double upgradeSeconds, double switchSeconds,
                              List<StepTime> window, Double forecastSeconds, WatchResult watch) {

    public record StepTime(String step, double seconds) {
    }

    public record WatchResult(double seconds, int probes, int failures, boolean rolledBack, String reason) {
    }

    public double overheadSeconds() {
        return windowSeconds - upgradeSeconds;
    }
}
