package io.moodlectl.upgrade;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The rehearsal report of `stage`, kept as sites/<site>/rehearsal.json: promote refuses unless it passed for the same
 * release and the same live environment.
 *
 * @param forecastSeconds the promotion's expected downtime: the same steps as inside promote's window, as timed here
 */
public record Rehearsal(String site, String operation, Instant staged, String liveEnvironment, String stagingEnvironment,
                        String fromRelease, String ref, String commit, String release, String generation,
                        boolean passed, Map<String, Double> stepSeconds, double upgradeSeconds, double forecastSeconds,
                        List<Setting> newSettings, List<PluginChange> pluginChanges, List<Check> checks,
                        String previewUrl, boolean siteFileChanged) {

    public record Setting(String component, String name, String value) {
    }

    public record PluginChange(String component, String from, String to) {
    }

    /** @param passed whether the check's result lets the promotion go ahead */
    public record Check(String name, int exitCode, boolean passed, String summary) {
    }
}
